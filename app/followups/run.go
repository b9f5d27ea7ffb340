package followups

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
	"highvibe/app/words"
)

// Why a sequence started.
const (
	ReasonNoReply = "no_reply"     // a visitor left a phone or an e-mail and no person answered
	ReasonQuote   = "quote_silent" // the customer went quiet after a quote
)

// ModelName marks the follow-up drafts in the approval queue (and the decisions hook).
const ModelName = "builtin-followups"

// JobScan is the job that starts due sequences and proposes their due steps (housekeeping lane).
const JobScan = "followup_scan"

// Env is what a run needs beyond the tenant's file: the channels (reply windows) and the
// tenant's name, language and approved follow-up template per channel.
type Env struct {
	Channels *channel.Registry
	Business string // the tenant's name, in the drafts
	Locale   string // the tenant's main language: drafts for a conversation of unknown language
	Region   string // the tenant's phone_region: a nameless lead's number kept without its country code
	// Template names the tenant's approved follow-up template on a channel ("" when none is set).
	Template func(channel string) string
}

// Run is what one run did.
type Run struct {
	Started  int       // sequences started
	Proposed int       // drafts put into the approval queue
	Stopped  int       // sequences stopped (conversation closed, no consent, no template)
	Deferred int       // due steps moved to the next opening (the business is closed)
	Next     time.Time // the next run queued (zero: none needed)
}

// batch is how many due steps one run handles at most, candidates how many conversations of each
// kind it looks at (the newest first); the next run, queued at once, goes on.
const (
	batch      = 200
	candidates = 500
)

// StaleAfter is how long after its due moment a sequence may still start: a visitor whose wait
// ended longer ago than that is not followed up any more (switching follow-ups on does not chase
// last week's visitors, nor does a job that was down for days).
const StaleAfter = 24 * time.Hour

