package inbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/channels/channel"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// TemplateParams is how many body parameters ({{1}}, {{2}}, …) the composer's template form
// offers; a template that uses fewer leaves the rest empty.
const TemplateParams = 5

// windowState is the composer's view of a channel's reply window (WhatsApp's 24 hours): closed,
// when the customer last wrote, and the approved templates the tenant has set for that case.
type windowState struct {
	Closed        bool
	LastInboundAt int64 // Unix ms, 0 = the customer never wrote
	Templates     []channel.ConfiguredTemplate
	Params        []int // 1…TemplateParams, for the form's fields
}

// window reads the conversation's reply window (nil when the channel has no such rule).
func (h *Handler) window(c *web.Ctx, conv *Conversation, now time.Time) *windowState {
	info, ok := h.Svc.Channels.Info(conv.Channel)
	if !ok || info.Window <= 0 || info.Outbound != channel.Deliver {
		return nil
	}
	w := &windowState{Closed: !info.WindowOpen(conv.LastInboundAt, now), LastInboundAt: conv.LastInboundAt}
	if info.Templates != nil {
		w.Templates = info.Templates(c.Tenant.Setting, c.Tenant.PrimaryLocale)
	}
	for i := 1; i <= TemplateParams; i++ {
		w.Params = append(w.Params, i)
	}
	return w
}

// SendTemplate is POST /app/inbox/<id>/template (purpose, p1…p5): outside the reply window the
// operator sends one of the tenant's approved templates with its parameters. The message's body,
// shown in the conversation, names the template and the values; the channel sends the template.
// A purpose without a template, a gap in the parameters or an open window is a 422, nothing stored.
func (h *Handler) SendTemplate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	conv, err := ConversationByID(ctx, c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.resent(w, r, conv, nil) {
		return
	}
	win := h.window(c, conv, time.Now())
	errs := web.Errors{}
	var tpl *channel.ConfiguredTemplate
	purpose := r.PostForm.Get("purpose")
	if win != nil {
		for i := range win.Templates {
			if win.Templates[i].Purpose == purpose {
				tpl = &win.Templates[i]
			}
		}
	}
	switch {
	case win == nil || !win.Closed:
		errs.Add("purpose", c.T("inbox.template.window_open"))
	case tpl == nil:
		errs.Add("purpose", c.T("inbox.template.choose"))
	}
	var params []string
	gap := false
	for i := 1; i <= TemplateParams; i++ {
		v := strings.Join(strings.Fields(r.PostForm.Get("p"+strconv.Itoa(i))), " ")
		if utf8.RuneCountInString(v) > 500 {
			errs.Add("p"+strconv.Itoa(i), c.T("validation.too_long", 500))
		}
		if v != "" && gap {
			errs.Add("p"+strconv.Itoa(i), c.T("inbox.template.gap"))
		}
		if v == "" {
			gap = true
			continue
		}
		params = append(params, v)
	}
	if errs.Any() {
		h.templateRefused(w, r, id, errs)
		return
	}
	name := c.T("inbox.template.purpose." + tpl.Purpose)
	body := c.T("inbox.template.body", name, tpl.Name)
	if len(params) > 0 {
		body += ": " + strings.Join(params, " · ")
	}
	_, err = h.Svc.AddMessage(ctx, c.Tenant.Slug, c.DB, conv.ID, Outgoing{Direction: "outbound", AuthorKind: "user", AuthorUserID: c.UserID(),
		AuthorName: c.User.Name(), Body: body, Template: &TemplateUse{Purpose: tpl.Purpose, Params: params}, Once: true}, "conversation_inbox")
	if err != nil {
		h.sendFailed(w, r, conv, err)
		return
	}
	h.composed(w, r, conv, doneMsg{Key: "inbox.template.sent"})
}

// templateRefused answers a refused template form: into the composer's status line (htmx), or as
// the conversation page at 422 with the fields marked.
func (h *Handler) templateRefused(w http.ResponseWriter, r *http.Request, id int64, errs web.Errors) {
	if web.IsHTMX(r) {
		msgs := make([]string, 0, len(errs))
		for _, m := range errs {
			msgs = append(msgs, m)
		}
		slices.Sort(msgs)
		w.Header().Set("HX-Retarget", "#composer-status")
		w.Header().Set("HX-Reswap", "innerHTML")
		h.Render.Fragment(w, r, http.StatusUnprocessableEntity, "inbox/conversation", "saved", &web.Page{Data: map[string]any{"Msg": strings.Join(msgs, " "), "Err": true}})
		return
	}
	h.detail(w, r, id, http.StatusUnprocessableEntity, errs)
}
