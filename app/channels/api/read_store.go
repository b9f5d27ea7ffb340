package api

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// The read side is a JSON projection of the inbox and approvals tables for outside systems; it
// only reads, and every write goes through the owning room's functions.

type convFilter struct {
	State, Channel, Q string
	Handoff           bool
	Limit             int
	Cursor            int64
}

func msTime(ms int64) any {
	if ms == 0 {
		return nil
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

func nullMs(n sql.NullInt64) any {
	if !n.Valid {
		return nil
	}
	return msTime(n.Int64)
}

func nullInt(n sql.NullInt64) any {
	if !n.Valid {
		return nil
	}
	return n.Int64
}

func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("{}")
	}
	return json.RawMessage(s)
}

const convSelect = `SELECT c.id, c.channel, c.state, c.lead_id, l.name, l.phone, c.handoff_required, c.urgency_score, c.qualification_score,
	c.sentiment_score, c.next_action, c.ai_mode, c.last_message_at, c.created_at FROM conversations c JOIN leads l ON l.id = c.lead_id`

func scanConv(sc interface{ Scan(...any) error }) (map[string]any, int64, error) {
	var id, leadID, last, created int64
	var channel, state, name, phone, next, mode string
	var handoff bool
	var u, q, s sql.NullInt64
	if err := sc.Scan(&id, &channel, &state, &leadID, &name, &phone, &handoff, &u, &q, &s, &next, &mode, &last, &created); err != nil {
		return nil, 0, err
	}
	return map[string]any{"id": id, "channel": channel, "state": state, "lead_id": leadID, "lead_name": name, "lead_phone": phone,
		"handoff_required": handoff, "urgency_score": nullInt(u), "qualification_score": nullInt(q), "sentiment_score": nullInt(s),
		"next_action": next, "ai_mode": mode, "last_message_at": msTime(last), "created_at": msTime(created)}, id, nil
}

func listConversations(ctx context.Context, db *tenantdb.DB, f convFilter) ([]map[string]any, int64, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "c.state = ?"), append(args, f.State)
	}
	if f.Channel != "" {
		where, args = append(where, "c.channel = ?"), append(args, f.Channel)
	}
	if f.Handoff {
		where = append(where, "c.handoff_required = 1")
	}
	if f.Cursor > 0 {
		where, args = append(where, "c.id < ?"), append(args, f.Cursor)
	}
	if f.Q != "" {
		// The same search as the inbox: an outside CRM finds what an operator would.
		cond, cargs, none, err := inbox.SearchCondition(ctx, db.Read, "c.id", f.Q)
		if err != nil {
			return nil, 0, err
		}
		if none {
			where = append(where, "0")
		} else if cond != "" {
			where, args = append(where, cond), append(args, cargs...)
		}
	}
	q := convSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY c.id DESC LIMIT ?"
	args = append(args, f.Limit+1)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("api: list conversations: %w", err)
	}
	defer rows.Close()
	out := []map[string]any{}
	var next, lastID int64
	for rows.Next() {
		m, id, err := scanConv(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("api: list conversations: %w", err)
		}
		if len(out) == f.Limit {
			next = lastID
			break
		}
		out = append(out, m)
		lastID = id
	}
	return out, next, rows.Err()
}

func conversationDetail(ctx context.Context, db *tenantdb.DB, id int64) (map[string]any, error) {
	m, _, err := scanConv(db.Read.QueryRowContext(ctx, convSelect+" WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("api: conversation: %w", err)
	}
	msgs, err := inbox.Messages(ctx, db.Read, id, 0, 5000)
	if err != nil {
		return nil, err
	}
	ml := make([]map[string]any, 0, len(msgs))
	for _, x := range msgs {
		var pm, ds any
		if x.ProviderMessageID != "" {
			pm = x.ProviderMessageID
		}
		if x.DeliveryStatus != "" {
			ds = x.DeliveryStatus
		}
		ml = append(ml, map[string]any{"id": x.ID, "direction": x.Direction, "author": x.AuthorKind, "text": x.Body,
			"provider_message_id": pm, "delivery_status": ds, "created_at": msTime(x.CreatedAt)})
	}
	m["messages"] = ml
	recs, err := listRecommendations(ctx, db, "conversation_id", id, 100)
	if err != nil {
		return nil, err
	}
	m["recommendations"] = recs
	return m, nil
}

func listLeads(ctx context.Context, db *tenantdb.DB, limit int, cursor int64) ([]map[string]any, int64, error) {
	q := `SELECT id, coalesce(external_id,''), name, phone, email, stage, source, lost_reason, consent_version, consent_at, utm_source, utm_medium, utm_campaign,
		coalesce(customer_id,0), created_at, updated_at FROM leads`
	args := []any{}
	if cursor > 0 {
		q += ` WHERE id < ?`
		args = append(args, cursor)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("api: list leads: %w", err)
	}
	defer rows.Close()
	out := []map[string]any{}
	var next, lastID int64
	for rows.Next() {
		var id, cust, created, updated int64
		var ext, name, phone, email, stage, source, lost, cv, us, um, uc string
		var ca sql.NullInt64
		if err := rows.Scan(&id, &ext, &name, &phone, &email, &stage, &source, &lost, &cv, &ca, &us, &um, &uc, &cust, &created, &updated); err != nil {
			return nil, 0, fmt.Errorf("api: list leads: %w", err)
		}
		if len(out) == limit {
			next = lastID
			break
		}
		var c any
		if cust > 0 {
			c = cust
		}
		out = append(out, map[string]any{"id": id, "external_id": ext, "name": name, "phone": phone, "email": email, "stage": stage, "source": source, "lost_reason": lost,
			"consent_version": cv, "consent_at": nullMs(ca), "utm_source": us, "utm_medium": um, "utm_campaign": uc, "customer_id": c,
			"created_at": msTime(created), "updated_at": msTime(updated)})
		lastID = id
	}
	return out, next, rows.Err()
}

func listRecommendations(ctx context.Context, db *tenantdb.DB, col string, val any, limit int) ([]map[string]any, error) {
	q := `SELECT id, conversation_id, lead_id, title, summary, recommended_action, priority, confidence, action_type, status,
		decided_by_name, decided_at FROM decision_recommendations`
	args := []any{}
	if s, ok := val.(string); !ok || s != "" {
		q += ` WHERE ` + col + ` = ?` // col is one of two constants chosen by this package
		args = append(args, val)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("api: recommendations: %w", err)
	}
	defer rows.Close()
	out := []map[string]any{}
	for rows.Next() {
		var id int64
		var conv, lead, dat sql.NullInt64
		var title, summary, action, prio, atype, status, by string
		var conf float64
		if err := rows.Scan(&id, &conv, &lead, &title, &summary, &action, &prio, &conf, &atype, &status, &by, &dat); err != nil {
			return nil, fmt.Errorf("api: recommendations: %w", err)
		}
		var decidedBy any
		if by != "" {
			decidedBy = by
		}
		out = append(out, map[string]any{"id": id, "conversation_id": nullInt(conv), "lead_id": nullInt(lead), "title": title, "summary": summary,
			"recommended_action": action, "priority": prio, "confidence": conf, "action_type": atype, "status": status,
			"decided_by": decidedBy, "decided_at": nullMs(dat)})
	}
	return out, rows.Err()
}
