package approvals

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves /app/approvals/...
type Handler struct {
	Render   *web.Renderer
	Live     *live.Hub
	Channels *channel.Registry // what happens to a sent draft on the conversation's channel
}

type pageData struct {
	Queue  *Queue
	Filter QueueFilter
	// Query is the filter as a query string, without the cursor (links and the bulk form keep
	// it). It is a template.URL so that a link's query keeps its "=" and "&" (as a string,
	// html/template escapes it into one value and the next page lost the filter); it is made by
	// url.Values.Encode from the filter's known values only.
	Query    template.URL
	First    bool // this is the first page
	Handoffs []inbox.HandoffItem
	HandoffN int // all conversations waiting for a person (the inbox's handoff filter lists them)
	Decided  []*Recommendation
	// After is, for a latest decision whose draft can still be sent, the customer's latest message
	// (its id goes with Send) and, when they wrote it after the approval, its words and time.
	After map[int64]laterMsg
	// Focus is the recommendation the queue was opened at (?rec=, a notification's link) when it
	// is decided already: the page says who decided it, where its card would be.
	Focus *Recommendation
	// Warn is, for an open draft reply that would not reach the customer now (Reach), why and what
	// to do instead: its card says so, with a link to where that is done, and offers Reject but no
	// Approve (which the server refuses).
	Warn      map[int64]reachWarn
	CanDecide bool
	// recorded reports whether the panel sends nothing on a channel (a phone call, a walk-in):
	// a draft there is recorded as told, not sent.
	recorded func(channel string) bool
	Kinds    []string
	Prios    []string
	Ages     []string
}

// filterFrom reads the queue filter from the query string; a value a filter cannot read is
// ignored, and named above the queue (web.Ctx.FilterChoice).
func filterFrom(r *http.Request) QueueFilter {
	c := web.From(r)
	q := r.URL.Query()
	f := QueueFilter{Now: time.Now(),
		Kind:     c.FilterChoice(q, "kind", c.T("approvals.filter_kind"), Kinds),
		Priority: c.FilterChoice(q, "priority", c.T("approvals.filter_priority"), Priorities),
		Age:      c.FilterChoice(q, "age", c.T("approvals.filter_age"), Ages)}
	if after := q.Get("after"); after != "" {
		if _, ok := decodeQueueCursor(after); ok {
			f.After = after
		} else {
			// A page link cut or garbled: the queue from its first page, and a line saying so.
			c.IgnoreCursor("after", after)
		}
	}
	f.Rec = c.FilterID(q, "rec", c.T("approvals.filter_rec"))
	return f
}

func (f QueueFilter) query() string {
	v := url.Values{}
	for k, x := range map[string]string{"kind": f.Kind, "priority": f.Priority, "age": f.Age} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.Rec > 0 {
		v.Set("rec", strconv.FormatInt(f.Rec, 10))
	}
	return v.Encode()
}

// handoffsShown is how many conversations waiting for a person the queue page lists under the
// queue; the inbox's handoff filter has them all (every row costs a phone's first second).
const handoffsShown = 5

