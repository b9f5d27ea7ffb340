package inbox

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// States are the conversation states, in pipeline order (guide: 07-states-and-scores.md).
var States = []string{"new", "contacted", "engaged", "qualified", "offer", "negotiation", "won", "lost"}

// AIModes are the assistant modes a conversation can be in.
var AIModes = []string{"active", "paused", "manual"}

// PageSize is how many conversations one inbox page shows.
const PageSize = 50

// Filter is the parsed inbox query (guide: 06-inbox.md); zero values mean "any".
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
	MentionsMe bool   // conversations whose internal notes mention UserID
	Sort       string // newest (default) urgency waiting
	Cursor     string
	UserID     int64 // who "me" is
	Limit      int

	// broadMatch overrides defaultBroadMatch when not zero (tests compare the plans with it; a
	// negative value makes every search and tag broad).
	broadMatch int
}

// broad is how many matches make a search or tag filter broad for this list.
func (f Filter) broad() int {
	if f.broadMatch != 0 {
		return f.broadMatch
	}
	return defaultBroadMatch
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

// defaultBroadMatch is how many matching conversations a search or tag filter may have before the
// list stops fetching every match and sorting them, and instead walks the sort order's index.
// Below it the matches are few and sorting them is cheap.
const defaultBroadMatch = 2000

// List returns one page of conversations and the cursor of the next page ("" at the end).
//
// A search is answered one of three ways, chosen per query (budget: p95 ≤ 25 ms at 100,000
// conversations whatever is typed):
//   - narrow (at most defaultBroadMatch matches): the matches are fetched from the index and sorted;
//   - broad and made of whole words: the page order is walked and each candidate conversation is
//     checked against the index on its own, which stops as soon as the page is full — a word found
//     in most conversations fills a page after a few dozen checks;
//   - otherwise (a broad match that is rare among the filtered rows, or a short prefix standing for
//     too many words): the matches are gathered once and the page order is walked against them.
func List(ctx context.Context, q Querier, f Filter) ([]*Row, string, error) {
	if f.Sort == "" {
		f.Sort = "newest"
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = PageSize
	}
	p, err := planList(ctx, q, f)
	if err != nil {
		return nil, "", err
	}
	var out []*Row
	switch {
	case p.none:
	case p.check != "":
		ids, complete, err := walkChecking(ctx, q, p, f.Limit+1)
		if err != nil {
			return nil, "", err
		}
		if complete {
			out, err = fetchRows(ctx, q, p.byIDs(ids), idArgs(ids))
		} else {
			out, err = fetchRows(ctx, q, p.sql, p.args)
		}
		if err != nil {
			return nil, "", err
		}
	default:
		if out, err = fetchRows(ctx, q, p.sql, p.args); err != nil {
			return nil, "", err
		}
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

// fetchRows runs one page query and scans its rows.
func fetchRows(ctx context.Context, q Querier, sqlq string, args []any) ([]*Row, error) {
	rows, err := q.QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: listing conversations: %w", err)
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
			return nil, fmt.Errorf("inbox: listing conversations: %w", err)
		}
		c.Urgency, c.Qualification, c.Sentiment, c.ReviewQuality = intPtr(u), intPtr(qs), intPtr(s), intPtr(rq)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: listing conversations: %w", err)
	}
	return out, nil
}

// listPlan is how one inbox page is read.
type listPlan struct {
	sql  string // the page query (with a search: the gathered-matches walk)
	args []any
	none bool // the search cannot match anything

	// A broad whole-word search is checked one candidate at a time: window lists the candidate ids
	// in page order without the search; check is the per-conversation test; order sorts the rows
	// fetched by id back into page order.
	window     string
	windowArgs []any
	check      string
	match      string
	order      string
}

// byIDs is the query that reads the rows of the given ids in page order.
func (p listPlan) byIDs(ids []int64) string {
	if len(ids) == 0 {
		return `SELECT ` + convCols + `, l.name, l.phone, l.email FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE 0`
	}
	return `SELECT ` + convCols + `, l.name, l.phone, l.email FROM conversations c JOIN leads l ON l.id = c.lead_id
		WHERE c.id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + `) ORDER BY ` + p.order
}

func idArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// checkWindow is how many candidates, per row wanted, a broad search checks one by one before it
// gives up on that way; giveUpAfter checks with under a quarter matching also end it, since the
// search is then rare among the filtered rows and gathering its matches once is cheaper.
const (
	checkWindow = 4
	giveUpAfter = 16
)

// walkChecking checks the candidates of p.window one at a time and returns the first want
// matching ids. complete=false means this way was abandoned and the caller should run p.sql.
func walkChecking(ctx context.Context, q Querier, p listPlan, want int) (ids []int64, complete bool, err error) {
	var cands []int64
	err = func() error {
		rows, err := q.QueryContext(ctx, p.window, p.windowArgs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			cands = append(cands, id)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, false, fmt.Errorf("inbox: listing conversations: %w", err)
	}
	for i, id := range cands {
		if i >= giveUpAfter && len(ids)*4 < i {
			return nil, false, nil
		}
		var one int
		switch err := q.QueryRowContext(ctx, p.check, p.match, id).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, false, fmt.Errorf("inbox: searching conversations: %w", err)
		default:
			ids = append(ids, id)
			if len(ids) == want {
				return ids, true, nil
			}
		}
	}
	// Every filtered conversation was a candidate: the few matches are all there are.
	return ids, len(cands) < want*checkWindow, nil
}

// planList builds the SQL of one inbox page for f (Sort and Limit already defaulted). Every
// filter and sort is written so that an index of 00010/00011 yields rows in page order.
func planList(ctx context.Context, q Querier, f Filter) (listPlan, error) {
	var p listPlan
	search, err := planSearch(ctx, q, f)
	if err != nil {
		return p, err
	}
	if search.none {
		p.none = true
		return p, nil
	}
	p.check, p.match = search.check, search.match
	tagWide := false
	if f.Tag != "" {
		n, err := capCount(ctx, q, f.broad(), `SELECT ct.conversation_id FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = ?`, f.Tag)
		if err != nil {
			return p, fmt.Errorf("inbox: filtering by tag: %w", err)
		}
		tagWide = n > f.broad()
	}
	where, args := listConditions(f, tagWide)
	var sortWhere []string
	var sortArgs []any
	p.order, sortWhere, sortArgs = listOrder(f)
	where, args = append(where, sortWhere...), append(args, sortArgs...)
	if p.check != "" {
		p.window = `SELECT c.id FROM conversations c` + whereClause(where) + ` ORDER BY ` + p.order + ` LIMIT ?`
		p.windowArgs = append(append([]any(nil), args...), (f.Limit+1)*checkWindow)
	}
	// The search condition goes last: SQLite tests the cheap column filters first.
	if search.where != "" {
		where, args = append(where, search.where), append(args, search.args...)
	}
	p.sql = `SELECT ` + convCols + `, l.name, l.phone, l.email FROM conversations c JOIN leads l ON l.id = c.lead_id` +
		whereClause(where) + ` ORDER BY ` + p.order + ` LIMIT ?`
	p.args = append(args, f.Limit+1)
	return p, nil
}

// searchPlan is how a page's search words narrow the list.
type searchPlan struct {
	none         bool   // the words match nothing: the page is empty
	where        string // the condition on c.id ("" = no search)
	args         []any
	check, match string // a broad exact search: the per-candidate check (listPlan.check)
}

// planSearch compiles f.Q. A search matching at most f.broad() conversations drives the query
// (c.id IN the matches); a broader one is only a filter (+c.id keeps SQLite from using it as
// the index) and, when exact, may be checked one candidate at a time (walkChecking).
func planSearch(ctx context.Context, q Querier, f Filter) (searchPlan, error) {
	var sp searchPlan
	if f.Q == "" {
		return sp, nil
	}
	s, err := compileSearch(ctx, q, f.Q)
	if err != nil {
		return sp, err
	}
	if s.none {
		sp.none = true
		return sp, nil
	}
	if s.expr == "" {
		return sp, nil
	}
	n, err := capCount(ctx, q, f.broad(), `SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?`, s.expr)
	if err != nil {
		return sp, fmt.Errorf("inbox: searching conversations: %w", err)
	}
	if n <= f.broad() {
		sp.where = `c.id IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)`
	} else {
		sp.where = `+c.id IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)`
		if s.exact {
			sp.check = `SELECT 1 FROM conversation_search WHERE conversation_search MATCH ? AND rowid = ?`
			sp.match = s.expr
		}
	}
	sp.args = []any{s.expr}
	return sp, nil
}

// listConditions are the column filters of f, cheap ones first. tagWide says the tag is on more
// than f.broad() conversations: it is then tested per row instead of driving the query.
func listConditions(f Filter, tagWide bool) (where []string, args []any) {
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
		where = append(where, handoffWaiting)
	}
	switch {
	case f.AssignedMe:
		where, args = append(where, `c.assigned_user_id = ?`), append(args, f.UserID)
	case f.Unassigned:
		where = append(where, `c.assigned_user_id IS NULL`)
	case f.AssignedTo > 0:
		where, args = append(where, `c.assigned_user_id = ?`), append(args, f.AssignedTo)
	}
	if f.MentionsMe {
		where, args = append(where, `c.id IN (SELECT conversation_id FROM mentions WHERE user_id = ?)`), append(args, f.UserID)
	}
	if f.Tag != "" {
		if tagWide {
			where = append(where, `EXISTS (SELECT 1 FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id AND t.name = ?)`)
		} else {
			where = append(where, `c.id IN (SELECT ct.conversation_id FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = ?)`)
		}
		args = append(args, f.Tag)
	}
	if f.Unread {
		where = append(where, unreadWaiting)
	}
	return where, args
}

// listOrder is f.Sort's ORDER BY and, past the first page, the cursor's bound.
func listOrder(f Filter) (order string, where []string, args []any) {
	k, ok := decodeCursor(f.Sort, f.Cursor)
	bound := ok && f.Cursor != ""
	switch f.Sort {
	case "urgency":
		order = `coalesce(c.urgency_score, -1) DESC, c.last_message_at DESC, c.id DESC`
		if bound {
			// The first, plain bound lets SQLite seek the index; the row value then keeps ties exact.
			where = []string{`coalesce(c.urgency_score, -1) <= ?`, `(coalesce(c.urgency_score, -1), c.last_message_at, c.id) < (?, ?, ?)`}
			args = []any{k.a, k.a, k.b, k.id}
		}
	case "waiting":
		order = `coalesce(c.waiting_since, 9223372036854775807), c.id`
		if bound {
			where = []string{`coalesce(c.waiting_since, 9223372036854775807) >= ?`, `(coalesce(c.waiting_since, 9223372036854775807), c.id) > (?, ?)`}
			args = []any{k.a, k.a, k.id}
		}
	default:
		order = `c.last_message_at DESC, c.id DESC`
		if bound {
			where, args = []string{`(c.last_message_at, c.id) < (?, ?)`}, []any{k.a, k.id}
		}
	}
	return order, where, args
}

func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(where, ` AND `)
}

// capCount counts the rows of sub, stopping just past broad.
func capCount(ctx context.Context, q Querier, broad int, sub string, args ...any) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+sub+` LIMIT `+strconv.Itoa(max(broad, 0)+1)+`)`, args...).Scan(&n)
	return n, err
}

// handoffWaiting is the one definition of a conversation waiting for a person: someone (the
// assistant, a rule or a person) asked for a human and the conversation is still open. The inbox's
// counter and filter and the dashboard's card all count it, through this condition (on alias c).
const handoffWaiting = `c.handoff_required = 1 AND c.state NOT IN ('won','lost')`

// HandoffCount counts the conversations waiting for a person (handoffWaiting), the number the
// inbox counter and the dashboard card show.
func HandoffCount(ctx context.Context, q Querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM conversations c WHERE `+handoffWaiting).Scan(&n); err != nil {
		return 0, fmt.Errorf("inbox: counting handoffs: %w", err)
	}
	return n, nil
}

