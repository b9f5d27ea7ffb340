package followups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Service wires the room to the server: the channels (reply windows, templates) and the tenants
// (name, language, the template settings).
type Service struct {
	Platform *platform.Service
	Channels *channel.Registry
}

// RegisterJobs registers the JobScan handler.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.HandleIn(jobs.LaneHousekeeping, JobScan, s.HandleScan)
}

// HandleScan is the JobScan handler: one run at the present time.
func (s *Service) HandleScan(ctx context.Context, j *jobs.Job) error {
	env, err := s.Env(ctx, j.Tenant)
	if err != nil {
		return err
	}
	_, err = RunScan(ctx, j.DB, env, time.Now())
	return err
}

// Env reads what a run needs of the tenant.
func (s *Service) Env(ctx context.Context, slug string) (Env, error) {
	t, err := s.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return Env{}, err
	}
	return EnvFor(s.Channels, t), nil
}

// EnvFor is the Env of tenant t.
func EnvFor(reg *channel.Registry, t *platform.Tenant) Env {
	return Env{Channels: reg, Business: t.Name, Locale: t.PrimaryLocale, Region: t.PhoneRegion(), Template: func(ch string) string {
		info, ok := reg.Info(ch)
		if !ok || info.Templates == nil {
			return ""
		}
		for _, tp := range info.Templates(t.Setting, t.PrimaryLocale) {
			if tp.Purpose == channel.PurposeFollowUp {
				return tp.Name
			}
		}
		return ""
	}}
}

// ensured remembers when each tenant's chain of runs was last made sure of, so a busy page asks
// the queue at most once every ensureEvery.
var ensured sync.Map // tenant file path → time.Time

const ensureEvery = 10 * time.Minute

// Ensure queues a run now when none is queued (a chain of runs that ended: its job failed three
// times, or a database restored from a backup). The conversation page and the follow-ups page
// call it; it reads one row at most every ten minutes per tenant.
func Ensure(ctx context.Context, db *tenantdb.DB) error {
	key := db.Path
	if t, ok := ensured.Load(key); ok && time.Since(t.(time.Time)) < ensureEvery {
		return nil
	}
	ensured.Store(key, time.Now())
	waiting, err := jobs.Waiting(ctx, db.Read, jobs.LaneHousekeeping, JobScan)
	if err != nil || waiting {
		return err
	}
	_, err = jobs.EnqueueDB(ctx, db, JobScan, struct{}{}, jobs.Options{MaxAttempts: 3, DedupeKey: "ensure"})
	return err
}

type selfKey struct{}

// self marks the context of the follow-up's own message, which must not stop its sequence.
func self(ctx context.Context) context.Context { return context.WithValue(ctx, selfKey{}, true) }

func isSelf(ctx context.Context) bool { b, _ := ctx.Value(selfKey{}).(bool); return b }

// kickSlot is how coarse the runs a message asks for are: at most one per quarter hour.
const kickSlot = 15 * time.Minute

// OnMessage is the inbox's message hook (inbox.OnMessage): a customer's message stops the
// conversation's open sequence (customer_replied), a person's reply too (operator_replied), and
// its waiting draft is withdrawn from the approval queue. A widget or landing-page visitor's
// message (a channel no provider delivers on: the widget's replies are stored for the page to
// read, the landing form's conversation is a record kept by hand), or a person's (a quote sent),
// asks for a run in the next quarter hour, which starts the sequences that fall due and queues the
// next run for them. Provider channels (WhatsApp, Telegram, e-mail) ask for none: their leads
// are not the visitors a run looks for, and their hot ingest path stays one write shorter.
func (s *Service) OnMessage(ctx context.Context, w inbox.Writer, tx *sql.Tx, m inbox.MessageEvent) error {
	if isSelf(ctx) {
		return nil
	}
	reason := ""
	switch {
	case m.Direction == "inbound":
		reason = "customer_replied"
	case m.Direction == "outbound" && m.AuthorKind == "user":
		reason = "operator_replied"
	default:
		return nil
	}
	now := tenantdb.Now()
	var id, recID int64
	var step, steps int
	// Almost every message finds no open sequence: a read through the open sequences' index says
	// so without the write statement an UPDATE is (its journal, its RETURNING table).
	err := w.QueryRowContext(ctx, `SELECT id, coalesce(recommendation_id, 0), step, steps FROM followups
		WHERE conversation_id = ? AND status IN ('active','waiting')`, m.ConversationID).Scan(&id, &recID, &step, &steps)
	if err == nil {
		_, err = w.ExecContext(ctx, `UPDATE followups SET status = 'stopped', stop_reason = ?, next_due_at = NULL, ended_at = ?, updated_at = ?
			WHERE id = ?`, reason, now, now, id)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("followups: stop on message: %w", err)
	default:
		if recID != 0 && tx != nil {
			if err := approvals.WithdrawTx(ctx, tx, recID, approvals.Actor{Name: "system"}); err != nil {
				return err
			}
		}
		if _, err := audit.Write(ctx, w, audit.Entry{Provider: "followups", ActionType: "followup_stopped", Summary: reason,
			ModelName: ModelName, ConversationID: m.ConversationID,
			Payload: map[string]any{"followup_id": id, "reason": reason, "step": step, "steps": steps, "message_id": m.MessageID}}); err != nil {
			return err
		}
	}
	if m.Direction == "outbound" || s.Channels.OutboundOf(m.Channel) != channel.Deliver {
		slot := time.UnixMilli(now).Truncate(kickSlot).Add(kickSlot)
		if _, err := jobs.Enqueue(ctx, w, JobScan, struct{}{}, jobs.Options{RunAt: slot, MaxAttempts: 3,
			DedupeKey: "at:" + strconv.FormatInt(slot.Unix(), 10)}); err != nil {
			return err
		}
	}
	return nil
}