// Index renders one page of the queue: open recommendations grouped by conversation
// (GroupsPerPage groups a page, keyset), filtered by kind, priority and age; then the newest
// conversations waiting for a person and the latest decisions. An htmx request for the queue
// alone (filters, paging) gets only the queue.
func (h *Handler) Index(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	f := filterFrom(r)
	var focus *Recommendation
	if f.Rec > 0 {
		rec, err := ByID(ctx, c.DB.Read, f.Rec)
		switch {
		case errors.Is(err, tenantdb.ErrNotFound):
			// A link to a recommendation that is no longer there (erased with its conversation):
			// the whole queue, and a line saying so rather than an empty "one conversation".
			c.IgnoreFilterWhy("rec", c.T("approvals.filter_rec"), r.URL.Query().Get("rec"), c.T("approvals.rec_gone", f.Rec))
			f.Rec = 0
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		case !rec.Open():
			focus = rec // decided already: who decided it is said where its card would be
		}
	}
	d := &pageData{Filter: f, Query: template.URL(f.query()), First: f.After == "", CanDecide: c.Can(auth.DecideRecommendations), recorded: h.recorded,
		Kinds: Kinds, Prios: Priorities, Ages: Ages}
	var err error
	if d.Queue, err = OpenQueue(ctx, c.DB, f); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Focus = focus
	if d.CanDecide {
		if d.Warn, err = h.warnings(r, d.Queue); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	page := &web.Page{Title: c.T("approvals.title"), Nav: "approvals", Guide: "approval-queue", Data: d}
	if web.IsHTMX(r) && r.Header.Get("HX-Target") == "queue" {
		h.Render.Fragment(w, r, http.StatusOK, "approvals/index", "queue", page)
		return
	}
	if d.Decided, err = Decided(ctx, c.DB, 10); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.After, err = afterApproval(r, d.Decided, h.recorded); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Handoffs, err = inbox.HandoffConversations(ctx, c.DB.Read, handoffsShown); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(d.Handoffs) == handoffsShown {
		if d.HandoffN, err = inbox.HandoffCount(ctx, c.DB.Read); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, http.StatusOK, "approvals/index", page)
}

// afterApproval reads, for each approved draft among decided that can still be sent, the
// customer's latest message: Send carries its id, and a message written after the approval is
// shown with the row (sending is refused over a message the page did not show).
func afterApproval(r *http.Request, decided []*Recommendation, recorded func(string) bool) (map[int64]laterMsg, error) {
	c := web.From(r)
	out := map[int64]laterMsg{}
	for _, rec := range decided {
		if rec.Status != "approved" || rec.Sent || strings.TrimSpace(rec.DraftReply) == "" || rec.ConversationID == 0 {
			continue
		}
		id, body, at, ok, err := inbox.InboundAfter(r.Context(), c.DB.Read, rec.ConversationID, 0, 0)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		m := laterMsg{Seen: id}
		if conv, err := inbox.ConversationByID(r.Context(), c.DB.Read, rec.ConversationID); err == nil {
			m.Recorded = recorded(conv.Channel)
		}
		if at > rec.DecidedAt {
			m.Body, m.At = body, at
		}
		out[rec.ID] = m
	}
	return out, nil
}

// recView is one recommendation as a card shows it, with whether the viewer may decide it; after
// an htmx decision the decided card replaces the open one in place.
type recView struct {
	Rec       *Recommendation
	CanDecide bool
	// A refused decision on a queue card: the messages by field (draft, reason) and the draft as
	// typed, shown in the card where the person pressed the button.
	Errors map[string]string
	Typed  *string
	// Seen is the customer's latest message the page shows (posted back with a draft's approval,
	// which is refused when the customer wrote again since); Later and LaterAt are a message that
	// came after it, shown in the card that refused the approval.
	Seen    int64
	Later   string
	LaterAt int64
	// Summary: a card decided on the queue page redraws the queue's count line with Left, the
	// open recommendations its filters still match.
	Summary bool
	Left    int
	// Closed is the conversation's state when the sale is closed (won, lost): a draft reply's card
	// says so above the draft. Approving stays possible (a won customer may still ask the price of
	// an extra, a lost one come back).
	Closed string
	// Warn says why the draft reply would not reach the customer now (Words empty: it would).
	Warn reachWarn
	// Recorded: the conversation is a phone call or a walk-in, where the draft is recorded as
	// told, not sent.
	Recorded bool
}

// reachWarn is a draft card's warning that its reply cannot reach the customer now: Words, and
// where what can be done instead is done (the card offers no Approve, which would be refused):
// Lead, for a customer without an e-mail address, the lead whose page takes it; Conversation,
// for WhatsApp's closed window with an approved template set up, the conversation that sends it;
// Settings, for a reader who manages settings, the channels page at the missing setting (a
// channel's sending, WhatsApp's templates), with SettingsWords its link's words.
type reachWarn struct {
	Words         i18n.Phrase
	Lead          int64
	Conversation  int64
	Settings      string
	SettingsWords string
	// Ask is what a member who cannot change the settings is told to do instead of the owner's
	// settings link: ask the owner, naming what to set up ("" when nothing is theirs to ask).
	Ask string
	// Other is the lead whose page gives the customer's other ways (phone, e-mail): a customer
	// who blocked the bot is reached there.
	Other int64
}

// laterMsg is the customer's latest message as a decided row shows it: Seen its id, Body and At
// its words and time when it came after the approval ("" and 0 when not); Recorded, that the
// conversation is a phone call or a walk-in, where the row's button records the reply as told.
type laterMsg struct {
	Seen     int64
	Body     string
	At       int64
	Recorded bool
}

// Item is the card of one recommendation of the page.
func (d *pageData) Item(r *Recommendation) recView {
	v := recView{Rec: r, CanDecide: d.CanDecide, Warn: d.Warn[r.ID]}
	if d.Queue != nil && r.ConversationID > 0 {
		for _, g := range d.Queue.Groups {
			if g.Key == r.ConversationID {
				v.Seen = g.Cause.LatestID
				v.Recorded = d.recorded != nil && d.recorded(g.Cause.Channel)
				if g.Cause.Closed() {
					v.Closed = g.Cause.State
				}
			}
		}
	}
	return v
}

// Bulk approves or rejects the selected recommendations (form fields id, verb, reason), each in
// its own transaction so one already decided elsewhere does not stop the rest. htmx gets the
// queue back (same filter, first page) with a summary; a plain form is redirected to the queue.
// A caller asking for JSON is told the outcome of each item (bulkItem): 200 when every one was
// decided, 409 problem details naming each one decided and each one refused, with its reason in
// the caller's language, when some were not. Decisions are per item: the ones decided stay so.
func (h *Handler) Bulk(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "id"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	verb := r.PostFormValue("verb")
	if verb != "approve" && verb != "reject" {
		h.Render.Fail(w, r, fault.InvalidField("verb", "approvals.bulk_bad_verb"))
		return
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 || len(ids) > 500 {
		h.Render.Fail(w, r, fault.InvalidField("id", "approvals.bulk_none"))
		return
	}
	reason := reasonOf(r)
	if err := (Decision{Verb: verb, Reason: reason}).validate(); err != nil {
		h.Render.Fail(w, r, err) // a reason too long refuses the whole selection, before any is decided
		return
	}
	status := Decisions[verb]
	done, skipped := 0, 0
	var overtook []string  // the customers who wrote again after a selected draft (not approved)
	var unreached []string // the customers a selected draft would not reach now (not approved)
	var refused []string   // the customers of a selection refused for another reason (not decided)
	var items []bulkItem   // each item's outcome, for a caller asking for JSON
	var firstErr error     // the first refusal, whose kind the JSON answer's problem takes
	var reach *Reach
	if verb == "approve" {
		reach = h.reach(c)
	}
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			skipped++
			continue
		}
		// A bulk approval reads no card: a draft the customer wrote again after is left for its
		// own card, which shows the newer message.
		rec, msgID, err := Decide(WithOrigin(r.Context(), web.Origin(r)), c.DB, Decision{ID: id, Verb: verb, Reason: reason, Note: true,
			Actor: Actor{UserID: c.UserID(), Name: actorName(c)}, Guard: true, Reach: reach})
		item := bulkItem{ID: id, Status: status}
		var cr *CannotReachError
		switch {
		case err == nil:
			done++
			if h.Live != nil && rec.ConversationID > 0 {
				h.Live.Publish(c.Tenant.Slug, live.Event{Kind: "recommendation", ConversationID: rec.ConversationID, MessageID: msgID})
			}
		case errors.Is(err, ErrDecided):
			skipped++
			item.refuse(r, err, "already_decided", "")
		case errors.Is(err, tenantdb.ErrNotFound):
			skipped++
			item.refuse(r, err, "not_found", "")
		case errors.Is(err, ErrWroteAgain):
			overtook = append(overtook, customerOf(r, id))
			item.refuse(r, err, "wrote_again", "")
		case errors.As(err, &cr):
			unreached = append(unreached, customerOf(r, id))
			item.refuse(r, err, "", c.T("approvals.not_approved")+" "+c.P.Say(h.warning(r, cr.No).Words))
		case fault.KindOf(err) == fault.KindConflict || fault.KindOf(err) == fault.KindInvalid:
			// Refused for a reason of its own (changed in the meantime, a reason too long): the
			// others go on, this one is named.
			refused = append(refused, customerOf(r, id))
			item.refuse(r, err, "", "")
		default:
			h.Render.Fail(w, r, err)
			return
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		items = append(items, item)
	}
	msg := []any{i18n.Count{Key: "approvals.bulk_done." + status, N: done}}
	if skipped > 0 {
		msg = append(msg, i18n.Count{Key: "approvals.bulk_skipped", N: skipped})
	}
	if len(overtook) > 0 {
		msg = append(msg, i18n.P("approvals.bulk_wrote_again", strings.Join(overtook, c.T("common.list_sep"))))
	}
	if len(unreached) > 0 {
		msg = append(msg, i18n.P("approvals.bulk_cannot_reach", strings.Join(unreached, c.T("common.list_sep"))))
	}
	if len(refused) > 0 {
		msg = append(msg, i18n.P("approvals.bulk_refused", strings.Join(refused, c.T("common.list_sep"))))
	}
	if web.WantsJSON(r) {
		if firstErr == nil {
			web.JSON(w, http.StatusOK, bulkAnswer{Verb: verb, Decided: done, Items: items})
			return
		}
		// Which went and which did not, each with its reason; the detail is the banner's words.
		title := c.T("approvals.bulk_title_some")
		if done == 0 {
			title = c.T("approvals.bulk_title_none")
		}
		words := make([]string, 0, len(msg))
		for _, m := range msg {
			switch x := m.(type) {
			case i18n.Count:
				words = append(words, c.P.Plural(x.Key, x.N))
			case i18n.Phrase:
				words = append(words, c.P.Say(x))
			}
		}
		web.WriteProblemItems(w, r, fault.New(fault.KindConflict, "").WithCode("bulk_refused"), title, strings.Join(words, " "), items)
		return
	}
	back := "/app/approvals/"
	if q := r.PostFormValue("query"); q != "" {
		if v, err := url.ParseQuery(q); err == nil {
			back += "?" + v.Encode()
		}
	}
	web.FlashSay(w, r, true, msg...)
	web.Redirect(w, r, back)
}

// bulkAnswer is a bulk decision's JSON answer when every item was decided.
type bulkAnswer struct {
	Verb    string     `json:"verb"`
	Decided int        `json:"decided"`
	Items   []bulkItem `json:"items"`
}

// bulkItem is the outcome of one recommendation of a bulk decision, for a caller asking for JSON:
// its status after the call ("approved", "rejected", or "refused" with code and detail, in the
// caller's language, saying why it was left as it was).
type bulkItem struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// refuse marks the item refused by err: code, else err's own (as a single decision's problem
// names it); detail, else err's message in the caller's language.
func (it *bulkItem) refuse(r *http.Request, err error, code, detail string) {
	p := web.NewProblem(r, err)
	it.Status, it.Code, it.Detail = "refused", p.Code, p.Detail
	if code != "" {
		it.Code = code
	}
	if detail != "" {
		it.Detail = detail
	}
}

// customerOf names the customer of recommendation id's conversation as the queue does (the name,
// else the number or e-mail address, else "unnamed customer"), for the bulk decision's banner.
func customerOf(r *http.Request, id int64) string {
	c := web.From(r)
	rec, err := ByID(r.Context(), c.DB.Read, id)
	if err != nil || rec.ConversationID == 0 {
		return c.T("approvals.unnamed")
	}
	causes, err := inbox.Causes(r.Context(), c.DB.Read, map[int64]int64{rec.ConversationID: rec.CreatedAt})
	if err != nil || !causes[rec.ConversationID].Named() {
		return c.T("approvals.unnamed")
	}
	return causes[rec.ConversationID].Who(c.PhoneRegion())
}

// Approve, Reject and Execute record a decision (optional form field `reason`).
func (h *Handler) Approve(w http.ResponseWriter, r *http.Request) { h.decide(w, r, "approve") }

// Reject records a rejection.
func (h *Handler) Reject(w http.ResponseWriter, r *http.Request) { h.decide(w, r, "reject") }

// Execute marks a lead_generation recommendation as carried out.
func (h *Handler) Execute(w http.ResponseWriter, r *http.Request) { h.decide(w, r, "execute") }

func pathID(r *http.Request) (int64, bool) {
	id, err := web.PathID(r, "id")
	return id, err == nil
}

func actorName(c *web.Ctx) string {
	if c.User == nil {
		return ""
	}
	return c.User.Name()
}

// reasonOf reads the optional reason of a decision (Decide refuses one that is too long). The
// system note the decision writes is its code, who decided and this reason; pages word it per viewer.
func reasonOf(r *http.Request) string { return strings.TrimSpace(r.PostFormValue("reason")) }

func (h *Handler) decide(w http.ResponseWriter, r *http.Request, verb string) {
	c := web.From(r)
	id, ok := pathID(r)
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "seen"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	reason := reasonOf(r)
	status := Decisions[verb]
	dec := Decision{ID: id, Verb: verb, Reason: reason, Note: true, Actor: Actor{UserID: c.UserID(), Name: actorName(c)}}
	if _, ok := r.PostForm["draft"]; ok && verb == "approve" {
		draft := r.PostFormValue("draft")
		dec.Draft = &draft
	}
	if verb == "approve" {
		dec.Seen, _ = strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
		dec.Guard = true
		dec.Reach = h.reach(c)
	}
	rec, msgID, err := Decide(WithOrigin(r.Context(), web.Origin(r)), c.DB, dec)
	if err != nil {
		h.failDecision(w, r, verb, rec, err)
		return
	}
	if h.Live != nil && rec.ConversationID > 0 {
		h.Live.Publish(c.Tenant.Slug, live.Event{Kind: "recommendation", ConversationID: rec.ConversationID, MessageID: msgID})
	}
	if web.IsHTMX(r) && r.Header.Get("HX-Boosted") != "true" {
		// Its Send carries what the approval had seen: a message after it refuses the send.
		v := &recView{Rec: rec, CanDecide: c.Can(auth.DecideRecommendations), Seen: dec.Seen, Recorded: h.recordedConv(r, rec.ConversationID)}
		// From the queue (its filters ride in "queue"), the "… wait for a decision" line above it
		// is redrawn with the count left, not only after a reload.
		if qs, ok := r.PostForm["queue"]; ok && len(qs) > 0 {
			if fv, perr := url.ParseQuery(strings.TrimPrefix(qs[0], "?")); perr == nil && fv.Get("rec") == "" {
				f := filterFrom(&http.Request{URL: &url.URL{RawQuery: fv.Encode()}})
				if n, cerr := OpenCount(r.Context(), c.DB, f); cerr == nil {
					v.Summary, v.Left = true, n
				}
			}
		}
		h.Render.Fragment(w, r, http.StatusOK, "approvals/index", "decided-card", &web.Page{Data: v})
		return
	}
	web.FlashKey(w, r, true, "approvals.done."+status)
	web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
}

// failDecision answers a decision that did not happen. A draft approved and sent already — the
// second tap of "Approve and send", a second tab, a resend after a slow network — leads to its
// conversation, where the reply is, with the already-sent notice the composer uses: nothing was
// sent twice. Another recommendation decided in the meantime gets the conflict page showing the
// decision that stands (a person's choice, not just an error); everything else goes through the
// one error renderer.
func (h *Handler) failDecision(w http.ResponseWriter, r *http.Request, verb string, rec *Recommendation, err error) {
	if sentBefore(verb, rec, err) && !web.WantsJSON(r) {
		web.FlashKey(w, r, true, "form.already_sent")
		web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(rec.ConversationID, 10)+"/")
		return
	}
	errs := web.FieldErrors(r, err)
	if errors.Is(err, ErrWroteAgain) && verb == "approve" {
		errs = map[string]string{"draft": web.From(r).T("approvals.wrote_again")}
	}
	var cr *CannotReachError
	unreached := errors.As(err, &cr)
	var warn reachWarn
	if unreached {
		c := web.From(r)
		warn = h.warning(r, cr.No)
		if web.WantsJSON(r) {
			// A program calling this address is told why, as the card and the banner tell a person
			// (the customer has no e-mail address, WhatsApp's window is closed …), not only that
			// nothing was approved; the code (cannot_reach_<reason>) stays the machine word.
			web.WriteProblemDetail(w, r, err, c.T("approvals.reach.title"), c.T("approvals.not_approved")+" "+c.P.Say(warn.Words))
			return
		}
		errs = map[string]string{"draft": c.T("approvals.not_approved")}
		if !web.IsHTMX(r) || r.Header.Get("HX-Boosted") == "true" {
			if !web.WantsJSON(r) {
				// Back where it was pressed (the conversation, the queue, the latest decisions),
				// saying why nothing went and what to do instead.
				switch warn.Words.Key {
				case "approvals.reach.window":
					web.FlashKey(w, r, false, "approvals.window_closed")
				case "approvals.reach.window_none":
					web.FlashKey(w, r, false, "approvals.window_closed_none")
				default:
					web.FlashSay(w, r, false, i18n.P("approvals.not_approved"), warn.Words)
				}
				web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
				return
			}
			errs = nil
		}
	}
	if errs != nil && web.IsHTMX(r) && r.Header.Get("HX-Boosted") != "true" {
		// A card in the queue: the message goes beside its field in the card, with the draft as
		// typed (above the page, a phone showed it out of view and the button seemed to do nothing).
		c := web.From(r)
		if id, ok := pathID(r); ok {
			if cur, gerr := ByID(r.Context(), c.DB.Read, id); gerr == nil && cur.Open() {
				v := &recView{Rec: cur, CanDecide: c.Can(auth.DecideRecommendations), Errors: errs, Warn: warn}
				if conv, cerr := inbox.ConversationByID(r.Context(), c.DB.Read, cur.ConversationID); cerr == nil {
					if !conv.Open() {
						v.Closed = conv.State
					}
					v.Recorded = h.recorded(conv.Channel)
				}
				if d, ok := r.PostForm["draft"]; ok && len(d) > 0 {
					v.Typed = &d[0]
				}
				if errors.Is(err, ErrWroteAgain) {
					// The customer's newer message goes in the card, and the card has now seen it:
					// pressing Approve again approves the reply as it then stands.
					seen, _ := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
					since := cur.CreatedAt
					if seen > 0 {
						since = 0
					}
					if id, body, at, later, lerr := inbox.InboundAfter(r.Context(), c.DB.Read, cur.ConversationID, seen, since); lerr == nil && later {
						v.Seen, v.Later, v.LaterAt = id, body, at
					}
				}
				h.Render.Fragment(w, r, http.StatusOK, "approvals/index", "rec-card", &web.Page{Data: v})
				return
			}
		}
	}
	if errors.Is(err, ErrWindowClosed) && !web.WantsJSON(r) {
		// Back where it was pressed (the conversation, or the queue), saying why nothing went and
		// what is left: an approved template, or none set up yet.
		key := "approvals.window_closed"
		if !h.hasTemplates(r) {
			key = "approvals.window_closed_none"
		}
		web.FlashKey(w, r, false, key)
		web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
		return
	}
	if errors.Is(err, ErrWroteAgain) && !web.WantsJSON(r) {
		// A plain form: back where it was pressed — the queue, whose card shows the customer's
		// newer message; the conversation, where it stands above the draft; the latest decisions,
		// where it stands with the approved reply.
		key := "approvals.wrote_again"
		if verb == "send" {
			key = "approvals.wrote_again_send"
			if id, ok := pathID(r); ok {
				if cur, gerr := ByID(r.Context(), web.From(r).DB.Read, id); gerr == nil && cur.Status == "approved" {
					key = "approvals.wrote_again_approved"
				}
			}
		}
		web.FlashKey(w, r, false, key)
		web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
		return
	}
	if errors.Is(err, ErrDecided) && rec != nil && !web.WantsJSON(r) {
		c := web.From(r)
		if web.IsHTMX(r) && r.Header.Get("HX-Boosted") != "true" {
			// A card in the queue (a double tap, or a colleague decided first): htmx swaps only a
			// success, and a 409 left the card as it was, its buttons doing nothing. The card
			// becomes the decision that stands, with who made it and when.
			h.Render.Fragment(w, r, http.StatusOK, "approvals/index", "decided-card", &web.Page{Data: &recView{Rec: rec, CanDecide: c.Can(auth.DecideRecommendations),
				Recorded: h.recordedConv(r, rec.ConversationID)}})
			return
		}
		h.Render.Render(w, r, http.StatusConflict, "approvals/conflict", &web.Page{Title: c.T("approvals.conflict_title"), Nav: "approvals", Guide: "approval-queue",
			Data: &recView{Rec: rec, Recorded: h.recordedConv(r, rec.ConversationID)}})
		return
	}
	h.Render.Fail(w, r, err)
}

