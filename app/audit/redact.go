package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"

	"highvibe/app/erasure"
	"highvibe/app/tenantdb"
)

// ErasureAction is the action type of the row an erasure writes (provider "kvkk"): its payload's
// "redacted" lists the rows it masked, which is what lets `audit verify` accept their changed
// content.
const ErasureAction = "person_erased"

// redactedList reads the "redacted" ids of an erasure row's payload.
func redactedList(payload string) []int64 {
	var p struct {
		Redacted []int64 `json:"redacted"`
	}
	_ = json.Unmarshal([]byte(payload), &p)
	return p.Redacted
}

// RedactionCandidatesTx lists the action-log rows that hold the person: every row of their
// conversations and every row whose words name them. The erasure lists them in its own row
// (ErasureAction) and then masks them with RedactTx.
// With a pre-read (PrereadRedaction) it tests only the rows the pre-read found and the rows
// written since: the log is append-only, and a mask only takes words away.
func RedactionCandidatesTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) ([]int64, error) {
	where, args := `TRUE`, []any{s.Conversations(), s.Spec()}
	if v := s.Seen("action_logs"); v != nil {
		where, args = `id IN (SELECT value FROM json_each(?3) UNION ALL SELECT id FROM action_logs WHERE id > ?4)`, append(args, v.IDsJSON(), v.Below)
	}
	out, err := tenantdb.IDs(ctx, tx, `SELECT id FROM action_logs WHERE `+where+` AND (redacted_by IS NULL AND conversation_id IN (SELECT value FROM json_each(?1))
		OR kvkk_has(decision_summary || ' ' || input_excerpt || ' ' || output_excerpt || ' ' || payload, ?2)) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: redaction candidates: %w", err)
	}
	return out, nil
}

// PrereadRedaction finds the person's action-log rows on a read connection before the erasure's
// transaction (erasure.Seen), so the transaction does not test every row of the log while it
// holds the tenant's writer.
func PrereadRedaction(ctx context.Context, q erasure.Reader, s *erasure.Subject) error {
	v := &erasure.Seen{}
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM action_logs`).Scan(&v.Below); err != nil {
		return fmt.Errorf("audit: redaction candidates: %w", err)
	}
	ids, err := tenantdb.IDs(ctx, q, `SELECT id FROM action_logs WHERE id <= ?3 AND (redacted_by IS NULL AND conversation_id IN (SELECT value FROM json_each(?1))
		OR kvkk_has(decision_summary || ' ' || input_excerpt || ' ' || output_excerpt || ' ' || payload, ?2))`, s.Conversations(), s.Spec(), v.Below)
	if err != nil {
		return fmt.Errorf("audit: redaction candidates: %w", err)
	}
	v.IDs = ids
	s.SetSeen("action_logs", v)
	return nil
}

// code is a stored value that is a code, not somebody's words (a state, a channel, a kind).
var code = regexp.MustCompile(`^[a-z0-9_.:\-]{0,40}$`)

// RedactTx masks the person in rows ids on behalf of erasure row by (written before, in the same
// transaction): in rows of their conversations the input and output excerpts (their messages and
// the replies to them) are emptied and every free text of the payload replaced, codes, numbers
// and ids kept; in any row, their name, phone and e-mail are masked. Who did what, when, and the
// hash chain stay.
func RedactTx(ctx context.Context, tx *sql.Tx, by int64, ids []int64, s *erasure.Subject) error {
	convs := map[int64]bool{}
	for _, id := range s.ConversationIDs {
		convs[id] = true
	}
	for _, id := range ids {
		var summary, in, out, payload string
		var conv int64
		if err := tx.QueryRowContext(ctx, `SELECT decision_summary, input_excerpt, output_excerpt, payload, COALESCE(conversation_id, 0)
			FROM action_logs WHERE id = ?`, id).Scan(&summary, &in, &out, &payload, &conv); err != nil {
			return fmt.Errorf("audit: redact %d: %w", id, err)
		}
		own := convs[conv]
		scrub := s.Scrub
		if own {
			scrub = s.ScrubOwn
		}
		summary = scrub(summary)
		if own {
			in, out = "", ""
		} else {
			in, out = scrub(in), scrub(out)
		}
		var v any
		if json.Unmarshal([]byte(payload), &v) == nil {
			v = redactValue(v, s, own)
			if b, err := json.Marshal(v); err == nil {
				payload = string(b)
			}
		} else {
			payload = s.Scrub(payload)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE action_logs SET decision_summary = ?, input_excerpt = ?, output_excerpt = ?, payload = ?,
			redacted_by = ? WHERE id = ?`, summary, in, out, payload, by, id); err != nil {
			return fmt.Errorf("audit: redact %d: %w", id, err)
		}
	}
	return nil
}

func redactValue(v any, s *erasure.Subject, own bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = redactValue(e, s, own)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = redactValue(e, s, own)
		}
		return x
	case string:
		if own {
			if !code.MatchString(x) {
				return erasure.Mask
			}
			return s.ScrubOwn(x)
		}
		return s.Scrub(x)
	}
	return v
}

// ErasedLeads lists the leads named by the erasure rows of the log (the lead each erasure was asked
// for; the erasure emptied that lead's whole family, the lead it was merged into and the leads
// merged into it). Read models leave these people out of what measures the team's records.
func ErasedLeads(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]int64, error) {
	ids, err := tenantdb.IDs(ctx, q, `SELECT DISTINCT json_extract(payload, '$.lead_id') FROM action_logs
		WHERE provider = 'kvkk' AND action_type = ? AND json_extract(payload, '$.lead_id') IS NOT NULL`, ErasureAction)
	if err != nil {
		return nil, fmt.Errorf("audit: erased leads: %w", err)
	}
	return ids, nil
}
