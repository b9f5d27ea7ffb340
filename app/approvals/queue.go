package approvals

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// GroupsPerPage is how many conversation groups one page of the queue shows. The issue allows up
// to 25; 10 (about 15 cards) keeps the first page usable within a second on a phone-class CPU,
// where every card's parsing, styling and htmx set-up counts, and paging is an in-place swap.
const GroupsPerPage = 10

// Priorities and ActionTypes are the stored codes the queue filters on, in display order.
var (
	Priorities  = []string{"critical", "high", "medium", "low"}
	ActionTypes = []string{"pricing", "payment_terms", "warranty", "legal", "discount", "lead_generation", "follow_up",
		"human_handoff", "stock", "delivery_date", "other"}
	// Ages are the age filters: newer than a day, older than a day, older than a week.
	Ages = []string{"today", "day", "week"}
	// Kinds are the queue's kind filter, in display order: the action types, with a proposed site
	// visit's date (KindSiteVisit) apart from a delivery date the customer asked for.
	Kinds = []string{"pricing", "payment_terms", "warranty", "legal", "discount", "lead_generation", "follow_up",
		"human_handoff", "stock", "delivery_date", KindSiteVisit, "other"}
)

// KindSiteVisit is the kind of a recommendation that proposes a site visit's date (app/visits)
// or an on-site visit an IT ticket asks for (app/msp). It is stored as action type delivery_date
// (a date promised to a customer is a commitment, and the database's list of action types
// predates visits) and told apart by the words it is worded with (visitWords): the queue's
// filter and its badge show it as its own kind.
const KindSiteVisit = "site_visit"

// visitWords are the words.Rec keys of site-visit recommendations (KindSiteVisit).
var visitWords = []string{"visits.rec", "msp_triage.rec.visit"}

// visitCond is the SQL condition "this recommendation is a site visit's" (KindSiteVisit).
var visitCond = `(action_type = 'delivery_date' AND coalesce(CASE WHEN json_valid(words) THEN json_extract(words, '$.key') END, '') IN ('` +
	strings.Join(visitWords, "','") + `'))`

// Kind is the recommendation's kind as the queue filters and shows it: its action type, or
// KindSiteVisit for a site visit's date.
func (r *Recommendation) Kind() string {
	if r.ActionType == "delivery_date" && r.Words != "" {
		var w struct {
			Key string `json:"key"`
		}
		if json.Unmarshal([]byte(r.Words), &w) == nil && contains(visitWords, w.Key) {
			return KindSiteVisit
		}
	}
	return r.ActionType
}

// QueueFilter narrows the open recommendations; zero values mean "any".
type QueueFilter struct {
	Kind     string // one of Kinds
	Priority string // one of Priorities
	Age      string // one of Ages
	After    string // opaque keyset cursor from the previous page
	// Rec, when not 0, narrows the queue to that recommendation's conversation (or to it alone
	// when it has none), whatever the other filters: where a notification or a link to one
	// recommendation leads, however deep in the queue it is.
	Rec   int64
	Now   time.Time
	Limit int // groups per page; GroupsPerPage when 0
}

// Group is one conversation's open recommendations (or one recommendation without a conversation).
type Group struct {
	Key   int64 // conversation id, or -recommendation id when there is none
	Cause inbox.Cause
	Recs  []*Recommendation
	Top   string // the most urgent priority in the group
}

// Queue is one page of the grouped queue.
type Queue struct {
	Groups []*Group
	Next   string // cursor of the next page, "" on the last one
	Total  int    // open recommendations matching the filter (all pages)
	Recs   int    // recommendations on this page
}

type groupKey struct {
	rank, oldest, key int64
}

func encodeQueueCursor(k groupKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("q:%d:%d:%d", k.rank, k.oldest, k.key)))
}

func decodeQueueCursor(s string) (groupKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return groupKey{}, false
	}
	var k groupKey
	if n, err := fmt.Sscanf(string(b), "q:%d:%d:%d", &k.rank, &k.oldest, &k.key); n != 3 || err != nil || encodeQueueCursor(k) != s {
		return groupKey{}, false
	}
	return k, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// where builds the filter of open recommendations; unknown filter values are ignored.
func (f QueueFilter) where() (string, []any) {
	w := []string{`status IN ('draft','pending')`}
	var args []any
	if f.Rec > 0 {
		w = append(w, `(conversation_id = (SELECT conversation_id FROM decision_recommendations WHERE id = ?) OR id = ?)`)
		return strings.Join(w, " AND "), append(args, f.Rec, f.Rec)
	}
	switch {
	case f.Kind == KindSiteVisit:
		w = append(w, visitCond)
	case f.Kind == "delivery_date":
		w = append(w, `action_type = 'delivery_date' AND NOT `+visitCond)
	case contains(ActionTypes, f.Kind):
		w = append(w, `action_type = ?`)
		args = append(args, f.Kind)
	}
	if contains(Priorities, f.Priority) {
		w = append(w, `priority = ?`)
		args = append(args, f.Priority)
	}
	now := f.Now
	if now.IsZero() {
		now = time.Now()
	}
	day := int64(24 * time.Hour / time.Millisecond)
	switch f.Age {
	case "today":
		w = append(w, `created_at >= ?`)
		args = append(args, now.UnixMilli()-day)
	case "day":
		w = append(w, `created_at < ?`)
		args = append(args, now.UnixMilli()-day)
	case "week":
		w = append(w, `created_at < ?`)
		args = append(args, now.UnixMilli()-7*day)
	}
	return strings.Join(w, " AND "), args
}