// hasTemplates reports whether the business has an approved template on the channel of the
// conversation of the recommendation the request names (what can still reach a customer whose
// reply window is closed).
func (h *Handler) hasTemplates(r *http.Request) bool {
	c := web.From(r)
	id, ok := pathID(r)
	if !ok || h.Channels == nil {
		return false
	}
	rec, err := ByID(r.Context(), c.DB.Read, id)
	if err != nil || rec.ConversationID == 0 {
		return false
	}
	conv, err := inbox.ConversationByID(r.Context(), c.DB.Read, rec.ConversationID)
	if err != nil {
		return false
	}
	info, ok := h.Channels.Info(conv.Channel)
	return ok && info.Templates != nil && len(info.Templates(c.Tenant.Setting, c.Tenant.PrimaryLocale)) > 0
}

// sentBefore reports whether err refuses verb ("send", or a decision's) a second time on a draft
// that went out: the draft was sent (ErrAlreadySent), or an approval meets the approval that sent
// it (a decision hook sends some drafts as they are approved).
func sentBefore(verb string, rec *Recommendation, err error) bool {
	if rec == nil || !rec.Sent || rec.ConversationID == 0 {
		return false
	}
	return errors.Is(err, ErrAlreadySent) || errors.Is(err, ErrDecided) && verb == "approve" && rec.Status == "approved"
}

