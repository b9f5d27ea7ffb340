package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Job kinds of this room.
const (
	// JobConfirm sends a confirmed visit's confirmation to the customer on their channel.
	JobConfirm = "visit_confirm"
	// JobRemindCustomer reminds the customer the day before (reminders.go).
	JobRemindCustomer = "visit_remind_customer"
	// JobRemindAssignee tells each assignee an hour before (reminders.go).
	JobRemindAssignee = "visit_remind_assignee"
)

// Service does the work of visits that needs more than the tenant's database: the channels a
// message leaves on, the tenants' names and languages, the live updates of open pages.
type Service struct {
	Platform *platform.Service
	Channels *channel.Registry
	Live     *live.Hub
	// BaseURL is the public address the customer's link is built on (serve --base-url); without
	// one the link is a path, as in e-mailed notifications.
	BaseURL string
}

// RegisterJobs hands the runner this room's jobs: messages to customers run in the customer lane.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.HandleIn(jobs.LaneCustomer, JobConfirm, s.HandleConfirm)
	r.HandleIn(jobs.LaneCustomer, JobRemindCustomer, s.HandleRemindCustomer)
	r.HandleIn(jobs.LaneAssistant, JobRemindAssignee, s.HandleRemindAssignee)
}

// origin is where the customer's links point: the server's base URL, else the origin of the
// request that approved the visit.
func (s *Service) origin(fromRequest string) string {
	if s.BaseURL != "" {
		return s.BaseURL
	}
	return fromRequest
}

// Link is the customer's page of a visit: /v/<slug>.<token>.
func Link(origin, slug string, v *Visit) string {
	return strings.TrimRight(origin, "/") + "/v/" + slug + "." + v.Token
}

type confirmJob struct {
	VisitID          int64  `json:"visit_id"`
	RecommendationID int64  `json:"recommendation_id"`
	Origin           string `json:"origin,omitempty"` // the approving request's origin (links without a base URL)
}