// OpenCount is how many open recommendations match the filter (all pages): the queue's "… wait
// for a decision".
func OpenCount(ctx context.Context, db *tenantdb.DB, f QueueFilter) (int, error) {
	where, args := f.where()
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM decision_recommendations WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("approvals: queue count: %w", err)
	}
	return n, nil
}

// OpenQueue reads one page of the queue: open recommendations grouped by conversation, groups
// ordered by their most urgent priority, then their oldest recommendation, then key; keyset
// paging on that order, so a page costs the same however deep it is.
func OpenQueue(ctx context.Context, db *tenantdb.DB, f QueueFilter) (*Queue, error) {
	limit := f.Limit
	if limit <= 0 || limit > GroupsPerPage {
		limit = GroupsPerPage
	}
	where, args := f.where()
	q := &Queue{}
	var err error
	if q.Total, err = OpenCount(ctx, db, f); err != nil {
		return nil, err
	}
	keys, err := queueGroupKeys(ctx, db, where, args, f.After, limit)
	if err != nil {
		return nil, err
	}
	if len(keys) > limit {
		keys = keys[:limit]
		q.Next = encodeQueueCursor(keys[limit-1])
	}
	if len(keys) == 0 {
		return q, nil
	}
	byKey, members := q.startGroups(keys)
	// The unary + keeps SQLite off the status index here: the page's few conversations are the
	// selective part, not the thousands of open recommendations.
	recs, err := list(ctx, db.Read, `WHERE `+strings.Replace(where, "status IN", "+status IN", 1)+` AND (`+members+`)
		ORDER BY `+priorityOrder+`, created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	newest := q.fillGroups(byKey, recs)
	causes, err := inbox.Causes(ctx, db.Read, newest)
	if err != nil {
		return nil, err
	}
	for k, c := range causes {
		byKey[k].Cause = c
	}
	return q, nil
}

// queueGroupKeys reads the keys of up to limit+1 groups after the cursor after, in queue order
// (the extra one says there is a next page).
func queueGroupKeys(ctx context.Context, db *tenantdb.DB, where string, args []any, after string, limit int) ([]groupKey, error) {
	page := `WITH g AS (SELECT coalesce(conversation_id, -id) AS gk, min(` + priorityOrder + `) AS rank, min(created_at) AS oldest
		FROM decision_recommendations WHERE ` + where + ` GROUP BY gk)
		SELECT gk, rank, oldest FROM g`
	pargs := append([]any{}, args...)
	if k, ok := decodeQueueCursor(after); ok {
		page += ` WHERE (rank, oldest, gk) > (?, ?, ?)`
		pargs = append(pargs, k.rank, k.oldest, k.key)
	}
	page += ` ORDER BY rank, oldest, gk LIMIT ?`
	pargs = append(pargs, limit+1)
	rows, err := db.Read.QueryContext(ctx, page, pargs...)
	if err != nil {
		return nil, fmt.Errorf("approvals: queue: %w", err)
	}
	defer rows.Close()
	var keys []groupKey
	for rows.Next() {
		var k groupKey
		if err := rows.Scan(&k.key, &k.rank, &k.oldest); err != nil {
			return nil, fmt.Errorf("approvals: queue: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("approvals: queue: %w", err)
	}
	return keys, nil
}

// startGroups adds an empty group per key to the page, in order, and returns them by key with
// the condition that selects their recommendations: a conversation's key is its id, a
// recommendation without a conversation is its own group under its negated id.
func (q *Queue) startGroups(keys []groupKey) (byKey map[int64]*Group, members string) {
	var convIDs, recIDs []string
	byKey = make(map[int64]*Group, len(keys))
	for _, k := range keys {
		g := &Group{Key: k.key, Top: Priorities[min(k.rank, 3)]}
		byKey[k.key] = g
		q.Groups = append(q.Groups, g)
		if k.key > 0 {
			convIDs = append(convIDs, strconv.FormatInt(k.key, 10))
		} else {
			recIDs = append(recIDs, strconv.FormatInt(-k.key, 10))
		}
	}
	in := []string{}
	if len(convIDs) > 0 {
		in = append(in, `conversation_id IN (`+strings.Join(convIDs, ",")+`)`)
	}
	if len(recIDs) > 0 {
		in = append(in, `id IN (`+strings.Join(recIDs, ",")+`)`)
	}
	return byKey, strings.Join(in, " OR ")
}

// fillGroups puts each recommendation in its group (in the order given) and returns, per
// conversation, the time of its newest one (what the card's cause is looked up by).
func (q *Queue) fillGroups(byKey map[int64]*Group, recs []*Recommendation) map[int64]int64 {
	newest := map[int64]int64{}
	for _, r := range recs {
		k := r.ConversationID
		if k == 0 {
			k = -r.ID
		}
		g := byKey[k]
		if g == nil {
			continue
		}
		g.Recs = append(g.Recs, r)
		q.Recs++
		if k > 0 && r.CreatedAt > newest[k] {
			newest[k] = r.CreatedAt
		}
	}
	return newest
}
