// Package followups is the follow-up room (guide: 50-follow-ups.md): a visitor of the widget or
// the landing page who left a phone or an e-mail and got no reply from a person within the
// owner's number of business hours, or a customer who went quiet after a quote, gets a follow-up
// draft from the assistant in the approval queue — never sent before a person approves it. A
// sequence has at most the owner's number of steps, a few days apart, and stops when the customer
// or an operator writes, the conversation is won or lost, or a person rejects a draft.
//
// It owns followup_settings and followups; what it reads of the inbox and the quotes is in
// scan.go (a declared read model). The inbox tells it of every message (inbox.OnMessage) and the
// approval queue of every decision (approvals.OnDecided), both from app/serve.go.
package followups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"highvibe/app/fault"
	"highvibe/app/inbox"
)

// Settings are the owner's rules.
type Settings struct {
	Enabled      bool
	NoReplyHours int // business hours without a person's reply before the first follow-up
	QuoteHours   int // business hours of silence after a sent quote before the first follow-up
	StepDays     int // days between the steps of a sequence
	MaxSteps     int // steps of a sequence at most
}

// Defaults: four business hours for a visitor (the same working day, or the next morning),
// sixteen (two working days) after a quote, two steps two days apart.
func Defaults() Settings {
	return Settings{Enabled: true, NoReplyHours: 4, QuoteHours: 16, StepDays: 2, MaxSteps: 2}
}

// Limits of the settings (the schema's CHECKs say the same).
const (
	MaxNoReplyHours = 72
	MaxQuoteHours   = 120
	MaxStepDays     = 30
	MaxMaxSteps     = 5
)

// Validate reports the fields out of range, by form field name.
func (s Settings) Validate() error {
	var f fault.Fields
	if s.NoReplyHours < 1 || s.NoReplyHours > MaxNoReplyHours {
		f.Add("no_reply_hours", "followups.err.range", 1, MaxNoReplyHours)
	}
	if s.QuoteHours < 1 || s.QuoteHours > MaxQuoteHours {
		f.Add("quote_hours", "followups.err.range", 1, MaxQuoteHours)
	}
	if s.StepDays < 1 || s.StepDays > MaxStepDays {
		f.Add("step_days", "followups.err.range", 1, MaxStepDays)
	}
	if s.MaxSteps < 1 || s.MaxSteps > MaxMaxSteps {
		f.Add("max_steps", "followups.err.range", 1, MaxMaxSteps)
	}
	return f.Err()
}

// Querier reads (a *sql.DB, *sql.Tx or a statement cache on one).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// LoadSettings reads the owner's rules; the defaults when none were saved.
func LoadSettings(ctx context.Context, q Querier) (Settings, error) {
	s := Defaults()
	err := q.QueryRowContext(ctx, `SELECT enabled, no_reply_hours, quote_hours, step_days, max_steps FROM followup_settings WHERE id = 1`).
		Scan(&s.Enabled, &s.NoReplyHours, &s.QuoteHours, &s.StepDays, &s.MaxSteps)
	if errors.Is(err, sql.ErrNoRows) {
		return Defaults(), nil
	}
	if err != nil {
		return s, fmt.Errorf("followups: settings: %w", err)
	}
	return s, nil
}

