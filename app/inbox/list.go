package inbox

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// States are the conversation states of SPEC §4, in pipeline order.
var States = []string{"new", "contacted", "engaged", "qualified", "offer", "negotiation", "won", "lost"}

// AIModes are the assistant modes a conversation can be in.
var AIModes = []string{"active", "paused", "manual"}

// PageSize is how many conversations one inbox page shows.
const PageSize = 50

// Filter is the parsed inbox query (SPEC §5); zero values mean "any".
type Filter struct {
	Q          string
	State      string // one of States, or "open"
	Channel    string
	Handoff    bool
	AssignedMe bool
	Unassigned bool
	AssignedTo int64
	Tag        string
	Unread     bool
	Sort       string // newest (default) urgency waiting
	Cursor     string
	UserID     int64 // who "me" is
	Limit      int
}

// Row is one conversation line of the inbox list.
type Row struct {
	*Conversation
	LeadName, LeadPhone, LeadEmail string
}

// cursorKey is the keyset position after the last row of a page.
type cursorKey struct{ a, b, id int64 }

func encodeCursor(sort string, k cursorKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d:%d:%d", sort, k.a, k.b, k.id)))
}

// decodeCursor reads an opaque cursor; ok=false when it is not one of ours or for another sort.
func decodeCursor(sort, s string) (cursorKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursorKey{}, false
	}
	p := strings.Split(string(b), ":")
	if len(p) != 4 || p[0] != sort {
		return cursorKey{}, false
	}
	var k cursorKey
	var errs [3]error
	k.a, errs[0] = strconv.ParseInt(p[1], 10, 64)
	k.b, errs[1] = strconv.ParseInt(p[2], 10, 64)
	k.id, errs[2] = strconv.ParseInt(p[3], 10, 64)
	for _, e := range errs {
		if e != nil {
			return cursorKey{}, false
		}
	}
	return k, true
}

// ValidCursor reports whether s is a cursor List accepts for the sort.
func ValidCursor(sort, s string) bool {
	if sort == "" {
		sort = "newest"
	}
	_, ok := decodeCursor(sort, s)
	return ok
}

const maxWait = int64(1<<63 - 1)

// broadMatch is how many matching conversations a search or tag filter may have before the list
// stops fetching every match and sorting them, and instead walks the sort order's index checking
// each row. Below it the matches are few and sorting them is cheap; above it a page fills after
// scanning about PageSize·total/matches rows, so both ways stay within a few thousand row visits.
var broadMatch = 2000