// OnStateChange is the inbox's state hook (inbox.OnStateChange): a conversation marked won or
// lost ends its open sequence (closed) and withdraws the draft still waiting in the queue.
func OnStateChange(ctx context.Context, tx *sql.Tx, e inbox.StateEvent) error {
	if e.State != "won" && e.State != "lost" {
		return nil
	}
	fs, err := listFU(ctx, tx, `WHERE conversation_id = ? AND status IN ('active','waiting')`, e.ConversationID)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if err := stopTx(ctx, tx, f, "closed", tenantdb.Now()); err != nil {
			return err
		}
	}
	return nil
}

// Decided is the approval queue's hook (approvals.OnDecided) for follow-up drafts. Approved: the
// draft as approved (edited or not) goes out in the conversation — as the approved follow-up
// template when the channel's reply window is closed — the recommendation is marked sent, and
// the sequence waits for its next step (the owner's days later, at an opening) or ends after its
// last. Rejected: the sequence stops. All in the decision's own transaction.
func Decided(reg *channel.Registry) approvals.DecidedHook {
	return func(ctx context.Context, tx *sql.Tx, rec *approvals.Recommendation, actor approvals.Actor) error {
		if rec.ModelName != ModelName {
			return nil
		}
		fs, err := listFU(ctx, tx, `WHERE recommendation_id = ? AND status = 'waiting'`, rec.ID)
		if err != nil || len(fs) == 0 {
			return err
		}
		f := fs[0]
		now := time.Now()
		nowMS := now.UnixMilli()
		switch rec.Status {
		case "rejected":
			_, err := stop(ctx, tx, f.ID, "rejected", nowMS)
			return err
		case "approved":
		default:
			return nil
		}
		fresh, err := approvals.ByID(ctx, tx, rec.ID) // the draft as approved, edits included
		if err != nil {
			return err
		}
		msgID, err := sendTx(ctx, tx, reg, f, fresh.DraftReply, actor)
		if err != nil {
			return err
		}
		if err := approvals.MarkSentTx(ctx, tx, rec.ID, msgID); err != nil {
			return err
		}
		if f.Step >= f.Steps {
			_, err = tx.ExecContext(ctx, `UPDATE followups SET status = 'done', ended_at = ?, updated_at = ? WHERE id = ?`, nowMS, nowMS, f.ID)
		} else {
			var at time.Time
			if at, err = nextStepAt(ctx, tx, now); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE followups SET status = 'active', next_due_at = ?, updated_at = ? WHERE id = ?`, at.UnixMilli(), nowMS, f.ID)
				if err == nil {
					err = schedule(ctx, tx, at)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("followups: approved: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "followups", ActionType: "followup_sent", Summary: fmt.Sprintf("%d/%d", f.Step, f.Steps),
			ModelName: "human-review", ActorUserID: actor.UserID, ActorName: actor.Name, ConversationID: f.ConversationID,
			Payload: map[string]any{"followup_id": f.ID, "recommendation_id": rec.ID, "message_id": msgID, "step": f.Step, "steps": f.Steps}})
		return err
	}
}

// sendTx stores the approved follow-up as a person's message in the conversation; on a channel
// with a reply window it carries the follow-up template, which the channel sends instead of the
// text once the window is closed.
func sendTx(ctx context.Context, tx *sql.Tx, reg *channel.Registry, f *FollowUp, body string, actor approvals.Actor) (int64, error) {
	conv, err := inbox.ConversationByID(ctx, tx, f.ConversationID)
	if err != nil {
		return 0, err
	}
	out := inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorUserID: actor.UserID, AuthorName: actor.Name, Body: body}
	if info, ok := reg.Info(conv.Channel); ok && info.Window > 0 && info.Outbound == channel.Deliver {
		name := ""
		if lead, err := inbox.LeadByID(ctx, tx, f.LeadID); err == nil {
			name = lead.Name
		}
		out.Template = &inbox.TemplateUse{Purpose: channel.PurposeFollowUp, Params: []string{name}} // an empty name goes as "-"
	}
	return inbox.AddMessageTx(self(ctx), tx, reg, f.ConversationID, out)
}

// nextStepAt is when the next step falls due after one was sent at now: the owner's days later,
// moved to the next opening when the business is closed then.
func nextStepAt(ctx context.Context, tx *sql.Tx, now time.Time) (time.Time, error) {
	set, err := LoadSettings(ctx, tx)
	if err != nil {
		return time.Time{}, err
	}
	sched, err := hoursdb.Schedule(ctx, tx)
	if err != nil {
		return time.Time{}, err
	}
	at := now.AddDate(0, 0, set.StepDays)
	if open, ok := sched.NextOpen(at); ok {
		at = open
	}
	return at, nil
}

// Target is where an approved follow-up draft goes (approvals.SendsTo): its conversation, as the
// follow-up template once the channel's reply window is closed (sendTx).
func Target(ctx context.Context, q inbox.Querier, rec *approvals.Recommendation) (int64, string, bool, error) {
	if rec.ModelName != ModelName {
		return 0, "", false, nil
	}
	var conv int64
	err := q.QueryRowContext(ctx, `SELECT conversation_id FROM followups WHERE recommendation_id = ? AND status = 'waiting' ORDER BY id LIMIT 1`, rec.ID).Scan(&conv)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", true, nil // nothing waits on it: approving sends nothing
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("followups: target: %w", err)
	}
	return conv, channel.PurposeFollowUp, true, nil
}
