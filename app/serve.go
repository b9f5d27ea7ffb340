package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"highvibe/app/account"
	"highvibe/app/ai"
	"highvibe/app/analytics"
	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/channels"
	"highvibe/app/channels/channel"
	"highvibe/app/conversions"
	"highvibe/app/crm"
	"highvibe/app/dashboard"
	"highvibe/app/docs"
	"highvibe/app/followups"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/inventory"
	"highvibe/app/jobs"
	"highvibe/app/kvkk"
	"highvibe/app/leads"
	"highvibe/app/live"
	"highvibe/app/logs"
	"highvibe/app/media"
	"highvibe/app/msp"
	"highvibe/app/notify"
	"highvibe/app/ops"
	"highvibe/app/platform"
	"highvibe/app/quotes"
	"highvibe/app/seasonal"
	"highvibe/app/settings"
	"highvibe/app/staff"
	"highvibe/app/tenantdb"
	"highvibe/app/tenantdb/replica"
	"highvibe/app/visits"
	"highvibe/app/web"
	"highvibe/guide"
	"highvibe/static"
	"highvibe/views"
)

// Options configure a server.
type Options struct {
	DataDir      string
	Litestream   string // path to litestream.yml; "" = none
	Log          *slog.Logger
	MetricsToken string
	JobTick      time.Duration
	// TrustedProxies are the peers whose forwarding headers are believed (--trusted-proxies).
	TrustedProxies web.Proxies
	// FormReadTimeout (default 15 s) and WebhookReadTimeout (default 30 s) bound how long a request
	// body may take to arrive.
	FormReadTimeout, WebhookReadTimeout time.Duration
	// SessionIdle ends panel sessions unused for this long (default auth.DefaultIdle, 12 h).
	SessionIdle time.Duration
	// Channels is the channel registry (nil = channels.Registry(), the product's). Tests pass
	// their own to show that a channel declared in one place is stored, validated and drawn.
	Channels *channel.Registry
	// BaseURL is the server's public address ("https://panel.example.com", checked by
	// web.ParseBaseURL; "" none): e-mail and push links, quote links and the widget snippet use it.
	BaseURL string
	// PasswordHashCost is the bcrypt cost of the password hashes the server stores (0 =
	// platform.HashCost). serve never sets it; tests lower it (see platform.Service.HashCost).
	PasswordHashCost int
	// MinFreeDisk is the free space on the data directory's disk under which /readyz/ fails
	// (serve --min-free-disk; 0 = tenantdb.LowDisk).
	MinFreeDisk uint64
}

// Limits on strangers' request bodies in flight at once: in all, and from one address.
const (
	maxStrangerBodies        = 256
	maxStrangerBodiesPerAddr = 8
)

// Handlers are the room handlers the route table points to.
type Handlers struct {
	Account   *account.Handler
	Settings  *settings.Handler
	Guide     *docs.Guide
	Ops       *ops.Handler
	Dashboard *dashboard.Handler
	Logs      *logs.Handler
	// Inbox serves the inbox pages; InboxService is the one Ingest/AddMessage entry point channels and the AI use.
	Inbox        *inbox.Handler
	InboxService *inbox.Service
	// Channels are the widget, webhook, integration API and landing endpoints (app/channels).
	Channels *channels.Handlers
	// Analytics serves the KPI & Action Center (app/analytics).
	Analytics *analytics.Handler
	// CRM serves customers, orders, invoices and repair requests (app/crm).
	CRM *crm.Handler
	// Approvals is the approval queue; Products the catalog; Assistant runs the ai_triage/ai_review jobs.
	Approvals *approvals.Handler
	Products  *crm.ProductsHandler
	Assistant *ai.Assistant
	// Quotes are the written quotes and the customer's page of one (app/quotes).
	Quotes *quotes.Handler
	// VisitsCore does the site visits' work beyond one request: confirmations, reminders (app/visits).
	VisitsCore *visits.Service
	// Book is booking a site visit from a conversation and the customer's page of a visit (app/visits).
	Book *visits.BookHandler
	// Notify is the notification centre, push subscriptions and preferences (app/notify).
	Notify *notify.Handler
	// Staff is the staff console (app/staff); its Service is the one the CLI's tenant commands use.
	Staff *staff.Handler
	// Media keeps and serves photos and files (app/media); MediaFiles serves them over HTTP.
	Media      *media.Service
	MediaFiles *media.Handler
	// Visits is the site visits' calendar, outcome and calendar feeds (app/visits).
	Visits *visits.Handler
	// SLA is the MSP module's SLA policies page (app/msp); its job warns before breaches.
	SLA *msp.SLAHandler
	// MSPTime is the MSP module's contracts, timesheet and time entries (app/msp).
	MSPTime *msp.TimeHandler
	// MSP is the MSP module's tickets, clients, sites and devices (app/msp).
	MSP *msp.Handler
	// Leads is the leads list, a lead's page and the pipeline board (app/leads). Its Sections are
	// the lead page's parts: a room adds its own with one line below (leads.Section).
	Leads *leads.Handler
	// FollowUps is the follow-ups page (app/followups); FollowUpsCore runs its job.
	FollowUps     *followups.Handler
	FollowUpsCore *followups.Service
	// Stock is a product's stock page and its forms (module inventory, app/inventory).
	Stock *inventory.Handler
	// Seasonal is the seasonal calendar module's page (app/seasonal); its job raises a
	// recommendation when a campaign's lead time starts.
	Seasonal *seasonal.Handler
	// Conversions is conversion tracking (module conversion_tracking, app/conversions): its
	// settings page, a lead's section and the outbox that delivers events to the ad platforms.
	Conversions    *conversions.Handler
	ConversionsSvc *conversions.Service
	// KVKK is a person's data: export everything about them, or erase them (app/kvkk).
	KVKK *kvkk.Handler
}