// Send delivers an approved draft reply to the customer through the conversation's channel; with a
// form field "body" (the conversation page) an open draft is approved and sent as edited.
func (h *Handler) Send(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := pathID(r)
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "seen"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// The conversation page posts the draft as the operator left it ("body"): approved and sent in one go.
	text := strings.TrimSpace(r.PostFormValue("body"))
	draft := ""
	if before, err := ByID(r.Context(), c.DB.Read, id); err == nil {
		draft = before.DraftReply // the approval stores the edit as the draft: compare with the one shown
		if _, edited := r.PostForm["body"]; edited && text == "" && before.Open() {
			// The conversation page's draft box left blank (spaces pass the browser's "required"):
			// nothing to approve and send, and nothing changed meanwhile — say so on the page,
			// where the draft still waits (it was answered "changed meanwhile", 409).
			web.FlashKey(w, r, false, "approvals.draft_empty")
			web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
			return
		}
	}
	// The page's latest customer message goes with the press: a message after it refuses the send.
	seen, _ := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
	rec, msgID, err := SendSeen(WithOrigin(r.Context(), web.Origin(r)), c.DB, *h.reach(c), id, text, true,
		Actor{UserID: c.UserID(), Name: actorName(c)}, seen)
	if err != nil {
		h.failDecision(w, r, "send", rec, err)
		return
	}
	if h.Live != nil {
		h.Live.Publish(c.Tenant.Slug, live.Event{Kind: "message", ConversationID: rec.ConversationID, MessageID: msgID})
	}
	// Sent at once on the widget; queued for the provider on WhatsApp, Telegram and e-mail, where the
	// conversation's message then shows whether it went out; only recorded on a phone call or a
	// walk-in, where nothing is sent (the composer's "Reply recorded.").
	edited := text != "" && text != strings.TrimSpace(draft)
	done := map[bool]string{false: "approvals.sent", true: "approvals.sent_edited"}[edited]
	if conv, err := inbox.ConversationByID(r.Context(), c.DB.Read, rec.ConversationID); err == nil {
		switch h.Channels.OutboundOf(conv.Channel) {
		case channel.Deliver:
			done = map[bool]string{false: "approvals.queued", true: "approvals.queued_edited"}[edited]
		case channel.Record:
			done = map[bool]string{false: "inbox.done.recorded", true: "approvals.recorded_edited"}[edited]
		}
	}
	web.FlashKey(w, r, true, done)
	web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
}