// RunScan is one run of the job at now, in one write transaction: sequences of closed
// conversations stop, due candidates start a sequence, due steps become drafts in the approval
// queue (or wait for the business to open), and the next run is queued for the next moment
// something falls due. Running it twice at the same now changes nothing the second time.
func RunScan(ctx context.Context, db *tenantdb.DB, env Env, now time.Time) (Run, error) {
	var run Run
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		run = Run{}
		set, err := LoadSettings(ctx, tx)
		if err != nil || !set.Enabled {
			return err
		}
		sched, err := hoursdb.Schedule(ctx, tx)
		if err != nil {
			return err
		}
		nowMS := now.UnixMilli()
		// 1. Conversations won or lost meanwhile end their sequences.
		closed, err := openOnClosed(ctx, tx)
		if err != nil {
			return err
		}
		for _, f := range closed {
			if err := stopTx(ctx, tx, f, "closed", nowMS); err != nil {
				return err
			}
			run.Stopped++
		}
		// 2. Candidates whose wait is over start a sequence, due now.
		var next time.Time
		later := func(t time.Time) {
			if t.After(now) && (next.IsZero() || t.Before(next)) {
				next = t
			}
		}
		since := nowMS - Lookback
		nr, err := noReplyCandidates(ctx, tx, since, candidates)
		if err != nil {
			return err
		}
		qc, err := quoteCandidates(ctx, tx, since, candidates)
		if err != nil {
			return err
		}
		full := false
		for _, c := range append(nr, qc...) {
			wait := set.NoReplyHours
			if c.Reason == ReasonQuote {
				wait = set.QuoteHours
			}
			due, ok := sched.Due(time.UnixMilli(c.AnchorAt), time.Duration(wait)*time.Hour)
			if !ok {
				continue // the business does not open in the next 400 days
			}
			if due.After(now) {
				later(due)
				continue
			}
			if now.Sub(due) > StaleAfter {
				continue
			}
			started, err := startTx(ctx, tx, c, set.MaxSteps, nowMS)
			if err != nil {
				return err
			}
			if started {
				run.Started++
			}
		}
		// A full page of candidates that started sequences may have more behind it.
		full = run.Started > 0 && (len(nr) == candidates || len(qc) == candidates)
		// 3. Due steps.
		due, err := listFU(ctx, tx, `WHERE status = 'active' AND next_due_at <= ? ORDER BY next_due_at, id LIMIT ?`, nowMS, batch)
		if err != nil {
			return err
		}
		full = full || len(due) == batch
		for _, f := range due {
			out, at, err := stepTx(ctx, tx, env, sched, f, now)
			if err != nil {
				return err
			}
			switch out {
			case outProposed:
				run.Proposed++
			case outStopped:
				run.Stopped++
			case outDeferred:
				run.Deferred++
				later(at)
			}
		}
		// 4. The next run: when the earliest waiting sequence or candidate falls due.
		var nextDue int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(min(next_due_at), 0) FROM followups WHERE status = 'active' AND next_due_at > ?`, nowMS).Scan(&nextDue); err != nil {
			return fmt.Errorf("followups: next due: %w", err)
		}
		if nextDue > 0 {
			later(time.UnixMilli(nextDue))
		}
		if full {
			next = now.Add(time.Second)
		}
		if !next.IsZero() {
			if err := schedule(ctx, tx, next); err != nil {
				return err
			}
			run.Next = next
		}
		return nil
	})
	return run, err
}

// schedule queues a run at the start of the minute after at (runs asked for the same minute fold
// into one).
func schedule(ctx context.Context, x jobs.Execer, at time.Time) error {
	slot := at.Truncate(time.Minute).Add(time.Minute)
	_, err := jobs.Enqueue(ctx, x, JobScan, struct{}{}, jobs.Options{RunAt: slot, MaxAttempts: 3,
		DedupeKey: "at:" + strconv.FormatInt(slot.Unix(), 10)})
	return err
}

// startTx starts a sequence for a due candidate; false when one was started for the same moment
// already (the unique index decides: a run that runs twice starts it once).
func startTx(ctx context.Context, tx *sql.Tx, c candidate, steps int, now int64) (bool, error) {
	var quote any
	if c.QuoteID != 0 {
		quote = c.QuoteID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO followups(conversation_id, lead_id, reason, quote_id, anchor_at, steps, step, status, next_due_at, created_at, updated_at)
		VALUES(?,?,?,?,?,?,0,'active',?,?,?) ON CONFLICT DO NOTHING`, c.ConvID, c.LeadID, c.Reason, quote, c.AnchorAt, steps, now, now, now)
	if err != nil {
		return false, fmt.Errorf("followups: start: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// stopTx ends an open sequence and withdraws its draft from the approval queue if it still waits.
func stopTx(ctx context.Context, tx *sql.Tx, f *FollowUp, reason string, now int64) error {
	ok, err := stop(ctx, tx, f.ID, reason, now)
	if err != nil || !ok {
		return err
	}
	if f.RecommendationID != 0 {
		if err := approvals.WithdrawTx(ctx, tx, f.RecommendationID, approvals.Actor{Name: "system"}); err != nil {
			return err
		}
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "followups", ActionType: "followup_stopped", Summary: reason,
		ModelName: ModelName, ConversationID: f.ConversationID,
		Payload: map[string]any{"followup_id": f.ID, "reason": reason, "step": f.Step, "steps": f.Steps}})
	return err
}

type outcome int

const (
	outNone outcome = iota
	outProposed
	outStopped
	outDeferred
)

// stepTx proposes a sequence's due step: a draft in the customer's language in the approval
// queue — the approved follow-up template when the channel's reply window (WhatsApp's 24 hours)
// is closed — unless the business is closed now (the step waits for the opening, returned as at),
// the conversation was won or lost, consent is missing, or no template is set for a closed window
// (the sequence stops).
func stepTx(ctx context.Context, tx *sql.Tx, env Env, sched *hours.Schedule, f *FollowUp, now time.Time) (outcome, time.Time, error) {
	nowMS := now.UnixMilli()
	conv, err := inbox.ConversationByID(ctx, tx, f.ConversationID)
	if err != nil {
		return outNone, time.Time{}, err
	}
	if !conv.Open() {
		return outStopped, time.Time{}, stopTx(ctx, tx, f, "closed", nowMS)
	}
	if ok, err := hasConsent(ctx, tx, f.LeadID); err != nil || !ok {
		if err != nil {
			return outNone, time.Time{}, err
		}
		return outStopped, time.Time{}, stopTx(ctx, tx, f, "no_consent", nowMS)
	}
	if !sched.Open(now) {
		at, ok := sched.NextOpen(now)
		if !ok {
			return outNone, time.Time{}, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE followups SET next_due_at = ?, updated_at = ? WHERE id = ? AND status = 'active'`,
			at.UnixMilli(), nowMS, f.ID); err != nil {
			return outNone, time.Time{}, fmt.Errorf("followups: defer: %w", err)
		}
		return outDeferred, at, nil
	}
	lead, err := inbox.LeadByID(ctx, tx, f.LeadID)
	if err != nil {
		return outNone, time.Time{}, err
	}
	tpl := ""
	if info, ok := env.Channels.Info(conv.Channel); ok && info.Blocked != "" {
		// A customer who blocked the bot (Telegram) cannot be followed up: the draft would wait in
		// the queue and then fail.
		if at, err := inbox.BlockedSince(ctx, tx, conv.ID, info.Blocked, info.Unblocked); err != nil {
			return outNone, time.Time{}, err
		} else if at > 0 {
			return outStopped, time.Time{}, stopTx(ctx, tx, f, "blocked", nowMS)
		}
	}
	if info, ok := env.Channels.Info(conv.Channel); ok && info.Outbound == channel.Deliver && !info.WindowOpen(conv.LastInboundAt, now) {
		if env.Template != nil {
			tpl = env.Template(conv.Channel)
		}
		if tpl == "" {
			return outStopped, time.Time{}, stopTx(ctx, tx, f, "no_template", nowMS)
		}
	}
	step := f.Step + 1
	lang := conv.Language
	if !i18n.Supported(lang) {
		lang = env.Locale
	}
	p := i18n.For(lang)
	variant := f.Reason
	if step > 1 {
		variant = "again"
	}
	var body string
	if tpl != "" {
		body = p.T("inbox.template.body", p.T("inbox.template.purpose."+channel.PurposeFollowUp), tpl)
		if lead.Name != "" {
			body += ": " + lead.Name
		}
		variant += "_template"
	} else {
		body = draftText(p, f.Reason, step, lead.Name, env.Business)
	}
	wait := 0
	if set, err := LoadSettings(ctx, tx); err == nil {
		wait = set.NoReplyHours
		if f.Reason == ReasonQuote {
			wait = set.QuoteHours
		}
		if step > 1 {
			wait = set.StepDays
		}
	}
	name := web.WhoOrNumber(env.Region, lead.ID, lead.Name, lead.Phone, lead.Email)
	recID, created, err := approvals.Create(ctx, tx, approvals.New{LeadID: f.LeadID, ConversationID: f.ConversationID,
		Title:             fmt.Sprintf("Follow up with %s (%d of %d)", name, step, f.Steps),
		Summary:           englishSummary(variant, wait),
		RecommendedAction: fmt.Sprintf("/app/inbox/%d/", f.ConversationID),
		DraftReply:        body, Priority: "medium", ActionType: "follow_up", Confidence: 0.7, ModelName: ModelName,
		DedupeKey: fmt.Sprintf("followup:%d:%d", f.ID, step), CreatedAt: nowMS,
		Words: words.Rec{Key: "followups.rec." + variant, TitleArgs: []any{name, step, f.Steps}, SummaryArgs: []any{wait}}.JSON()})
	if err != nil {
		return outNone, time.Time{}, err
	}
	if !created {
		return outNone, time.Time{}, nil // this step's draft waits already
	}
	if _, err := tx.ExecContext(ctx, `UPDATE followups SET step = ?, status = 'waiting', recommendation_id = ?, template = ?, next_due_at = NULL,
		updated_at = ? WHERE id = ? AND status = 'active' AND step = ?`, step, recID, tpl != "", nowMS, f.ID, f.Step); err != nil {
		return outNone, time.Time{}, fmt.Errorf("followups: proposed: %w", err)
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "followups", ActionType: "followup_proposed", Summary: fmt.Sprintf("%d/%d", step, f.Steps),
		Output: body, ModelName: ModelName, ConversationID: f.ConversationID,
		Payload: map[string]any{"followup_id": f.ID, "recommendation_id": recID, "reason": f.Reason, "step": step, "steps": f.Steps, "template": tpl}})
	return outProposed, time.Time{}, err
}

// draftText is the follow-up message in the customer's language.
func draftText(p *i18n.Printer, reason string, step int, name, business string) string {
	key := "followups.msg." + reason
	if step > 1 {
		key = "followups.msg.again"
	}
	greet := p.T("followups.msg.hello")
	if name = strings.TrimSpace(name); name != "" {
		greet = p.T("followups.msg.hello_name", name)
	}
	return greet + " " + p.T(key, business)
}

// englishSummary is the stored plain-text summary (pages word the recommendation from Words).
func englishSummary(variant string, wait int) string {
	s := map[string]string{
		"no_reply":              "The visitor left contact details and got no reply from a person for %d business hours.",
		"quote_silent":          "No answer to the quote for %d business hours.",
		"again":                 "Still no answer %d days after the last follow-up.",
		"no_reply_template":     "The visitor left contact details and got no reply from a person for %d business hours. The 24-hour window is closed: the approved template goes out.",
		"quote_silent_template": "No answer to the quote for %d business hours. The 24-hour window is closed: the approved template goes out.",
		"again_template":        "Still no answer %d days after the last follow-up. The 24-hour window is closed: the approved template goes out.",
	}[variant]
	return fmt.Sprintf(s+" Approving sends it.", wait)
}