// NewServer opens the data directory, replication and every tenant, and builds the handlers. It
// does not start listening; Start does the background parts.
func NewServer(ctx context.Context, o Options) (*Server, *Handlers, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if err := i18n.LoadError(); err != nil {
		return nil, nil, err
	}
	base, err := web.ParseBaseURL(o.BaseURL)
	if err != nil {
		return nil, nil, err
	}
	o.BaseURL = base
	mgr, err := tenantdb.NewManager(ctx, o.DataDir)
	if err != nil {
		return nil, nil, err
	}
	// Every committed tenant write records the tenant's newest audit row in platform.db, off the
	// committing goroutine (Recorder.Async); Close flushes it before the databases close.
	heads := audit.Attach(mgr, o.Log)
	heads.Async = true
	// The channel registry: its channels' settings are handed to the platform room, which stores
	// them without importing the channels.
	reg := o.Channels
	if reg == nil {
		reg = channels.Registry()
	}
	ps := platform.NewService(mgr, roomSettings(reg)...)
	ps.HashCost = o.PasswordHashCost
	s := &Server{Log: o.Log, Mgr: mgr, Heads: heads, Platform: ps, Live: live.NewHub(), MetricsToken: o.MetricsToken, Proxies: o.TrustedProxies,
		FormReadTimeout: cmp.Or(o.FormReadTimeout, 15*time.Second), WebhookReadTimeout: cmp.Or(o.WebhookReadTimeout, 30*time.Second),
		BodyGate:     web.NewBodyGate(maxStrangerBodies, maxStrangerBodiesPerAddr),
		UserThrottle: auth.NewThrottle(5, 15*time.Minute, 30*time.Second, 15*time.Minute),
		IPThrottle:   auth.NewThrottle(20, 15*time.Minute, time.Minute, 15*time.Minute), BaseURL: o.BaseURL}
	if o.Litestream != "" {
		cfg, err := replica.LoadConfig(o.Litestream)
		switch {
		case errors.Is(err, os.ErrNotExist):
			o.Log.Info("replication off: no litestream config", "path", o.Litestream)
		case err != nil:
			mgr.Close()
			return nil, nil, err
		default:
			if err := cfg.Covers(o.DataDir); err != nil {
				mgr.Close()
				return nil, nil, fmt.Errorf("litestream config %s does not match the data directory: %w", o.Litestream, err)
			}
			if s.Repl, err = replica.New(cfg, o.Log); err != nil {
				mgr.Close()
				return nil, nil, err
			}
			if err := s.Repl.Start(ctx); err != nil {
				mgr.Close()
				return nil, nil, fmt.Errorf("replication: %w", err)
			}
			if _, err := s.Repl.Add(ctx, mustAbs(mgr.PlatformPath())); err != nil {
				o.Log.Error("replicate platform.db", "err", err)
			}
			mgr.Replicated = true
			mgr.OnOpen = func(ctx context.Context, path string) {
				if _, err := s.Repl.Add(ctx, mustAbs(path)); err != nil {
					o.Log.Error("replicate", "db", path, "err", err)
				}
			}
		}
	}
	s.Sessions = &auth.Store{Platform: s.Platform, Idle: o.SessionIdle, ClientIP: web.ClientIP, Secure: web.Secure}
	if s.Assets, err = static.New(); err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	if s.Render, err = web.NewRenderer(views.FS, s.Assets, o.Log); err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	s.Render.Counts = navCounts
	s.Render.DataDir = o.DataDir
	s.Render.Records = recordLinks
	if _, err := s.OpenAllTenants(ctx); err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	// A business whose file a newer HighVibe migrated (this binary put back after an update) stops
	// the start: every business's file was migrated by that update, and running the rest on an
	// older program than their data is a rollback nobody chose. The error names the file and what to do.
	if err := newerTenants(s.Unopened()); err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	s.Jobs = jobs.NewRunner(jobSource{s}, o.Log, jobs.DefaultWorkers)
	if o.JobTick > 0 {
		s.Jobs.SetTick(o.JobTick)
	}
	// Finished jobs are deleted after the tenant's retention windows, once a day per tenant.
	s.Jobs.HandleRetention(func(ctx context.Context, slug string) (jobs.Retention, error) {
		t, err := s.Platform.TenantBySlug(ctx, slug)
		if err != nil {
			return jobs.Retention{}, err
		}
		return jobs.RetentionOf(t.Setting), nil
	})
	// Spent one-time form tokens are kept a day (web.OnceKeep), then go with the same run; the
	// staff console's, in the platform database, with each tenant's run (a no-op after the first).
	s.Jobs.PruneAlso(func(ctx context.Context, db *tenantdb.DB, now time.Time) error {
		if _, err := web.PruneOnce(ctx, db, now); err != nil {
			return err
		}
		_, err := web.PruneOnce(ctx, s.Platform.DB, now)
		return err
	})
	g, err := docs.Load(guide.FS, s.Render)
	if err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	h := &Handlers{
		Account: &account.Handler{Render: s.Render, Platform: s.Platform, Sessions: s.Sessions, UserThrottle: s.UserThrottle, IPThrottle: s.IPThrottle,
			AuditLogin: func(ctx context.Context, slug string, e audit.Entry) {
				if db, err := s.Mgr.Tenant(ctx, slug); err == nil {
					_ = audit.Log(ctx, db, e)
				}
			},
			Opens: func(ctx context.Context, slug string) bool {
				_, err := s.Mgr.Tenant(ctx, slug)
				return !errors.Is(err, tenantdb.ErrUnavailable)
			}},
		Settings:  &settings.Handler{Render: s.Render, Platform: s.Platform, Sessions: s.Sessions, Repl: s.Repl},
		Guide:     g,
		Ops:       &ops.Handler{Mgr: mgr, Repl: s.Repl, MetricsToken: o.MetricsToken, Started: time.Now(), Unopened: s.Unopened, MinFree: o.MinFreeDisk},
		Dashboard: &dashboard.Handler{Render: s.Render, Log: o.Log, Platform: s.Platform},
	}
	h.InboxService = &inbox.Service{Live: s.Live, Channels: reg}
	h.Logs = &logs.Handler{Render: s.Render, Channels: h.InboxService.Channels, Names: s.Platform.NamesOf, Named: s.Platform.UsersNamed}
	h.Inbox = &inbox.Handler{Render: s.Render, Svc: h.InboxService, Platform: s.Platform, Neighbours: inbox.Neighbours{
		Recommendations: approvals.ForConversation, Drafts: approvals.OpenDrafts, Customer: crm.LinkedCustomer}, StillIn: s.stillIn}
	// A scheduled reply is delivery to a customer: the customer lane, like the delivery it enqueues.
	s.Jobs.HandleIn(jobs.LaneCustomer, inbox.JobSendScheduled, h.InboxService.SendScheduled)
	// The search documents of conversations that received messages: finding a customer's words is
	// part of their message reaching the team, so the customer lane (the assistant waits in a burst).
	s.Jobs.HandleIn(jobs.LaneCustomer, inbox.JobSearch, h.InboxService.IndexPending)
	h.Channels = channels.New(s.Render, s.Platform, h.InboxService, o.Log, func() string { return s.Assets.URL("js/widget.js") })
	h.Channels.RegisterJobs(s.Jobs)
	h.InboxService.Busy = h.Channels.WhatsApp.Flooded // in a burst the search documents wait a little
	// Photos and files: inbound downloads are customer-facing ingest, so the customer lane.
	h.Media = &media.Service{Mgr: mgr, Platform: s.Platform, Live: s.Live, Log: o.Log, Fetchers: h.Channels.MediaFetchers()}
	h.MediaFiles = &media.Handler{Svc: h.Media, Log: o.Log, Render: s.Render, LeadName: func(ctx context.Context, db *tenantdb.DB, id int64, region string) (string, error) {
		l, err := inbox.LeadByID(ctx, db.Read, id)
		if err != nil {
			return "", err
		}
		return l.Shown(region), nil // a nameless customer by their number, as every list names them
	}}
	s.Jobs.HandleIn(jobs.LaneCustomer, media.JobFetch, h.Media.HandleFetch)
	h.Channels.UseMedia(h.Media)
	h.KVKK = &kvkk.Handler{Render: s.Render, Svc: &kvkk.Service{Media: h.Media, Steps: kvkk.Steps()}}
	h.Inbox.Media = h.Media
	h.Settings.MediaUsage = func(r *http.Request) (settings.MediaUsage, error) {
		c := web.From(r)
		u, err := h.Media.UsageOf(r.Context(), c.Tenant.Slug, c.DB, c.Tenant.Setting)
		return settings.MediaUsage{UsedMB: float64(u.Used) / (1 << 20), QuotaMB: u.Quota >> 20, Files: u.Files, Percent: u.Percent()}, err
	}
	h.Channels.Landing.Fallback = s.landing
	h.Analytics = &analytics.Handler{Render: s.Render, Log: o.Log, Channels: h.InboxService.Channels.Names()}
	h.CRM = &crm.Handler{Render: s.Render}
	analytics.RegisterJobs(s.Jobs, s.Platform, h.InboxService.Channels.Names())
	h.Approvals = &approvals.Handler{Render: s.Render, Live: s.Live, Channels: h.InboxService.Channels}
	// Stock (module inventory): the products list's stock column, a product's stock page, an
	// order's stock moved in the order's own transaction, the low-stock recommendation job.
	h.Products = &crm.ProductsHandler{Render: s.Render, Stock: func(ctx context.Context, db *tenantdb.DB) (map[int64]crm.StockLevel, error) {
		if err := inventory.EnsureLowCheck(ctx, db); err != nil {
			return nil, err
		}
		return inventory.Levels(ctx, db)
	}}
	h.Stock = &inventory.Handler{Render: s.Render}
	crm.OnOrderSaved(inventory.SyncOrder)
	crm.OnProductUnit(inventory.CheckUnitChange)
	inventory.RegisterJobs(s.Jobs, func(ctx context.Context, slug string) (bool, error) {
		return s.Platform.HasModule(ctx, slug, platform.ModuleInventory)
	})
	h.Quotes = &quotes.Handler{Render: s.Render, Live: s.Live, Channels: h.InboxService.Channels, Platform: s.Platform, Files: h.Media, Member: s.memberOf}
	h.Inbox.Neighbours.Quotes = quotes.ConversationQuotes
	// Site visits: booked from the conversation page, their date confirmed to the customer only
	// when the approval queue approves it (the queue tells the visits room in the decision's
	// transaction; the confirmation and the reminders are durable jobs).
	h.VisitsCore = &visits.Service{Platform: s.Platform, Channels: h.InboxService.Channels, Live: s.Live, BaseURL: o.BaseURL}
	h.VisitsCore.RegisterJobs(s.Jobs)
	approvals.OnDecided("visits", visits.Decided)
	h.Inbox.Neighbours.Visits = visits.ConversationVisits
	h.Book = &visits.BookHandler{Render: s.Render, Platform: s.Platform, Svc: h.VisitsCore}
	// MSP SLA clocks: the policies page and the job that warns at 75 % and logs breaches.
	h.SLA = &msp.SLAHandler{Render: s.Render}
	msp.RegisterSLAJobs(s.Jobs)
	h.Assistant = &ai.Assistant{Platform: s.Platform, Inbox: h.InboxService, Client: &ai.Client{}, Log: o.Log}
	h.Inbox.Suggester = h.Assistant.Suggest
	h.Assistant.ProposeVisit = visits.ProposeForAssistant
	s.Jobs.HandleIn(jobs.LaneAssistant, ai.JobTriage, h.Assistant.HandleTriage)
	s.Jobs.HandleIn(jobs.LaneHousekeeping, ai.JobReview, h.Assistant.HandleReview)
	if h.Notify, err = newNotify(s, o); err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	h.Visits = &visits.Handler{Render: s.Render, Platform: s.Platform, Inbox: h.InboxService, Media: h.Media}
	h.MSPTime = &msp.TimeHandler{Render: s.Render, Platform: s.Platform}
	msp.RegisterContractJobs(s.Jobs, func(ctx context.Context, slug string) (bool, error) {
		return s.Platform.HasModule(ctx, slug, platform.ModuleMSP)
	})
	h.Seasonal = &seasonal.Handler{Render: s.Render}
	seasonal.RegisterJobs(s.Jobs, func(ctx context.Context, slug string) (bool, error) {
		return s.Platform.HasModule(ctx, slug, platform.ModuleSeasonal)
	})
	h.MSP = &msp.Handler{Render: s.Render, Platform: s.Platform, Inbox: h.InboxService}
	h.Inbox.Neighbours.Tickets, h.Inbox.Neighbours.TicketsShown = msp.ConversationTickets, msp.Shown
	// Ticket triage: the assistant proposes again on each customer message of a ticket's
	// conversation, and an approved reply draft goes out as the ticket's public reply.
	h.Assistant.TicketMessage = msp.TriageMessage
	approvals.OnDecided("msp_triage", msp.ReplyApproved(h.InboxService.Channels))
	approvals.SendsTo("msp_triage", msp.ReplyTarget) // approving a reply that cannot reach the customer is refused
	// Follow-ups: the inbox tells the room of every message (a reply stops a sequence), the
	// approval queue of every decision (an approved draft goes out, a rejected one stops it).
	h.FollowUpsCore = &followups.Service{Platform: s.Platform, Channels: h.InboxService.Channels}
	h.FollowUpsCore.RegisterJobs(s.Jobs)
	inbox.OnMessage("followups", h.FollowUpsCore.OnMessage)
	inbox.OnStateChange("followups", followups.OnStateChange)
	approvals.OnDecided("followups", followups.Decided(h.InboxService.Channels))
	approvals.SentByHook(followups.ModelName) // as the follow-up template once the window is closed
	approvals.SendsTo("followups", followups.Target)
	h.Inbox.Neighbours.FollowUp = followups.ConversationLine
	h.FollowUps = &followups.Handler{Render: s.Render}
	// Conversion tracking: the widget and the landing page tell it of a visitor's first message
	// (click ids kept with marketing consent), the inbox of every state change (OnStageChange,
	// registered by RegisterJobs); events go out through one outbox job per destination.
	h.ConversionsSvc = &conversions.Service{Platform: s.Platform, Sender: &conversions.Sender{EP: conversions.DefaultEndpoints}, Log: o.Log}
	h.ConversionsSvc.RegisterJobs(s.Jobs)
	h.Conversions = &conversions.Handler{Render: s.Render, Svc: h.ConversionsSvc}
	h.Channels.Widget.Conversions = h.ConversionsSvc
	h.Channels.Landing.Conversions = h.ConversionsSvc
	h.Analytics.Attribution = func(r *http.Request) (any, error) { return conversions.KPIReport(r) }
	h.Account.CalendarFeed = func(r *http.Request) (any, error) { return visits.FeedSection(r) }
	// The leads pages. The lead page's sections: its own (consent, conversations, quotes, visits,
	// orders, invoices, tickets, events), then each room's, appended here in page order.
	h.Leads = &leads.Handler{Render: s.Render, Platform: s.Platform, Inbox: h.InboxService,
		Sources: inbox.LeadSources(h.InboxService.Channels), Sections: leads.BuiltinSections()}
	h.Leads.Sections = append(h.Leads.Sections, leads.Section{Key: "followups", Title: "followups.title", Template: "lead_followups",
		Load: func(ctx context.Context, r *http.Request, l *leads.Lead) (any, error) {
			return followups.LeadSection(ctx, web.From(r).DB.Read, l.ID)
		}})
	h.Leads.Sections = append(h.Leads.Sections, leads.Section{Key: "kvkk", Title: "pdata.title", Template: "lead_kvkk", Perm: auth.ExportData,
		Load: func(ctx context.Context, r *http.Request, l *leads.Lead) (any, error) {
			return kvkk.LeadSection(ctx, web.From(r).DB, l.ID)
		}})
	h.Leads.Sections = append(h.Leads.Sections, leads.Section{Key: "conversions", Title: "conv.lead.section", Template: "lead_conversions",
		Module: platform.ModuleConversionTracking, Load: func(_ context.Context, r *http.Request, l *leads.Lead) (any, error) {
			return conversions.LeadSectionData(r, l.Family)
		}})
	h.Staff = &staff.Handler{Render: s.Render, Svc: &staff.Service{Platform: s.Platform, Mgr: mgr}, Repl: s.Repl}
	h.Settings.Budget = func(r *http.Request) (float64, error) { return ai.MonthSpend(r.Context(), web.From(r).DB) }
	// The dashboard tells an owner when a backup of the business fails (the backups page says what).
	h.Dashboard.BackupTrouble = h.Settings.BackupTrouble
	s.Metrics = ops.NewMetrics(o.MetricsToken != "", ops.Sources{Mgr: mgr, Repl: s.Repl, Jobs: s.Jobs, Started: h.Ops.Started, Unopened: s.Unopened})
	h.Ops.Prom = s.Metrics
	s.Jobs.OnFinish(s.Metrics.ObserveJob)
	h.Assistant.Observe = s.Metrics.ObserveAssistant
	if err := s.Metrics.Register(h.Account.Collector()); err != nil {
		s.Close(ctx)
		return nil, nil, err
	}
	return s, h, nil
}