// recorded reports whether the panel sends nothing on channel ch (a phone call, a walk-in).
func (h *Handler) recorded(ch string) bool {
	return h.Channels != nil && h.Channels.OutboundOf(ch) == channel.Record
}

// recordedConv reports whether conversation id is on such a channel (false when it cannot be read:
// the button then keeps its general words).
func (h *Handler) recordedConv(r *http.Request, id int64) bool {
	if id == 0 {
		return false
	}
	conv, err := inbox.ConversationByID(r.Context(), web.From(r).DB.Read, id)
	return err == nil && h.recorded(conv.Channel)
}

// reach is what a person's approval here checks first (Reach): the tenant's settings.
func (h *Handler) reach(c *web.Ctx) *Reach {
	return &Reach{Channels: h.Channels, Setting: c.Tenant.Setting}
}

// warnings are the warnings of the open draft replies of q that would not reach the customer now
// (by recommendation), each conversation checked once.
func (h *Handler) warnings(r *http.Request, q *Queue) (map[int64]reachWarn, error) {
	c := web.From(r)
	out := map[int64]reachWarn{}
	if q == nil || h.Channels == nil {
		return out, nil
	}
	reach := h.reach(c)
	for _, g := range q.Groups {
		for _, rec := range g.Recs {
			no, err := reach.NoReach(r.Context(), c.DB.Read, rec)
			if err != nil {
				return nil, err
			}
			if no != nil {
				out[rec.ID] = h.warning(r, no)
			}
		}
	}
	return out, nil
}

