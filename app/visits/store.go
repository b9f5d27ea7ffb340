package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

const visitCols = `id, lead_id, coalesce(conversation_id,0), status, starts_at, duration_min, address, map_url, note, proposed_by,
	coalesce(recommendation_id,0), approved_by_name, coalesce(approved_at,0), coalesce(confirmed_message_id,0), customer_answer,
	coalesce(customer_answer_at,0), token, measured_area_dm2, surface, access_notes, outcome_notes, coalesce(quote_id,0),
	coalesce(done_at,0), coalesce(reminded_customer_at,0), coalesce(reminded_assignee_at,0), created_by_name, created_at, updated_at`

func scanVisit(sc interface{ Scan(...any) error }) (*Visit, error) {
	v := &Visit{}
	var area sql.NullInt64
	err := sc.Scan(&v.ID, &v.LeadID, &v.ConversationID, &v.Status, &v.StartsAt, &v.DurationMin, &v.Address, &v.MapURL, &v.Note,
		&v.ProposedBy, &v.RecommendationID, &v.ApprovedByName, &v.ApprovedAt, &v.ConfirmedMessageID, &v.CustomerAnswer,
		&v.CustomerAnswerAt, &v.Token, &area, &v.Surface, &v.AccessNotes, &v.OutcomeNotes, &v.QuoteID,
		&v.DoneAt, &v.RemindedCustomerAt, &v.RemindedAssigneeAt, &v.CreatedByName, &v.CreatedAt, &v.UpdatedAt)
	v.MeasuredAreaDM2, v.HasMeasuredArea = area.Int64, area.Valid
	return v, err
}

func readVisit(ctx context.Context, q Querier, where string, arg any) (*Visit, error) {
	v, err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitCols+` FROM site_visits WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("visits: read: %w", err)
	}
	if err := fill(ctx, q, []*Visit{v}); err != nil {
		return nil, err
	}
	return v, nil
}

// ByID reads one visit with its assignees and photos; tenantdb.ErrNotFound when absent.
func ByID(ctx context.Context, q Querier, id int64) (*Visit, error) {
	return readVisit(ctx, q, `id = ?`, id)
}

// ByToken reads the visit a customer's link names; tenantdb.ErrNotFound when absent.
func ByToken(ctx context.Context, q Querier, token string) (*Visit, error) {
	if token == "" {
		return nil, tenantdb.ErrNotFound
	}
	return readVisit(ctx, q, `token = ?`, token)
}

// ByRecommendation reads the visit whose date a recommendation of the approval queue is about;
// tenantdb.ErrNotFound when none is.
func ByRecommendation(ctx context.Context, q Querier, recID int64) (*Visit, error) {
	return readVisit(ctx, q, `recommendation_id = ?`, recID)
}

// ListRange lists the visits starting in [from, to), of every status, ordered by start; userID
// (0 = everyone) keeps only the visits that user is assigned to.
func ListRange(ctx context.Context, q Querier, from, to time.Time, userID int64) ([]*Visit, error) {
	where, args := `starts_at >= ? AND starts_at < ?`, []any{from.UnixMilli(), to.UnixMilli()}
	if userID != 0 {
		where += ` AND id IN (SELECT visit_id FROM site_visit_assignees WHERE user_id = ?)`
		args = append(args, userID)
	}
	return list(ctx, q, where+` ORDER BY starts_at, id`, args...)
}

// ForLead lists a lead's visits, newest start first.
func ForLead(ctx context.Context, q Querier, leadID int64) ([]*Visit, error) {
	return list(ctx, q, `lead_id = ? ORDER BY starts_at DESC, id DESC`, leadID)
}

// ForConversation lists a conversation's visits, newest start first (at most 20).
func ForConversation(ctx context.Context, q Querier, convID int64) ([]*Visit, error) {
	return list(ctx, q, `conversation_id = ? ORDER BY starts_at DESC, id DESC LIMIT 20`, convID)
}

// busy lists the open (proposed or confirmed) visits of any of users overlapping [from, to),
// except the visit skip: what slot finding keeps free.
func busy(ctx context.Context, q Querier, users []int64, from, to time.Time, skip int64) ([]*Visit, error) {
	if len(users) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(users)), ",")
	args := []any{to.UnixMilli(), from.UnixMilli(), skip}
	for _, u := range users {
		args = append(args, u)
	}
	return list(ctx, q, `status IN ('proposed','confirmed') AND starts_at < ? AND starts_at + duration_min*60000 > ? AND id <> ?
		AND id IN (SELECT visit_id FROM site_visit_assignees WHERE user_id IN (`+ph+`)) ORDER BY starts_at`, args...)
}

func list(ctx context.Context, q Querier, where string, args ...any) ([]*Visit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+visitCols+` FROM site_visits WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("visits: list: %w", err)
	}
	var out []*Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("visits: list: %w", err)
		}
		out = append(out, v)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("visits: list: %w", err)
	}
	if err := fill(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fill reads the assignees and photos of vs.
func fill(ctx context.Context, q Querier, vs []*Visit) error {
	if len(vs) == 0 {
		return nil
	}
	byID := make(map[int64]*Visit, len(vs))
	ids := make([]any, 0, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
		ids = append(ids, v.ID)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	for _, part := range []struct {
		sql string
		add func(v *Visit, id int64)
	}{
		{`SELECT visit_id, user_id FROM site_visit_assignees WHERE visit_id IN (` + ph + `) ORDER BY visit_id, user_id`,
			func(v *Visit, id int64) { v.Assignees = append(v.Assignees, id) }},
		{`SELECT visit_id, attachment_id FROM site_visit_photos WHERE visit_id IN (` + ph + `) ORDER BY visit_id, attachment_id`,
			func(v *Visit, id int64) { v.Photos = append(v.Photos, id) }},
	} {
		rows, err := q.QueryContext(ctx, part.sql, ids...)
		if err != nil {
			return fmt.Errorf("visits: fill: %w", err)
		}
		for rows.Next() {
			var vid, id int64
			if err := rows.Scan(&vid, &id); err != nil {
				rows.Close()
				return fmt.Errorf("visits: fill: %w", err)
			}
			part.add(byID[vid], id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("visits: fill: %w", err)
		}
	}
	return nil
}

// insertTx stores a new visit with its assignees; v.ID, CreatedAt and UpdatedAt are set.
func insertTx(ctx context.Context, tx *sql.Tx, v *Visit) error {
	now := tenantdb.Now()
	v.CreatedAt, v.UpdatedAt = now, now
	res, err := tx.ExecContext(ctx, `INSERT INTO site_visits(lead_id, conversation_id, status, starts_at, duration_min, address, map_url,
		note, proposed_by, token, created_by_name, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		v.LeadID, nullable(v.ConversationID), v.Status, v.StartsAt, v.DurationMin, v.Address, v.MapURL, v.Note, v.ProposedBy, v.Token,
		v.CreatedByName, now, now)
	if err != nil {
		return fmt.Errorf("visits: insert: %w", err)
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("visits: insert: %w", err)
	}
	return setAssigneesTx(ctx, tx, v.ID, v.Assignees)
}

// setAssigneesTx replaces who goes to a visit.
func setAssigneesTx(ctx context.Context, tx *sql.Tx, id int64, users []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM site_visit_assignees WHERE visit_id = ?`, id); err != nil {
		return fmt.Errorf("visits: assignees: %w", err)
	}
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO site_visit_assignees(visit_id, user_id) VALUES(?,?)`, id, u); err != nil {
			return fmt.Errorf("visits: assignees: %w", err)
		}
	}
	return nil
}

func nullable(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}