// List returns one page of conversations and the cursor of the next page ("" at the end).
func List(ctx context.Context, q Querier, f Filter) ([]*Row, string, error) {
	if f.Sort == "" {
		f.Sort = "newest"
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = PageSize
	}
	sqlq, args, err := listQuery(ctx, q, f)
	if err != nil {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, "", fmt.Errorf("inbox: listing conversations: %w", err)
	}
	defer rows.Close()
	var out []*Row
	for rows.Next() {
		r := &Row{Conversation: &Conversation{}}
		var u, qs, s, rq sql.NullInt64
		c := r.Conversation
		if err := rows.Scan(&c.ID, &c.LeadID, &c.CustomerID, &c.Channel, &c.ExternalID, &c.State, &u, &qs, &s, &c.ScoreReasons,
			&c.Language, &c.HandoffRequired, &c.HandoffReason, &c.Summary, &c.NextAction, &c.NextActionDueAt,
			&c.AssignedUserID, &c.AIMode, &c.UnreadCount, &c.LastMessageAt, &c.LastInboundAt, &c.WaitingSince,
			&c.ReviewSummary, &rq, &c.ReviewedAt, &c.CreatedAt, &c.UpdatedAt, &r.LeadName, &r.LeadPhone, &r.LeadEmail); err != nil {
			return nil, "", fmt.Errorf("inbox: listing conversations: %w", err)
		}
		c.Urgency, c.Qualification, c.Sentiment, c.ReviewQuality = intPtr(u), intPtr(qs), intPtr(s), intPtr(rq)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("inbox: listing conversations: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1].Conversation
		switch f.Sort {
		case "urgency":
			u := int64(-1)
			if last.Urgency != nil {
				u = int64(*last.Urgency)
			}
			next = encodeCursor(f.Sort, cursorKey{u, last.LastMessageAt, last.ID})
		case "waiting":
			w := last.WaitingSince
			if w == 0 {
				w = maxWait
			}
			next = encodeCursor(f.Sort, cursorKey{w, 0, last.ID})
		default:
			next = encodeCursor(f.Sort, cursorKey{last.LastMessageAt, 0, last.ID})
		}
	}
	return out, next, nil
}

// listQuery builds the SQL of one inbox page for f (Sort and Limit already defaulted). Every
// filter and sort is written so that an index of 00010/00011 yields rows in page order.
func listQuery(ctx context.Context, q Querier, f Filter) (string, []any, error) {
	var where []string
	var args []any
	if m := matchQuery(f.Q); m != "" {
		n, err := capCount(ctx, q, `SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?`, m)
		if err != nil {
			return "", nil, fmt.Errorf("inbox: searching conversations: %w", err)
		}
		if n <= broadMatch {
			where = append(where, `c.id IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)`)
		} else {
			where = append(where, `+c.id IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)`)
		}
		args = append(args, m)
	}
	switch f.State {
	case "":
	case "open":
		where = append(where, `c.state NOT IN ('won','lost')`)
	default:
		where, args = append(where, `c.state = ?`), append(args, f.State)
	}
	if f.Channel != "" {
		where, args = append(where, `c.channel = ?`), append(args, f.Channel)
	}
	if f.Handoff {
		where = append(where, `c.handoff_required = 1`)
	}
	switch {
	case f.AssignedMe:
		where, args = append(where, `c.assigned_user_id = ?`), append(args, f.UserID)
	case f.Unassigned:
		where = append(where, `c.assigned_user_id IS NULL`)
	case f.AssignedTo > 0:
		where, args = append(where, `c.assigned_user_id = ?`), append(args, f.AssignedTo)
	}
	if f.Tag != "" {
		n, err := capCount(ctx, q, `SELECT ct.conversation_id FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = ?`, f.Tag)
		if err != nil {
			return "", nil, fmt.Errorf("inbox: filtering by tag: %w", err)
		}
		if n <= broadMatch {
			where = append(where, `c.id IN (SELECT ct.conversation_id FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = ?)`)
		} else {
			where = append(where, `EXISTS (SELECT 1 FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id AND t.name = ?)`)
		}
		args = append(args, f.Tag)
	}
	if f.Unread {
		where = append(where, `c.unread_count > 0`)
	}
	var order string
	switch f.Sort {
	case "urgency":
		order = `coalesce(c.urgency_score, -1) DESC, c.last_message_at DESC, c.id DESC`
		if k, ok := decodeCursor(f.Sort, f.Cursor); ok && f.Cursor != "" {
			// The first, plain bound lets SQLite seek the index; the row value then keeps ties exact.
			where = append(where, `coalesce(c.urgency_score, -1) <= ?`, `(coalesce(c.urgency_score, -1), c.last_message_at, c.id) < (?, ?, ?)`)
			args = append(args, k.a, k.a, k.b, k.id)
		}
	case "waiting":
		order = `coalesce(c.waiting_since, 9223372036854775807), c.id`
		if k, ok := decodeCursor(f.Sort, f.Cursor); ok && f.Cursor != "" {
			where = append(where, `coalesce(c.waiting_since, 9223372036854775807) >= ?`, `(coalesce(c.waiting_since, 9223372036854775807), c.id) > (?, ?)`)
			args = append(args, k.a, k.a, k.id)
		}
	default:
		order = `c.last_message_at DESC, c.id DESC`
		if k, ok := decodeCursor(f.Sort, f.Cursor); ok && f.Cursor != "" {
			where, args = append(where, `(c.last_message_at, c.id) < (?, ?)`), append(args, k.a, k.id)
		}
	}
	sqlq := `SELECT ` + convCols + `, l.name, l.phone, l.email FROM conversations c JOIN leads l ON l.id = c.lead_id`
	if len(where) > 0 {
		sqlq += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlq += ` ORDER BY ` + order + ` LIMIT ?`
	args = append(args, f.Limit+1)
	return sqlq, args, nil
}

// capCount counts the rows of sub, stopping just past broadMatch.
func capCount(ctx context.Context, q Querier, sub string, args ...any) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+sub+` LIMIT `+strconv.Itoa(broadMatch+1)+`)`, args...).Scan(&n)
	return n, err
}

// Counters are the numbers above the inbox list.
type Counters struct{ Open, Handoff, Inbound7d int }

// Count reads the inbox counters.
func Count(ctx context.Context, q Querier, now time.Time) (Counters, error) {
	var c Counters
	// Open is all conversations minus the closed ones: a bare count(*) is answered from the b-tree's
	// page counts, and the closed states are two seeks into conversations_state_last, where a
	// NOT IN filter would have to visit every row.
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM conversations) - (SELECT count(*) FROM conversations WHERE state IN ('won','lost')),
		(SELECT count(*) FROM conversations WHERE handoff_required = 1),
		(SELECT count(*) FROM messages WHERE direction = 'inbound' AND created_at >= ?)`,
		now.Add(-7*24*time.Hour).UnixMilli()).Scan(&c.Open, &c.Handoff, &c.Inbound7d)
	if err != nil {
		return c, fmt.Errorf("inbox: counting: %w", err)
	}
	return c, nil
}

// Recent is one line of the "latest messages" sidebar.
type Recent struct {
	MessageID, ConversationID int64
	Direction, Body, LeadName string
	Channel                   string
	CreatedAt                 int64
}

// RecentMessages lists the newest n messages across conversations.
func RecentMessages(ctx context.Context, q Querier, n int) ([]Recent, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.conversation_id, m.direction, substr(m.body, 1, 160), l.name, m.channel, m.created_at
		FROM (SELECT * FROM messages ORDER BY created_at DESC LIMIT ?) m JOIN conversations c ON c.id = m.conversation_id JOIN leads l ON l.id = c.lead_id
		ORDER BY m.created_at DESC, m.id DESC`, n)
	if err != nil {
		return nil, fmt.Errorf("inbox: recent messages: %w", err)
	}
	defer rows.Close()
	var out []Recent
	for rows.Next() {
		var r Recent
		if err := rows.Scan(&r.MessageID, &r.ConversationID, &r.Direction, &r.Body, &r.LeadName, &r.Channel, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("inbox: recent messages: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