// warning words why a draft reply would not reach the customer now and what to do instead, as its
// card says it before Approve is pressed and the refusal after.
func (h *Handler) warning(r *http.Request, no *inbox.NoReach) reachWarn {
	c := web.From(r)
	owner := c.Can(auth.ManageSettings)
	switch no.Reason {
	case "setup":
		w := reachWarn{Words: i18n.P("approvals.reach.setup", i18n.P("inbox.channel."+no.Channel))}
		if owner {
			w.Settings, w.SettingsWords = "/app/settings/channels", "inbox.cannot_send.setup"
			if no.Setting != "" {
				w.Settings += "#" + no.Setting
			}
		} else {
			w.Ask = "inbox.cannot_send.ask"
		}
		return w
	case "blocked":
		// Nothing in the settings lifts a customer's block: what helps is their phone or e-mail,
		// on the lead's page, for the owner and the operator alike.
		return reachWarn{Words: i18n.P("approvals.reach.blocked", i18n.When{T: time.UnixMilli(no.At)}), Other: leadOf(r, no.Conversation)}
	case "window":
		if info, ok := h.Channels.Info(no.Channel); ok && info.Templates != nil && len(info.Templates(c.Tenant.Setting, c.Tenant.PrimaryLocale)) > 0 {
			return reachWarn{Words: i18n.P("approvals.reach.window"), Conversation: no.Conversation}
		}
		w := reachWarn{Words: i18n.P("approvals.reach.window_none")}
		if owner {
			// The template the conversation page's own link opens (inbox.template.setup).
			w.Settings, w.SettingsWords = "/app/settings/channels#whatsapp_template_visit_confirmation", "inbox.template.setup"
		} else {
			w.Ask = "approvals.reach.ask_templates"
		}
		return w
	}
	return reachWarn{Words: i18n.P("approvals.reach.no_address"), Lead: leadOf(r, no.Conversation)}
}

// leadOf is the lead of the conversation (0 when there is none, or it cannot be read).
func leadOf(r *http.Request, conv int64) int64 {
	if conv > 0 {
		if c, err := inbox.ConversationByID(r.Context(), web.From(r).DB.Read, conv); err == nil {
			return c.LeadID
		}
	}
	return 0
}
