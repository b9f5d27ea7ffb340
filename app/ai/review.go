package ai

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// HandleReview is the ai_review job handler: about ReviewDelay after the last message it writes a
// short summary and a 0–100 quality score of the replies.
func (a *Assistant) HandleReview(ctx context.Context, j *jobs.Job) error {
	var p struct {
		ConversationID int64 `json:"conversation_id"`
	}
	if err := j.Decode(&p); err != nil || p.ConversationID == 0 {
		return jobs.Permanent(fmt.Errorf("ai: bad review payload: %v", err))
	}
	err := Review(ctx, j.DB, p.ConversationID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return jobs.Permanent(err)
	}
	return err
}

// ReviewScore is the explainable review of a conversation's replies.
type ReviewScore struct {
	Quality int
	Summary string
	Signals []string
}

var politeWords = []string{"teşekkür", "lütfen", "merhaba", "rica", "memnuniyet", "thank", "please", "hello", "glad", "happy to"}
var rudeWords = []string{"saçma", "aptal", "sus", "stupid", "shut up", "whatever"}

// ScoreReview rates replies by response time (40), questions answered (30) and tone (30).
func ScoreReview(msgs []*inbox.Message) ReviewScore {
	var in, out, questions, answered int
	var firstIn, firstReply int64
	pendingQ := false
	polite, rude := 0, 0
	for _, m := range msgs {
		switch m.Direction {
		case "inbound":
			in++
			if firstIn == 0 {
				firstIn = m.CreatedAt
			}
			if strings.Contains(m.Body, "?") {
				questions++
				pendingQ = true
			}
		case "outbound":
			out++
			if firstIn != 0 && firstReply == 0 {
				firstReply = m.CreatedAt
			}
			if pendingQ {
				answered++
				pendingQ = false
			}
			s := lowerTR(m.Body)
			if anyStem(s, politeWords) != "" {
				polite++
			}
			if anyStem(s, rudeWords) != "" {
				rude++
			}
		}
	}
	var sig []string
	q := 0
	switch d := time.Duration(firstReply-firstIn) * time.Millisecond; {
	case firstReply == 0:
		sig = append(sig, "no reply yet")
	case d <= 5*time.Minute:
		q += 40
		sig = append(sig, "first reply within 5 min")
	case d <= time.Hour:
		q += 25
		sig = append(sig, "first reply within 1 h")
	case d <= 24*time.Hour:
		q += 10
		sig = append(sig, "first reply within 24 h")
	default:
		sig = append(sig, "first reply after more than a day")
	}
	if questions == 0 {
		q += 30
	} else {
		q += 30 * answered / questions
		sig = append(sig, fmt.Sprintf("%d/%d questions answered", answered, questions))
	}
	switch {
	case rude > 0:
		sig = append(sig, "rude wording")
	case out > 0 && polite*2 >= out:
		q += 30
		sig = append(sig, "polite tone")
	case out > 0:
		q += 15
		sig = append(sig, "neutral tone")
	}
	return ReviewScore{Quality: clamp(q), Signals: sig,
		Summary: fmt.Sprintf("%d inbound, %d outbound; %s.", in, out, strings.Join(sig, "; "))}
}

// Review computes and stores the review of one conversation (with an ai_review action log).
func Review(ctx context.Context, db *tenantdb.DB, convID int64) error {
	conv, err := inbox.ConversationByID(ctx, db.Read, convID)
	if err != nil {
		return err
	}
	msgs, _, err := inbox.Latest(ctx, db.Read, convID, 0, 500)
	if err != nil {
		return err
	}
	rs := ScoreReview(msgs)
	summary := rs.Summary
	if conv.Summary != "" {
		summary = conv.Summary + " — " + summary
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if err := inbox.SetReview(ctx, tx, convID, summary, rs.Quality); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "ai_triage", ActionType: "ai_review", Summary: fmt.Sprintf("quality %d: %s", rs.Quality, summary),
			ModelName: BuiltinModel, ConversationID: convID, Payload: map[string]any{"quality": rs.Quality, "signals": rs.Signals}})
		return err
	})
}