// unreadWaiting is the one definition of an unread conversation: a customer's message nobody has
// opened yet, on a conversation still open. The menu's badge, the dashboard's card, the inbox's
// counter and its "Unread only" filter (and the export of that list) all use it (on alias c), so
// the filter shows exactly the conversations the badge counts. A message on a won or lost
// conversation starts a new one (ingest): an unread count left on a closed one is nothing to answer.
const unreadWaiting = `c.unread_count > 0 AND c.state NOT IN ('won','lost')`

// Counters are the numbers above the inbox list.
type Counters struct{ Open, Handoff, Unread, Inbound7d int }

// Count reads the inbox counters.
func Count(ctx context.Context, q Querier, now time.Time) (Counters, error) {
	var c Counters
	// Open is all conversations minus the closed ones: a bare count(*) is answered from the b-tree's
	// page counts, and the closed states are two seeks into conversations_state_last, where a
	// NOT IN filter would have to visit every row.
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM conversations) - (SELECT count(*) FROM conversations WHERE state IN ('won','lost')),
		(SELECT count(*) FROM messages WHERE direction = 'inbound' AND created_at >= ?)`,
		now.Add(-7*24*time.Hour).UnixMilli()).Scan(&c.Open, &c.Inbound7d)
	if err != nil {
		return c, fmt.Errorf("inbox: counting: %w", err)
	}
	if c.Handoff, err = HandoffCount(ctx, q); err != nil {
		return c, err
	}
	c.Unread, err = UnreadConversations(ctx, q)
	return c, err
}

// Recent is one line of the "latest messages" sidebar.
type Recent struct {
	MessageID, ConversationID int64
	Direction, Body, LeadName string
	LeadPhone, LeadEmail      string // who a nameless lead is (views/partials/phone.html "who")
	Channel                   string
	CreatedAt                 int64
	// DeliveryStatus and ScheduledAt are the message's (a reply still waiting for its time, or one
	// that failed, is marked as the conversation page marks it); Annotations holds a product
	// line's event, which the sidebar words as the timeline does (its Body may be empty).
	DeliveryStatus string
	ScheduledAt    int64
	Annotations    string
}

// Notes decodes the line's annotations (the event of a product line).
func (r Recent) Notes() Annotations { return (&Message{Annotations: r.Annotations}).Notes() }

// State is what became of an outbound line, as the sidebar marks it: "scheduled" (waiting for
// the time it was given), "failed" (not delivered), "queued" (waiting for the channel's
// provider), "recorded" (a reply on a call or a walk-in, which the panel does not send) or "sent";
// "" for a customer's message or a note.
func (r Recent) State() string {
	if r.Direction != "outbound" {
		return ""
	}
	switch {
	case r.DeliveryStatus == "queued" && r.ScheduledAt > 0:
		return "scheduled"
	case r.DeliveryStatus == "failed", r.DeliveryStatus == "queued":
		return r.DeliveryStatus
	case r.DeliveryStatus == "":
		return "recorded"
	}
	return "sent"
}

// recentCut is how many characters of a message the "latest messages" column shows; a longer one
// ends in "…" so it does not read as if the sender stopped there.
const recentCut = 160

// RecentMessages lists the newest n messages across conversations.
func RecentMessages(ctx context.Context, q Querier, n int) ([]Recent, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.conversation_id, m.direction, substr(m.body, 1, `+strconv.Itoa(recentCut+1)+`), l.name, l.phone, l.email, m.channel, m.created_at,
		coalesce(m.delivery_status, ''), coalesce(m.scheduled_at, 0), coalesce(m.annotations, '')
		FROM (SELECT * FROM messages ORDER BY created_at DESC LIMIT ?) m JOIN conversations c ON c.id = m.conversation_id JOIN leads l ON l.id = c.lead_id
		ORDER BY m.created_at DESC, m.id DESC`, n)
	if err != nil {
		return nil, fmt.Errorf("inbox: recent messages: %w", err)
	}
	defer rows.Close()
	var out []Recent
	for rows.Next() {
		var r Recent
		if err := rows.Scan(&r.MessageID, &r.ConversationID, &r.Direction, &r.Body, &r.LeadName, &r.LeadPhone, &r.LeadEmail, &r.Channel, &r.CreatedAt,
			&r.DeliveryStatus, &r.ScheduledAt, &r.Annotations); err != nil {
			return nil, fmt.Errorf("inbox: recent messages: %w", err)
		}
		if b := []rune(r.Body); len(b) > recentCut {
			r.Body = string(b[:recentCut]) + "…"
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
