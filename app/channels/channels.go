package channels

import (
	"log/slog"
	"time"

	"highvibe/app/channels/api"
	"highvibe/app/channels/chanutil"
	"highvibe/app/channels/email"
	"highvibe/app/channels/landing"
	"highvibe/app/channels/telegram"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/channels/widget"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// Handlers are the channel endpoints the route table points to.
type Handlers struct {
	WhatsApp  *whatsapp.Webhook
	Telegram  *telegram.Webhook
	Processor *whatsapp.Processor
	Deliverer *Deliverer
	Widget    *widget.Handler
	Settings  *Settings
	Landing   *landing.Handler
	API       *api.Handler
	Email     *email.Fetcher
}

// New builds the channel handlers over the server's services; the channel registry is the
// inbox service's (in.Channels, built from Registry()).
func New(render *web.Renderer, p *platform.Service, in *inbox.Service, log *slog.Logger, widgetScript func() string) *Handlers {
	keys := chanutil.NewKeys(p) // the webhook and the API share one key cache
	proc := &whatsapp.Processor{Inbox: in}
	return &Handlers{
		WhatsApp:  whatsapp.NewWebhook(p, keys, proc, log),
		Telegram:  &telegram.Webhook{Platform: p, Inbox: in, Log: log},
		Processor: proc,
		Deliverer: &Deliverer{Channels: in.Channels, Platform: p, Inbox: in, Log: log},
		Widget:    widget.New(p, in, render, log, widgetScript),
		Settings:  &Settings{Render: render, Platform: p, Channels: in.Channels},
		Landing:   landing.New(p, in, render, log),
		API:       api.New(p, keys, in, log),
		Email:     &email.Fetcher{Platform: p, Inbox: in, Log: log},
	}
}

// MediaFetchers are the channels' downloaders of inbound files, by channel code (app/media runs
// them in its media_fetch job).
func (h *Handlers) MediaFetchers() map[string]media.Fetcher {
	return map[string]media.Fetcher{"whatsapp": whatsapp.Fetcher(nil), "telegram": telegram.Fetcher(nil)}
}

// UseMedia hands the media room to the endpoints that take or send files: the widget's photo
// upload and links, and the deliverer, which sends a reply's file.
func (h *Handlers) UseMedia(m *media.Service) {
	h.Widget.Media = m
	h.Deliverer.Media = m
}

// RegisterJobs registers the channel job kinds, both in the customer lane: webhook processing
// (inbound ingest) and outbound delivery. Deliveries the webhook processed as it stored them count
// as whatsapp_process jobs done, and while deliveries keep a tenant's writer busy the runner holds
// that tenant's assistant and housekeeping work.
func (h *Handlers) RegisterJobs(r *jobs.Runner) {
	r.HandleBatchIn(jobs.LaneCustomer, whatsapp.JobProcess, whatsapp.BatchSize, h.Processor.HandleBatch)
	r.HandleIn(jobs.LaneCustomer, JobDeliver, h.Deliverer.Handle)
	r.HandleIn(jobs.LaneCustomer, email.JobFetch, h.Email.Handle)
	h.WhatsApp.Processed = func(n int, took time.Duration) {
		for range n {
			r.Observe(whatsapp.JobProcess, jobs.OutcomeDone, took)
		}
	}
	r.HoldLowerLanes(h.WhatsApp.Busy)
}
