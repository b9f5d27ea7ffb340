package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// Conv is what the event job needs to know of a conversation when it runs (the inbox answers it,
// wired in at start-up so this room never reads the inbox's tables).
type Conv struct {
	AssignedUserID int64
	Name           string // who it is with, as the inbox shows it
	DueAt          int64  // next_action_due_at, Unix ms (0: none)
	NextAction     string
	Open           bool // state not won or lost
}

// Mailer sends one notification e-mail over the tenant's SMTP server; sent is false when the
// tenant has no SMTP settings. A permanent failure is wrapped in jobs.Permanent by the wiring.
type Mailer func(ctx context.Context, t *platform.Tenant, to, subject, body string) (sent bool, err error)

// MailReady reports whether a tenant has what its notification e-mails need (an outgoing mail
// server and a sender address), so the pages can say when e-mails cannot go out.
type MailReady func(t *platform.Tenant) bool

// Service runs this room's jobs and serves its pages.
type Service struct {
	Platform *platform.Service
	// Conversation reads a conversation of a tenant (region: the tenant's phone_region, which
	// names a customer's number kept without its country code); tenantdb.ErrNotFound when it is gone.
	Conversation func(ctx context.Context, db *tenantdb.DB, id int64, region string) (Conv, error)
	Mail         Mailer
	// MailReady tells the pages whether e-mails can go out in a tenant (nil: they can).
	MailReady MailReady
	VAPID     VAPID
	// HTTP sends push messages (nil: a client with a 30-second timeout).
	HTTP *http.Client
	// BaseURL, when set ("https://panel.example.com", serve --base-url), makes e-mails and push
	// messages carry absolute links; without it they are paths on the panel.
	BaseURL string
	Log     *slog.Logger
	Now     func() time.Time
	// Window is how close together a conversation's notifications become one (0: CoalesceWindow;
	// negative: never by time, for tests that follow each kind on its own; an approval still never
	// makes a second item while the first is unread).
	Window time.Duration
	// PushGather is how long an update of a phone's message waits for more of a burst (0:
	// PushGather; negative: none).
	PushGather time.Duration
}

func (s *Service) window() time.Duration {
	if s.Window == 0 {
		return CoalesceWindow
	}
	return max(s.Window, 0)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) mailReady(t *platform.Tenant) bool {
	return s.MailReady == nil || t == nil || s.MailReady(t)
}

// RegisterJobs registers the event, push, e-mail and digest kinds. Telling the team is
// time-sensitive but never ahead of customers: the assistant lane.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.HandleIn(jobs.LaneAssistant, JobEvent, s.HandleEvent)
	r.HandleIn(jobs.LaneAssistant, JobPush, s.HandlePush)
	r.HandleIn(jobs.LaneAssistant, JobEmail, s.HandleEmail)
	r.HandleIn(jobs.LaneHousekeeping, JobDigest, s.HandleDigest)
}