// saveSettings stores the rules whole, inside the caller's transaction.
func saveSettings(ctx context.Context, tx *sql.Tx, s Settings, now int64) error {
	if err := s.Validate(); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO followup_settings(id, enabled, no_reply_hours, quote_hours, step_days, max_steps, updated_at)
		VALUES(1,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET enabled = excluded.enabled, no_reply_hours = excluded.no_reply_hours,
		quote_hours = excluded.quote_hours, step_days = excluded.step_days, max_steps = excluded.max_steps, updated_at = excluded.updated_at`,
		s.Enabled, s.NoReplyHours, s.QuoteHours, s.StepDays, s.MaxSteps, now)
	if err != nil {
		return fmt.Errorf("followups: save settings: %w", err)
	}
	return nil
}

// FollowUp mirrors one followups row (times Unix ms, 0 for NULL).
type FollowUp struct {
	ID, ConversationID, LeadID, QuoteID int64
	Reason                              string // no_reply quote_silent
	AnchorAt                            int64
	Steps, Step                         int
	Status                              string // active waiting done stopped
	NextDueAt                           int64
	RecommendationID                    int64
	Template                            bool
	StopReason                          string
	EndedAt, CreatedAt, UpdatedAt       int64
}

const fuCols = `id, conversation_id, lead_id, coalesce(quote_id,0), reason, anchor_at, steps, step, status, coalesce(next_due_at,0),
	coalesce(recommendation_id,0), template, stop_reason, coalesce(ended_at,0), created_at, updated_at`

func scanFU(sc interface{ Scan(...any) error }) (*FollowUp, error) {
	f := &FollowUp{}
	err := sc.Scan(&f.ID, &f.ConversationID, &f.LeadID, &f.QuoteID, &f.Reason, &f.AnchorAt, &f.Steps, &f.Step, &f.Status, &f.NextDueAt,
		&f.RecommendationID, &f.Template, &f.StopReason, &f.EndedAt, &f.CreatedAt, &f.UpdatedAt)
	return f, err
}

func listFU(ctx context.Context, q Querier, where string, args ...any) ([]*FollowUp, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+fuCols+` FROM followups `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("followups: list: %w", err)
	}
	defer rows.Close()
	var out []*FollowUp
	for rows.Next() {
		f, err := scanFU(rows)
		if err != nil {
			return nil, fmt.Errorf("followups: list: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ForConversation lists a conversation's sequences, newest first.
func ForConversation(ctx context.Context, q Querier, convID int64) ([]*FollowUp, error) {
	return listFU(ctx, q, `WHERE conversation_id = ? ORDER BY id DESC LIMIT 20`, convID)
}

// ForLead lists a lead's sequences (all its conversations), newest first, with those of the leads
// merged into it: a merge moves a lead's conversations to the kept lead, and a sequence keeps the
// lead it started on (inbox.LeadFamily).
func ForLead(ctx context.Context, q Querier, leadID int64) ([]*FollowUp, error) {
	fam, err := inbox.LeadFamily(ctx, q, leadID)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(fam))
	for i, id := range fam {
		args[i] = id
	}
	return listFU(ctx, q, `WHERE lead_id IN (?`+strings.Repeat(",?", len(fam)-1)+`) ORDER BY id DESC LIMIT 20`, args...)
}

// Open lists the sequences still running (due next first, waiting drafts after), for the
// follow-ups page.
func Open(ctx context.Context, q Querier, limit int) ([]*FollowUp, error) {
	return listFU(ctx, q, `WHERE status IN ('active','waiting') ORDER BY status, coalesce(next_due_at, 0), id LIMIT ?`, limit)
}

// Recent lists the newest sequences that ended.
func Recent(ctx context.Context, q Querier, limit int) ([]*FollowUp, error) {
	return listFU(ctx, q, `WHERE status IN ('done','stopped') ORDER BY ended_at DESC, id DESC LIMIT ?`, limit)
}

// stop ends an open sequence with reason; false when it was not open any more.
func stop(ctx context.Context, x execer, id int64, reason string, now int64) (bool, error) {
	res, err := x.ExecContext(ctx, `UPDATE followups SET status = 'stopped', stop_reason = ?, next_due_at = NULL, ended_at = ?, updated_at = ?
		WHERE id = ? AND status IN ('active','waiting')`, reason, now, now, id)
	if err != nil {
		return false, fmt.Errorf("followups: stop: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Line is the newest sequence of a conversation as its page shows it; nil when none. A sequence
// still open on a conversation that was won or lost meanwhile shows as stopped (the next run of
// the job records it so).
func Line(ctx context.Context, q Querier, convID int64) (*FollowUp, error) {
	fs, err := listFU(ctx, q, `WHERE conversation_id = ? ORDER BY id DESC LIMIT 1`, convID)
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	f := fs[0]
	if f.Status == "active" || f.Status == "waiting" {
		closed, err := conversationClosed(ctx, q, convID)
		if err != nil {
			return nil, err
		}
		if closed {
			f.Status, f.StopReason = "stopped", "closed"
		}
	}
	return f, nil
}