// Decided is the approval queue's hook (approvals.OnDecided, registered in app/serve.go): when
// the recommendation holding a proposed visit's date is approved, the visit is confirmed, the
// confirmation to the customer is queued and the reminders are planned, all in the decision's
// transaction; when it is rejected, the visit stays proposed with its date refused and nothing
// is sent. Recommendations that are not a visit's are none of its business.
func Decided(ctx context.Context, tx *sql.Tx, rec *approvals.Recommendation, a approvals.Actor) error {
	if rec.ActionType != "delivery_date" {
		return nil
	}
	v, err := ByRecommendation(ctx, tx, rec.ID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if v.Status != StatusProposed {
		return nil // cancelled meanwhile: a late approval confirms nothing
	}
	now := tenantdb.Now()
	switch rec.Status {
	case "approved":
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET status = 'confirmed', approved_by_name = ?, approved_at = ?, confirmed_message_id = NULL,
			updated_at = ? WHERE id = ?`, a.Name, now, now, v.ID); err != nil {
			return fmt.Errorf("visits: confirm: %w", err)
		}
		v.Status, v.ApprovedByName, v.ApprovedAt, v.ConfirmedMessageID = StatusConfirmed, a.Name, now, 0
		if v.ConversationID != 0 {
			if _, err := jobs.Enqueue(ctx, tx, JobConfirm, confirmJob{VisitID: v.ID, RecommendationID: rec.ID, Origin: approvals.Origin(ctx)},
				jobs.Options{DedupeKey: fmt.Sprintf("visit_confirm:%d:%d", v.ID, rec.ID)}); err != nil {
				return err
			}
		}
		if err := planRemindersTx(ctx, tx, v, time.Now(), approvals.Origin(ctx)); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_confirmed", Summary: "proposed → confirmed",
			ModelName: modelHuman, ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": v.ID, "recommendation_id": rec.ID, "status_before": StatusProposed, "status_after": StatusConfirmed,
				"starts_at": v.StartsAt}})
		return err
	case "rejected":
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_date_rejected", Summary: "date rejected",
			Output: rec.DecisionReason, ModelName: modelHuman, ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": v.ID, "recommendation_id": rec.ID, "starts_at": v.StartsAt}})
		return err
	}
	return nil
}

// DateRejected reports whether the visit's current date was refused in the approval queue (the
// visit waits for a new date or a cancellation).
func DateRejected(ctx context.Context, q Querier, v *Visit) (bool, error) {
	if v.Status != StatusProposed || v.RecommendationID == 0 {
		return false, nil
	}
	rec, err := approvals.ByID(ctx, q, v.RecommendationID)
	if err != nil {
		return false, err
	}
	return rec.Status == "rejected", nil
}

// customerText is what the customer reads: the language of their conversation (the tenant's
// primary language when it is not one the product speaks), the date in the tenant's zone.
type customerText struct {
	P        *i18n.Printer
	Loc      *time.Location
	Business string
	Name     string
	Link     string
}

// tell writes the visit's message to the customer into its conversation in tx: the text of key in
// the customer's words, carried outside WhatsApp's 24 hours by the approved template of purpose.
func (s *Service) tell(ctx context.Context, tx *sql.Tx, slug string, v *Visit, origin, key, purpose, author string) (int64, *inbox.Conversation, error) {
	conv, err := inbox.ConversationByID(ctx, tx, v.ConversationID)
	if err != nil {
		return 0, nil, err
	}
	ct, err := s.customer(ctx, tx, slug, v, conv, origin)
	if err != nil {
		return 0, nil, err
	}
	local := v.Start().In(ct.Loc)
	id, err := inbox.AddMessageTx(ctx, tx, s.Channels, v.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "system",
		AuthorName: author, Body: ct.body(v, key),
		Template: &inbox.TemplateUse{Purpose: purpose, Params: []string{ct.Name, ct.P.Date(local), local.Format("15:04"), v.Address, ct.Link}}})
	return id, conv, err
}

func (s *Service) customer(ctx context.Context, q Querier, slug string, v *Visit, conv *inbox.Conversation, origin string) (*customerText, error) {
	t, err := s.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	loc, err := hoursdb.Zone(ctx, q)
	if err != nil {
		return nil, err
	}
	lang := conv.Language
	if !i18n.Supported(lang) {
		lang = t.PrimaryLocale
	}
	name := ""
	if lead, err := inbox.LeadByID(ctx, q, v.LeadID); err == nil {
		name = lead.Name
	}
	return &customerText{P: i18n.For(lang).In(loc), Loc: loc, Business: t.Name, Name: name, Link: Link(s.origin(origin), slug, v)}, nil
}

// When is the visit's date and time in the customer's words.
func (c *customerText) When(v *Visit) string {
	p := c.P
	return p.T("visits.weekday."+strings.ToLower(v.Start().In(c.Loc).Weekday().String())) + " " + p.DateTime(v.Start())
}

func (c *customerText) body(v *Visit, key string) string {
	lines := []string{c.P.T(key, c.Business, c.When(v))}
	if v.Address != "" {
		lines = append(lines, c.P.T("visits.msg.address", v.Address))
	}
	lines = append(lines, c.P.T("visits.msg.link", c.Link))
	return strings.Join(lines, "\n")
}

// HandleConfirm is the JobConfirm handler: the confirmation goes out once, on the conversation's
// channel (outside WhatsApp's 24 hours as the visit_confirmation template), only while the visit
// is still confirmed on the date that was approved.
func (s *Service) HandleConfirm(ctx context.Context, j *jobs.Job) error {
	var p confirmJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var msgID, convID int64
	err := j.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := ByID(ctx, tx, p.VisitID)
		if errors.Is(err, tenantdb.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if v.Status != StatusConfirmed || v.RecommendationID != p.RecommendationID || v.ConfirmedMessageID != 0 || v.ConversationID == 0 {
			return nil
		}
		var conv *inbox.Conversation
		if msgID, conv, err = s.tell(ctx, tx, j.Tenant, v, p.Origin, "visits.msg.confirmed", inbox.PurposeVisitConfirmation, v.ApprovedByName); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET confirmed_message_id = ?, updated_at = ? WHERE id = ? AND confirmed_message_id IS NULL`,
			msgID, tenantdb.Now(), v.ID); err != nil {
			return fmt.Errorf("visits: confirmed message: %w", err)
		}
		convID = v.ConversationID
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_confirmation_sent", Summary: conv.Channel,
			ModelName: modelHuman, ActorName: v.ApprovedByName, ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": v.ID, "message_id": msgID, "recommendation_id": v.RecommendationID}})
		return err
	})
	if err == nil && msgID != 0 && s.Live != nil {
		s.Live.Publish(j.Tenant, live.Event{Kind: "message", ConversationID: convID, MessageID: msgID})
	}
	return err
}
