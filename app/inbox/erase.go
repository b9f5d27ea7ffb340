package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"highvibe/app/erasure"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// SubjectOf reads who lead leadID is for an erasure or a data export: their name, phones and
// e-mail as the lead and its linked customer store them, and their conversations. The customer's
// own fields are the CRM's; the lead records which customer it is.
func SubjectOf(ctx context.Context, q Querier, leadID int64) (*erasure.Subject, error) {
	s := &erasure.Subject{LeadID: leadID}
	var name, phone, e164, email string
	err := q.QueryRowContext(ctx, `SELECT name, phone, phone_e164, email, coalesce(customer_id,0) FROM leads WHERE id = ?`, leadID).
		Scan(&name, &phone, &e164, &email, &s.CustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: subject: %w", err)
	}
	s.Names, s.Phones, s.Emails = nonEmpty(name), nonEmpty(phone, e164), nonEmpty(email)
	rows, err := q.QueryContext(ctx, `SELECT id, external_id FROM conversations WHERE lead_id = ? ORDER BY id`, leadID)
	if err != nil {
		return nil, fmt.Errorf("inbox: subject: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var ext string
		if err := rows.Scan(&id, &ext); err != nil {
			return nil, fmt.Errorf("inbox: subject: %w", err)
		}
		s.ConversationIDs = append(s.ConversationIDs, id)
		// The conversation's address on its channel identifies the person too: an e-mail address,
		// or digits (WhatsApp's wa_id is the phone number; a Telegram chat id is erased the same
		// way, which costs nothing). Read by its shape, so a new channel needs no case here.
		switch {
		case strings.Contains(ext, "@"):
			s.Emails = append(s.Emails, ext)
		case ext != "" && strings.Trim(ext, "0123456789") == "":
			s.Phones = append(s.Phones, ext)
		}
	}
	return s, rows.Err()
}

// cancelScheduledTx cancels the replies of conversation convID scheduled for later and not yet
// sent, before the erasure empties them (their job's id is in the annotations it empties): a
// reply "send later" to a person erased meanwhile would go out at its time, empty, to them.
func cancelScheduledTx(ctx context.Context, tx *sql.Tx, convID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, annotations FROM messages WHERE conversation_id = ? AND scheduled_at IS NOT NULL
		AND delivery_status = 'queued'`, convID)
	if err != nil {
		return fmt.Errorf("inbox: erase scheduled: %w", err)
	}
	var waiting []*Message
	for rows.Next() {
		m := &Message{}
		if err := rows.Scan(&m.ID, &m.Annotations); err != nil {
			rows.Close()
			return fmt.Errorf("inbox: erase scheduled: %w", err)
		}
		waiting = append(waiting, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inbox: erase scheduled: %w", err)
	}
	for _, m := range waiting {
		ok, err := jobs.Cancel(ctx, tx, m.Notes().JobID)
		if err != nil {
			return err
		}
		if !ok {
			continue // already released to delivery: not a scheduled reply any more
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_status = 'failed', delivery_error = 'cancelled' WHERE id = ?`, m.ID); err != nil {
			return fmt.Errorf("inbox: erase scheduled: %w", err)
		}
	}
	return nil
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// EraseLeadTx erases the person from the inbox's tables, in the erasure's transaction (after the
// other rooms, since the search documents fold in the linked customer): the lead keeps its stage,
// source, dates and consent record but loses name, phone, e-mail and outside id; each
// conversation keeps its state, scores, times and counts but loses its outside id, summary and next
// action; every message keeps its place, direction and time, its text and notes emptied. The
// search documents are rebuilt from what is left with FTS5's secure delete (the old words leave the
// index's pages, not only its lookups), and dictionary words no other conversation has are
// dropped. It returns how many messages were emptied.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	if _, err := tx.ExecContext(ctx, `UPDATE leads SET name = '', phone = '', phone_e164 = '', email = '', external_id = NULL,
		lost_reason = kvkk_scrub(lost_reason, ?) WHERE id = ?`, spec, s.LeadID); err != nil {
		return 0, fmt.Errorf("inbox: erase lead: %w", err)
	}
	var msgs int64
	for _, id := range s.ConversationIDs {
		if err := cancelScheduledTx(ctx, tx, id); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET external_id = '', summary = '', next_action = '', review_summary = '',
			handoff_reason = kvkk_scrub(handoff_reason, ?), score_reasons = kvkk_scrub(score_reasons, ?) WHERE id = ?`, spec, spec, id); err != nil {
			return 0, fmt.Errorf("inbox: erase conversation: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE messages SET body = '', annotations = '', provider_message_id = NULL,
			delivery_error = kvkk_scrub(delivery_error, ?) WHERE conversation_id = ?`, spec, id)
		if err != nil {
			return 0, fmt.Errorf("inbox: erase messages: %w", err)
		}
		n, _ := res.RowsAffected()
		msgs += n
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_pending WHERE conversation_id = ?`, id); err != nil {
			return 0, fmt.Errorf("inbox: erase search: %w", err)
		}
	}
	// Other conversations may quote the person (a colleague who wrote about them, an internal note).
	// After a pre-read (PrereadLead) only the messages it found and those written since are
	// tested: a body never changes, and what is added to a message's annotations later names
	// nobody else (a reaction is from the conversation's own customer, whose conversations are
	// emptied above; a template's name; the team member who sent it).
	mentions, args := `TRUE`, []any{spec}
	if v := s.Seen("messages"); v != nil {
		mentions = `id IN (SELECT value FROM json_each(?2) UNION ALL SELECT id FROM messages WHERE id > ?3)`
		args = append(args, v.IDsJSON(), v.Below)
	}
	quoting, err := tenantdb.IDs(ctx, tx, `UPDATE messages SET body = kvkk_scrub(body, ?1), annotations = kvkk_scrub(annotations, ?1)
		WHERE `+mentions+` AND (kvkk_has(body, ?1) OR kvkk_has(annotations, ?1)) RETURNING conversation_id`, args...)
	if err != nil {
		return 0, fmt.Errorf("inbox: erase mentions: %w", err)
	}
	// What the assistant wrote about another conversation (its summary, next step, the reasons of
	// its score, why it handed over) may name the person too.
	more, err := tenantdb.IDs(ctx, tx, `UPDATE conversations SET next_action = kvkk_scrub(next_action, ?1), summary = kvkk_scrub(summary, ?1),
		score_reasons = kvkk_scrub(score_reasons, ?1), handoff_reason = kvkk_scrub(handoff_reason, ?1), review_summary = kvkk_scrub(review_summary, ?1)
		WHERE kvkk_has(next_action || ' ' || summary || ' ' || score_reasons || ' ' || handoff_reason || ' ' || review_summary, ?1) RETURNING id`, spec)
	if err != nil {
		return 0, fmt.Errorf("inbox: erase mentions: %w", err)
	}
	// The search documents of the person's conversations, and of every conversation that quoted
	// them, are rebuilt from what is left.
	rebuild := append(append(append([]int64(nil), s.ConversationIDs...), quoting...), more...)
	slices.Sort(rebuild)
	rebuild = slices.Compact(rebuild)
	if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_search(conversation_search, rank) VALUES('secure-delete', 1)`); err != nil {
		return 0, fmt.Errorf("inbox: erase search: %w", err)
	}
	for _, id := range rebuild {
		if err := reindex(ctx, tx, id); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_search(conversation_search, rank) VALUES('secure-delete', 0)`); err != nil {
		return 0, fmt.Errorf("inbox: erase search: %w", err)
	}
	// The documents replaced before today (every new message replaced its conversation's) left
	// their old words in older segments, only marked deleted: merging every segment into one
	// drops them. It rewrites the whole index (seconds on a big inbox), once per erasure.
	if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_search(conversation_search) VALUES('optimize')`); err != nil {
		return 0, fmt.Errorf("inbox: erase search: %w", err)
	}
	// The dictionary of words for prefix search: the person's words that no document holds any more.
	var words []string
	for _, v := range append(append(append([]string(nil), s.Names...), s.Emails...), s.Phones...) {
		words = append(words, searchWords(Fold(v))...)
	}
	for _, v := range s.Phones {
		words = append(words, phoneTerms(v)...)
	}
	for _, w := range words {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM conversation_search WHERE conversation_search MATCH ? LIMIT 1`, `"`+w+`"`).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM search_terms WHERE term = ?`, w); err != nil {
				return 0, fmt.Errorf("inbox: erase search terms: %w", err)
			}
		} else if err != nil {
			return 0, fmt.Errorf("inbox: erase search terms: %w", err)
		}
	}
	return msgs, nil
}

// PrereadLead finds, on a read connection before the erasure's transaction, the messages whose
// text names the person (erasure.Seen), so the transaction does not test every message of the
// inbox while it holds the tenant's writer.
func PrereadLead(ctx context.Context, q erasure.Reader, s *erasure.Subject) error {
	v := &erasure.Seen{}
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages`).Scan(&v.Below); err != nil {
		return fmt.Errorf("inbox: erase mentions: %w", err)
	}
	ids, err := tenantdb.IDs(ctx, q, `SELECT id FROM messages WHERE id <= ?2 AND (kvkk_has(body, ?1) OR kvkk_has(annotations, ?1))`, s.Spec(), v.Below)
	if err != nil {
		return fmt.Errorf("inbox: erase mentions: %w", err)
	}
	v.IDs = ids
	s.SetSeen("messages", v)
	return nil
}

// LeadFamily is lead leadID and every lead merged into it (inbox.MergeLeads keeps the merged
// lead's row, pointing at the one it went into): the records of one person, which an erasure
// must cover whole.
func LeadFamily(ctx context.Context, q Querier, leadID int64) ([]int64, error) {
	merged, err := tenantdb.IDs(ctx, q, `SELECT id FROM leads WHERE merged_into = ? ORDER BY id`, leadID)
	if err != nil {
		return nil, fmt.Errorf("inbox: lead family: %w", err)
	}
	return append([]int64{leadID}, merged...), nil
}

// PersonLeads is the family of the lead that lead leadID stands under: LeadFamily of the lead
// itself, or of the lead it was merged into (the kept lead first). A lead not found is a family
// of its own.
func PersonLeads(ctx context.Context, q Querier, leadID int64) ([]int64, error) {
	root := leadID
	err := q.QueryRowContext(ctx, `SELECT coalesce(merged_into, id) FROM leads WHERE id = ?`, leadID).Scan(&root)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("inbox: person of lead %d: %w", leadID, err)
	}
	return LeadFamily(ctx, q, root)
}