// newerTenants is the first (by slug) of the tenants that did not open because a newer HighVibe
// migrated their file, saying how many more there are; nil when there is none.
func newerTenants(unopened map[string]error) error {
	var first *tenantdb.NewerSchemaError
	firstSlug, n := "", 0
	for slug, err := range unopened {
		var e *tenantdb.NewerSchemaError
		if errors.As(err, &e) {
			n++
			if first == nil || slug < firstSlug {
				first, firstSlug = e, slug
			}
		}
	}
	if first == nil {
		return nil
	}
	if n > 1 {
		return fmt.Errorf("%d businesses' databases were written by a newer version of HighVibe; the first: %w", n, first)
	}
	return first
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// startSettle is how long after Start its burst of work is taken to be over.
const startSettle = 2 * time.Second

// Start runs the background parts: the job runner and the watcher that opens tenants created by
// the CLI in another process.
func (s *Server) Start(ctx context.Context) error {
	if err := s.Jobs.Start(ctx); err != nil {
		return err
	}
	wctx, stop := context.WithCancel(ctx)
	s.stopWatch, s.watchDone = stop, make(chan struct{})
	go func() {
		defer close(s.watchDone)
		s.watchTenants(wctx, 2*time.Second)
	}()
	// Start-up migrated and read every database and parsed templates: give the connections and
	// the garbage of that work back now, so an idle server is small from its first minute.
	s.Mgr.ReleaseIdle()
	go debug.FreeOSMemory() // a full collection: not worth delaying readiness for
	// Start-up is over when the workers have read every tenant's queue once (and released the
	// quiet ones) and the first probes and requests of the first seconds are answered: one more
	// full collection then gives that garbage back too, so an idle server's resident size is what
	// it keeps (TestBinaryRSSWith50IdleTenants, 50 idle tenants: 58–59 MB without it, 55–57 MB
	// with it; the budget is 60 MB), and the pages of the binary that start-up mapped are let go
	// (41–43 MB with that). It waits on the workers' pass rather than on the clock alone, so a busy
	// machine, where that pass takes longer, collects after it too.
	started := time.Now()
	go func() {
		select {
		case <-s.Jobs.Looked():
		case <-wctx.Done():
			return
		}
		select {
		case <-time.After(startSettle - time.Since(started)):
		case <-wctx.Done():
			return
		}
		debug.FreeOSMemory()
		if _, err := releaseBinaryPages(); err != nil {
			s.Log.Warn("start-up: could not release the binary's start-up pages", "err", err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s.Log.Info("start-up settled", "after", time.Since(started).Round(time.Millisecond), "heap_in_use", ms.HeapInuse)
	}()
	return nil
}

// Close shuts down in the order of DESIGN.md: (HTTP is stopped by the caller) → jobs →
// replication → databases; the tenant watcher stops first.
func (s *Server) Close(ctx context.Context) {
	if s.stopWatch != nil {
		s.stopWatch()
		<-s.watchDone
	}
	if s.Jobs != nil {
		s.Jobs.Stop(20 * time.Second)
	}
	if s.Heads != nil {
		s.Heads.Flush()
	}
	// Once replication has shipped every database's last writes (Litestream's final sync), each
	// file is checkpointed and closed so a clean stop leaves no -wal and -shm behind. When that
	// sync failed, the WAL stays as it is: Litestream takes up what it has not shipped from it at
	// the next start.
	shipped := true
	if s.Repl != nil {
		if err := s.Repl.Close(ctx); err != nil {
			shipped = false
			s.Log.Error("replication close: the databases keep their -wal files for the next start to replicate", "err", err)
		}
	}
	closeDBs := s.Mgr.Close
	if shipped {
		closeDBs = func() error { return s.Mgr.CloseClean(context.WithoutCancel(ctx)) }
	}
	if err := closeDBs(); err != nil {
		s.Log.Error("close databases", "err", err)
	}
}

// base is the middleware every request passes: request context, security headers, gzip.
func (s *Server) base(h http.Handler) http.Handler {
	return web.Chain(h,
		web.Base(s.Log, func(w http.ResponseWriter, r *http.Request, status int) { s.errorPage(w, r, status, "") }),
		web.WithBaseURL(s.BaseURL),
		web.Clients(s.Proxies),
		web.Observe(s.Metrics.ObserveHTTP),
		web.SecurityHeaders,
		web.Gzip,
	)
}

func cmdServe(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("serve", io)
	defAddr := os.Getenv("HIGHVIBE_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := fs.String("addr", defAddr, "listen address (env HIGHVIBE_ADDR)")
	demo := fs.Bool("demo", false, "create the demo tenant with realistic data if absent")
	ls := fs.String("litestream", os.Getenv("HIGHVIBE_LITESTREAM"), "litestream.yml (env HIGHVIBE_LITESTREAM; default ./litestream.yml when present)")
	logFormat := fs.String("log-format", "text", "text or json")
	// The token's default is read after parsing, so `serve -h` never prints a secret from the environment.
	metricsToken := fs.String("metrics-token", "", "bearer token that opens /metrics to non-loopback clients (env HIGHVIBE_METRICS_TOKEN)")
	trusted := fs.String("trusted-proxies", os.Getenv("HIGHVIBE_TRUSTED_PROXIES"),
		"CIDR[,CIDR] of reverse proxies whose X-Forwarded-For, X-Real-IP, Forwarded and X-Forwarded-Proto are believed (env HIGHVIBE_TRUSTED_PROXIES; default none)")
	formTimeout := fs.Duration("form-read-timeout", 15*time.Second, "how long a form or JSON request body may take to arrive (a signed-in upload gets more while its bytes keep arriving, up to 10 minutes)")
	webhookTimeout := fs.Duration("webhook-read-timeout", 30*time.Second, "how long a webhook request body may take to arrive")
	defIdle := os.Getenv("HIGHVIBE_SESSION_IDLE")
	if defIdle == "" {
		defIdle = auth.DefaultIdle.String()
	}
	idleFlag := fs.String("session-idle", defIdle, "sign a panel session out after this long unused, e.g. 12h or 30m (env HIGHVIBE_SESSION_IDLE)")
	baseFlag := fs.String("base-url", os.Getenv("HIGHVIBE_BASE_URL"),
		"public address of the panel, such as https://panel.example.com, for links in e-mails, push messages, quotes and the widget snippet (env HIGHVIBE_BASE_URL; default: each request's own host)")
	defMinFree := cmp.Or(os.Getenv("HIGHVIBE_MIN_FREE_DISK"), "8MB")
	minFreeFlag := fs.String("min-free-disk", defMinFree,
		"/readyz/ fails while the data directory's disk has less free than this, in MB or GB, such as 8MB or 2GB (env HIGHVIBE_MIN_FREE_DISK); "+
			"SQLite's writes start failing near 8MB, a larger value warns earlier")
	if err := parse(fs, args); err != nil {
		return err
	}
	minFree, err := tenantdb.ParseDiskSize(*minFreeFlag)
	if err != nil {
		return usagef("serve: --min-free-disk (or HIGHVIBE_MIN_FREE_DISK): %v", err)
	}
	if *metricsToken == "" {
		*metricsToken = os.Getenv("HIGHVIBE_METRICS_TOKEN")
	}
	baseURL, err := web.ParseBaseURL(*baseFlag)
	if err != nil {
		return usagef("serve: --base-url: %v", err)
	}
	if *formTimeout <= 0 || *webhookTimeout <= 0 {
		return usagef("serve: read timeouts must be positive")
	}
	proxies, err := web.ParseProxies(*trusted)
	if err != nil {
		return usagef("serve: --trusted-proxies: %v", err)
	}
	idle, err := time.ParseDuration(*idleFlag)
	if err != nil || idle < time.Second || idle > auth.DefaultAbsolute {
		return usagef("serve: --session-idle must be a duration between 1s and 336h, such as 12h or 30m")
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(io.Err, nil)
	case "json":
		handler = slog.NewJSONHandler(io.Err, nil)
	default:
		return usagef("serve: --log-format must be text or json")
	}
	log := slog.New(handler)
	lsPath := *ls
	if lsPath == "" {
		if _, err := os.Stat("litestream.yml"); err == nil {
			lsPath = "litestream.yml"
		}
	} else if _, err := os.Stat(lsPath); err != nil {
		// A config named on purpose (the service file's HIGHVIBE_LITESTREAM) that cannot be read
		// would leave the server running without backups: that is not started silently.
		return usagef("serve: cannot read the litestream config %s named by --litestream or HIGHVIBE_LITESTREAM (%v); "+
			"fix the path, or leave both unset to run without replication", lsPath, errors.Unwrap(err))
	}
	start := time.Now()
	// One server per data directory: a second one would run the same job queue and replicate the
	// same files into the same replica, which damages it. The lock goes with the process.
	release, err := tenantdb.LockDir(*data)
	if errors.Is(err, tenantdb.ErrLocked) {
		return fmt.Errorf("serve: %v; two servers on one data directory would both write and back up the same files. "+
			"Stop the other one first (systemctl stop highvibe), or give this one its own --data DIR", err)
	} else if err != nil {
		return err
	}
	defer release()
	// A limit as large as the disk itself would keep the server not ready for ever.
	if total, words, known := tenantdb.DiskTotal(*data); known && minFree >= total {
		return usagef("serve: --min-free-disk (or HIGHVIBE_MIN_FREE_DISK) %s is not less than the whole disk holding %s (%s): "+
			"/readyz/ would never answer ready; choose a value well below it, such as 8MB (the default) or a tenth of the disk",
			*minFreeFlag, *data, words)
	}
	// The address is taken before anything is opened, so a port in use stops the start before
	// databases, replication or the demo are touched.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return listenError(*addr, err)
	}
	defer ln.Close()
	// Requests that arrive while the databases open are answered at once — 503, "starting", with
	// Retry-After — instead of waiting unanswered in the listen queue for the whole start; the
	// server's own handler takes over once it has started. /healthz/ (liveness: the process runs)
	// says so meanwhile, so a watchdog does not kill a start that is only slow.
	var ready atomic.Pointer[http.Handler]
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := ready.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/healthz/" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "ok (starting)")
			return
		}
		web.Starting(w, r)
	}), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer srv.Close() // a start that fails stops answering "starting"; after Shutdown, nothing left
	s, h, err := NewServer(ctx, Options{DataDir: *data, Litestream: lsPath, Log: log, MetricsToken: *metricsToken, TrustedProxies: proxies,
		FormReadTimeout: *formTimeout, WebhookReadTimeout: *webhookTimeout, SessionIdle: idle, BaseURL: baseURL, MinFreeDisk: minFree})
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))
	url := "http://" + ln.Addr().String() + "/"
	if strings.HasPrefix(*addr, "0.0.0.0") || strings.HasPrefix(*addr, ":") {
		url = "http://localhost" + (*addr)[strings.LastIndex(*addr, ":"):] + "/"
	}
	s.ListenOrigin = strings.TrimSuffix(url, "/")
	if *demo {
		pw, err := s.EnsureDemo(ctx)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(io.Out, "demo login: %s / %s\n", DemoUser, pw)
	}
	if err := s.Start(ctx); err != nil {
		return err
	}
	if pp := os.Getenv("HIGHVIBE_PPROF_ADDR"); pp != "" {
		if err := servePprof(ctx, pp, log); err != nil {
			return err
		}
	}
	// From here the server answers; the line below is printed once it does.
	panel := s.Handler(h)
	ready.Store(&panel)
	fmt.Fprintf(io.Out, "HighVibe listening on %s (ready in %s)\n", url, time.Since(start).Round(time.Millisecond))
	log.Info("listening", "addr", ln.Addr().String(), "data", *data, "trusted_proxies", proxies.String(), "replication", s.Repl != nil, "startup", time.Since(start), "time_zone", web.ZoneLabel(), "base_url", baseURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// listenError says in plain words why the server could not take its address.
func listenError(addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("serve: cannot listen on %s: another program already uses that address (another highvibe?). "+
			"Stop it, or choose another address with --addr (env HIGHVIBE_ADDR)", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("serve: cannot listen on %s: ports below 1024 need root; listen on a high port such as 127.0.0.1:8080 "+
			"behind the reverse proxy", addr)
	}
	return usagef("serve: cannot listen on %s: %v (--addr takes host:port, such as 127.0.0.1:8080)", addr, err)
}

// randomPassword makes a readable 16-character password.
func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return strings.NewReplacer("-", "x", "_", "y").Replace(base64.RawURLEncoding.EncodeToString(b))
}