// Recipients decides who of the tenant's members hears of e (enabled memberships only; the
// person who caused it never). conv is the conversation as it is now.
func Recipients(e Event, members []platform.Membership, conv Conv) []int64 {
	active := map[int64]string{}
	for _, m := range members {
		if !m.Disabled {
			active[m.UserID] = m.Role
		}
	}
	var out []int64
	add := func(id int64) {
		if _, ok := active[id]; ok && id != e.ActorID && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	roles := func(rs ...string) {
		for _, m := range members {
			if !m.Disabled && slices.Contains(rs, m.Role) {
				add(m.UserID)
			}
		}
	}
	switch e.Kind {
	case KindNewConversation:
		roles(platform.RoleOwner, platform.RoleOperator)
	case KindAssignedMessage:
		// Assigned to someone whose access was disabled or removed: the conversation has nobody,
		// and a customer writing into it is news for the team, as a new conversation is.
		if _, ok := active[conv.AssignedUserID]; ok {
			add(conv.AssignedUserID)
		} else {
			roles(platform.RoleOwner, platform.RoleOperator)
		}
	case KindHandoff:
		if _, ok := active[conv.AssignedUserID]; ok {
			add(conv.AssignedUserID)
		} else {
			roles(platform.RoleOwner, platform.RoleOperator)
		}
	case KindMention, KindAssigned:
		for _, id := range e.UserIDs {
			add(id)
		}
	case KindVisitSoon, KindVisitAnswer:
		for _, id := range e.UserIDs {
			add(id)
		}
		// Everyone going has left (access disabled or removed): the owners hear of it, or nobody
		// would go to the customer's site.
		if len(out) == 0 && !slices.ContainsFunc(e.UserIDs, func(id int64) bool { _, ok := active[id]; return ok }) {
			roles(platform.RoleOwner)
		}
	case KindSLASoon, KindSLABreach:
		for _, id := range e.UserIDs {
			add(id)
		}
		if len(out) == 0 {
			roles(platform.RoleOwner, platform.RoleOperator)
		}
	case KindApproval, KindConversionFailing, KindEmailReadFailing, KindEmailReadRecovered:
		roles(platform.RoleOwner)
	case KindOverdue, KindQuoteAccepted, KindQuoteQuestion:
		if _, ok := active[conv.AssignedUserID]; ok {
			add(conv.AssignedUserID)
		} else {
			roles(platform.RoleOwner)
		}
	}
	slices.Sort(out)
	return out
}

// deferToOpening queues overdue reminder e again for the business's next opening when it is
// closed now; false when it is open (or has no hours, or never opens again: then it is told now).
func (s *Service) deferToOpening(ctx context.Context, j *jobs.Job, e Event) (bool, error) {
	sched, err := hoursdb.Schedule(ctx, j.DB.Read)
	if err != nil || sched == nil {
		return false, err
	}
	now := s.now()
	if sched.Open(now) {
		return false, nil
	}
	next, ok := sched.NextOpen(now)
	if !ok {
		return false, nil
	}
	// Its own key: the running job still holds the reminder's, so the same key would be dropped.
	_, err = jobs.EnqueueDB(ctx, j.DB, JobEvent, e, jobs.Options{RunAt: next, MaxAttempts: 5,
		DedupeKey: "overdue:" + strconv.FormatInt(e.ConversationID, 10) + ":" + strconv.FormatInt(e.DueAt, 10) + "@" + strconv.FormatInt(next.UnixMilli(), 10)})
	return true, err
}

// HandleEvent is the JobEvent handler: it finds the people to tell, writes their notifications
// and queues the push messages and e-mails their preferences ask for, all in one transaction.
func (s *Service) HandleEvent(ctx context.Context, j *jobs.Job) error {
	var e Event
	if err := j.Decode(&e); err != nil || !ValidKind(e.Kind) {
		return jobs.Permanent(fmt.Errorf("notify: bad event %s", j.Payload))
	}
	t, err := s.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	members, err := s.Platform.MembersOfTenant(ctx, t.ID)
	if err != nil {
		return err
	}
	var conv Conv
	if e.ConversationID != 0 && s.Conversation != nil {
		conv, err = s.Conversation(ctx, j.DB, e.ConversationID, t.PhoneRegion())
		if errors.Is(err, tenantdb.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Name == "" {
			e.Name = clip(conv.Name, 120)
		}
	}
	// An overdue check queued for a due time that was changed or cleared, for a conversation
	// closed since, or for a step with no words (the dashboard does not count one either), tells
	// nobody; otherwise it names the step as it reads now.
	if e.Kind == KindOverdue {
		if !conv.Open || conv.DueAt != e.DueAt || conv.NextAction == "" {
			return nil
		}
		e.Text = clip(conv.NextAction, 200)
	}
	// An overdue reminder whose time comes while the business is closed waits for the next
	// opening: the hours, a holiday or the time zone may have changed since it was queued for a
	// time that was open then (inbox.ReminderAt moves it when it is queued).
	if e.Kind == KindOverdue {
		if moved, err := s.deferToOpening(ctx, j, e); moved || err != nil {
			return err
		}
	}
	users := Recipients(e, members, conv)
	if len(users) == 0 {
		return nil
	}
	prefs := map[int64]Prefs{}
	for _, u := range users {
		if prefs[u], err = LoadPrefs(ctx, s.Platform.DB, u); err != nil {
			return err
		}
	}
	subs, err := Subscriptions(ctx, s.Platform.DB, users...)
	if err != nil {
		return err
	}
	now := s.now().UnixMilli()
	return j.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, u := range users {
			p := prefs[u]
			// A notification about the same conversation raised moments ago (or an approval still
			// unread) takes this one in: one item, and a push or e-mail only when the merged item is
			// of a kind the person wants and the one it was did not reach them that way.
			c, merged, err := coalesce(ctx, tx, u, e, s.window())
			if err != nil {
				return err
			}
			if merged {
				// A phone that was told of the item is told again, with the same tag, so the
				// message on it is replaced by one naming the group as it now stands; the
				// update waits a moment so a burst is one update (see pushUpdate).
				switch {
				case p.Push[c.newKind] && !p.Push[c.oldKind]:
					if err := s.queuePush(ctx, tx, subs, u, c.id, 0, time.Time{}); err != nil {
						return err
					}
				case p.Push[c.newKind]:
					if err := s.queuePush(ctx, tx, subs, u, c.id, c.events, s.now().Add(s.pushGather())); err != nil {
						return err
					}
				}
				if c.newKind == c.oldKind {
					continue
				}
				if p.EmailNow(c.newKind) && !p.EmailNow(c.oldKind) {
					if _, err := jobs.Enqueue(ctx, tx, JobEmail, emailJob{NotificationID: c.id}, jobs.Options{MaxAttempts: 5}); err != nil {
						return err
					}
				}
				continue
			}
			id, created, err := insert(ctx, tx, u, e, now)
			if err != nil || !created {
				return err
			}
			if p.Push[e.Kind] {
				if err := s.queuePush(ctx, tx, subs, u, id, 0, time.Time{}); err != nil {
					return err
				}
			}
			if p.EmailNow(e.Kind) {
				if _, err := jobs.Enqueue(ctx, tx, JobEmail, emailJob{NotificationID: id}, jobs.Options{MaxAttempts: 5}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// queuePush queues one push of notification id to each of user's subscriptions, at at (zero:
// now). events, when not 0, makes it an update of a message already sent: it goes out only if
// the notification still holds that many events (a later merge queued a later update).
func (s *Service) queuePush(ctx context.Context, tx *sql.Tx, subs []Subscription, user, id int64, events int, at time.Time) error {
	for _, sub := range subs {
		if sub.UserID != user {
			continue
		}
		if _, err := jobs.Enqueue(ctx, tx, JobPush, pushJob{NotificationID: id, SubscriptionID: sub.ID, Events: events},
			jobs.Options{MaxAttempts: 5, RunAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// PushGather is how long an update of a phone's message waits after a notification took in
// another event: the events of a burst (a lead's "needs a person" and "approval waiting" after
// its "new conversation") land in one update describing them all.
const PushGather = 10 * time.Second

func (s *Service) pushGather() time.Duration {
	if s.PushGather == 0 {
		return PushGather
	}
	return max(s.PushGather, 0)
}

type pushJob struct {
	NotificationID int64 `json:"notification_id"`
	SubscriptionID int64 `json:"subscription_id"`
	// Events, on an update, is how many events the notification held when it was queued.
	Events int `json:"events,omitempty"`
}

type emailJob struct {
	NotificationID int64 `json:"notification_id"`
}

// stillMember reports whether userID still works in tenant t (an enabled membership). A push or
// an e-mail queued for someone whose access was disabled or removed meanwhile (a retry, a busy
// queue) is dropped: it would carry a customer's name and words to a person cut off from them.
func (s *Service) stillMember(ctx context.Context, userID int64, t *platform.Tenant) (bool, error) {
	_, err := s.Platform.MembershipOf(ctx, userID, t.ID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// printerFor is the language a notification to userID is written in away from the panel: the
// person's own (the panel language they last chose), else the business's, else English.
func (s *Service) printerFor(ctx context.Context, userID int64, t *platform.Tenant) (*i18n.Printer, error) {
	u, err := s.Platform.UserByID(ctx, userID)
	if err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
		return nil, err
	}
	if u != nil && i18n.Supported(u.Locale) {
		return i18n.For(u.Locale), nil
	}
	return i18n.For(t.PrimaryLocale), nil
}

// Sentence is the notification's line in lang ("New conversation with Ayşe Demir").
func Sentence(p *i18n.Printer, n *Notification) string {
	name := n.Params.Name
	if name == "" {
		name = p.T("notify.someone")
	}
	line := p.T("notify.kind."+n.Kind, name)
	if n.Kind == KindHandoff {
		if why := handoffWhy(p, n.Params.Reason); why != "" {
			line = p.T("notify.kind.handoff_why", name, why)
		}
	}
	// A failing ad platform says why in words ("the platform refused the access token"): the
	// reason code its delivery failed on (app/conversions), as the settings page words it.
	if n.Kind == KindConversionFailing && n.Params.Reason != "" && p.Has("notify.convfail."+n.Params.Reason) {
		line = p.T("notify.kind.conversion_failing_why", name, p.T("notify.convfail."+n.Params.Reason))
	}
	if also := alsoWords(p.T, p.List, n); also != "" {
		if why := handoffWhy(p, n.Params.Reason); why != "" && slices.Contains(n.Params.Also, KindHandoff) {
			also += " (" + why + ")"
		}
		line = p.T("notify.also", line, also)
	}
	return line
}

// handoffWhy names a handoff's reason codes in the reader's language ("asks for a price, asks
// for a date"); codes the catalog does not know are left out, "" when none is known.
func handoffWhy(p *i18n.Printer, codes string) string {
	var out []string
	for _, c := range strings.Split(codes, ",") {
		if c = strings.TrimSpace(c); c != "" && p.Has("inbox.reason."+c) {
			out = append(out, p.T("inbox.reason."+c))
		}
	}
	return p.List(out)
}

// Words is the notification's quoted text in lang: the customer's message or the next step as
// written, except a channel's placeholder for a message without words ("[audio]", "[sticker] 😀"),
// which is said in the reader's language ("Voice message or audio recording").
func Words(p *i18n.Printer, n *Notification) string {
	return words.BodyText(p, n.Params.Text)
}

// HandleEmail is the JobEmail handler: one notification as one mail, unless the person has read
// it meanwhile or changed their mind. A failure is retried with backoff (the runner's), a 5xx
// answer is not. A mail that cannot go out is never dropped in silence: with no mail server set,
// or when the last attempt failed, the notification records why (the notification pages show it).
func (s *Service) HandleEmail(ctx context.Context, j *jobs.Job) error {
	var p emailJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	n, err := ByID(ctx, j.DB, p.NotificationID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	prefs, err := LoadPrefs(ctx, s.Platform.DB, n.UserID)
	if err != nil {
		return err
	}
	if !n.Unread() || !prefs.EmailNow(n.Kind) || s.Mail == nil {
		return nil
	}
	t, err := s.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	if member, err := s.stillMember(ctx, n.UserID, t); !member || err != nil {
		return err
	}
	pr, err := s.printerFor(ctx, n.UserID, t)
	if err != nil {
		return err
	}
	line := Sentence(pr, n)
	body := line + "\n"
	if n.Params.Text != "" {
		body += "\n" + Words(pr, n) + "\n"
	}
	body += "\n" + s.BaseURL + n.Link(t.Slug) + "\n\n" + pr.T("notify.email.footer") + "\n"
	sent, err := s.Mail(ctx, t, prefs.Address, "["+t.Name+"] "+line, body)
	return s.mailed(ctx, j, []int64{n.ID}, sent, err)
}

// mailed records the outcome of one mail about notifications ids (one notification, or a
// digest's): e-mailed; not sent for want of a mail server; or, when the runner will not try
// again, not sent because the mail server failed. It returns what the job returns.
func (s *Service) mailed(ctx context.Context, j *jobs.Job, ids []int64, sent bool, err error) error {
	switch {
	case err != nil:
		// A shutdown that cut the attempt short is requeued by the runner, not failed.
		if j.Final(err) && ctx.Err() == nil {
			if ferr := markEmailFailed(ctx, j.DB, ids, FailSMTP, s.now()); ferr != nil {
				return errors.Join(err, ferr)
			}
		}
		return err
	case !sent:
		return markEmailFailed(ctx, j.DB, ids, FailNoServer, s.now())
	}
	return markEmailed(ctx, j.DB, ids)
}

// DigestHour is the hour the daily digest goes out: in the person's own time zone when they named
// one (Prefs.Zone), else in the business's (the one chosen on its business hours page, else the
// server's).
const DigestHour = 8

type digestJob struct {
	UserID int64 `json:"user_id"`
	Slot   int64 `json:"slot"` // the 08:00 it was queued for (Unix ms)
}

// nextDigest is the next DigestHour in loc after now.
func nextDigest(now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	at := time.Date(now.Year(), now.Month(), now.Day(), DigestHour, 0, 0, 0, loc)
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// ScheduleDigest queues a person's next daily digest in a tenant, at DigestHour on the person's
// clock (Prefs.Clock: their own zone, else the tenant's). One per person
// and local day: the dedupe key names the day, so saving the preferences twice never makes two
// chains, and a chain queued before the business (or the person) changed time zone meets the new
// one on the same day and only one of them goes on.
func ScheduleDigest(ctx context.Context, db *tenantdb.DB, userID int64, p Prefs, now time.Time) error {
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return err
	}
	at := nextDigest(now, p.Clock(loc))
	_, err = jobs.EnqueueDB(ctx, db, JobDigest, digestJob{UserID: userID, Slot: at.UnixMilli()}, jobs.Options{RunAt: at, MaxAttempts: 5,
		DedupeKey: "digest:" + strconv.FormatInt(userID, 10) + ":" + at.Format(time.DateOnly)})
	return err
}

// HandleDigest is the JobDigest handler: one mail listing the person's unread notifications of
// the last day not e-mailed yet, then the next day's digest is queued. A person who turned the
// digest off (or left the tenant) ends the chain. A digest that cannot go out marks what it lists
// as not e-mailed, as HandleEmail does; the next digest lists them again while they are under a
// day and a half old.
func (s *Service) HandleDigest(ctx context.Context, j *jobs.Job) error {
	var d digestJob
	if err := j.Decode(&d); err != nil {
		return jobs.Permanent(err)
	}
	prefs, err := LoadPrefs(ctx, s.Platform.DB, d.UserID)
	if err != nil {
		return err
	}
	t, err := s.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	if !prefs.Digest || prefs.Address == "" {
		return nil
	}
	if member, err := s.stillMember(ctx, d.UserID, t); !member || err != nil {
		return err
	}
	if j.Attempt <= 1 {
		// The next slot after this one's (a digest that ran late still queues tomorrow's, never
		// this same slot again, whose key the running job holds).
		after := s.now()
		if slot := time.UnixMilli(d.Slot); slot.After(after) {
			after = slot
		}
		after = after.Add(time.Hour)
		if err := ScheduleDigest(ctx, j.DB, d.UserID, prefs, after); err != nil {
			return err
		}
	}
	rows, err := digestRows(ctx, j.DB, d.UserID, s.now().Add(-36*time.Hour).UnixMilli())
	if err != nil || len(rows) == 0 || s.Mail == nil {
		return err
	}
	pr, err := s.printerFor(ctx, d.UserID, t)
	if err != nil {
		return err
	}
	body := pr.Plural("notify.digest.intro", len(rows)) + "\n\n"
	ids := make([]int64, len(rows))
	for i, n := range rows {
		ids[i] = n.ID
		body += "• " + Sentence(pr, n)
		if n.Params.Text != "" {
			body += " — " + Words(pr, n)
		}
		body += "\n  " + s.BaseURL + n.Link(t.Slug) + "\n"
	}
	body += "\n" + pr.T("notify.email.footer") + "\n"
	sent, err := s.Mail(ctx, t, prefs.Address, "["+t.Name+"] "+pr.Plural("notify.digest.subject", len(rows)), body)
	return s.mailed(ctx, j, ids, sent, err)
}
