// Package leads is the leads list (/app/leads/), a lead's page (/app/leads/{id}/) and the pipeline
// board (/app/pipeline/) (guide: 16-leads-and-pipeline.md). It is a read model: it reads the
// leads and what hangs off them (conversations, quotes, orders, invoices, tickets, the action log)
// and writes nothing itself; a move on the board, the expected value, a linked customer and a
// merge go through the inbox's functions (inbox.MoveLeadStage, inbox.MergeLeads, …), a new
// customer through crm.SaveCustomer.
package leads

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// PageSize is how many leads one page of the list shows.
const PageSize = 50

// Sorts are the list's orders; the first is the default.
var Sorts = []string{"newest", "oldest", "updated", "value"}

// Filter is the parsed list query; zero values mean "any".
type Filter struct {
	Stage      string // one of inbox.LeadStages, or "open" (not won or lost)
	Source     string
	Campaign   string // utm_campaign as stored on the lead
	Assignee   int64  // a member: leads with a conversation assigned to them; -1: leads with none assigned
	From, To   int64  // created in [From, To) Unix ms; 0 = open
	StageSince int64  // came to its stage at or after (Unix ms, leads.stage_at); 0 = any time
	OpenConv   string // "yes": has an open conversation; "no": has none
	ValueMin   int64  // -1 = no bound
	ValueMax   int64  // -1 = no bound
	Q          string // name, phone or e-mail
	Sort       string
	Cursor     string
	Limit      int
	ExcludeIDs []int64 // leads left out (the lead itself in the merge search)
}

// Row is one lead of the list or a card of the board.
type Row struct {
	ID                      int64
	Name, Phone, Email      string
	Stage, Source, Campaign string
	Value                   int64
	CustomerID              int64
	CreatedAt, UpdatedAt    int64
	OpenConvs, Convs        int
	NextAction              string
	NextDue                 int64
	AssigneeID              int64
	Card                    any // the board's formatted words of the card (set by the handler)
}

// Label is what the list and the board call the lead: web.Who's rule (its name, else its phone
// as people write it, one kept without its country code read as region's, the business's
// phone_region; else its e-mail), "#id" for a lead with none of them. Pages call it through the
// "shown" helper, which knows the business's region.
func (r *Row) Label(region string) string {
	return web.WhoOrNumber(region, r.ID, r.Name, r.Phone, r.Email)
}

// sortKey is the column a sort orders by (then id) and its direction.
func sortKey(sort string) (col string, asc bool) {
	switch sort {
	case "oldest":
		return "l.created_at", true
	case "updated":
		return "l.updated_at", false
	case "value":
		return "l.expected_value", false
	}
	return "l.created_at", false
}

func encodeCursor(sort string, a, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d:%d", sort, a, id)))
}

// decodeCursor reads a cursor of the sort; ok=false when it is not one.
func decodeCursor(sort, s string) (a, id int64, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, false
	}
	p := strings.Split(string(b), ":")
	if len(p) != 3 || p[0] != sort {
		return 0, 0, false
	}
	a, err1 := strconv.ParseInt(p[1], 10, 64)
	id, err2 := strconv.ParseInt(p[2], 10, 64)
	return a, id, err1 == nil && err2 == nil && id > 0
}

// ValidCursor reports whether s is a cursor List accepts for the sort.
func ValidCursor(sort, s string) bool {
	_, _, ok := decodeCursor(sort, s)
	return ok
}

// like escapes s for a LIKE pattern matching it anywhere.
func like(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// where builds the filter's conditions on leads l (merged leads are always left out).
func (f Filter) where() (string, []any) {
	conds := []string{"l.merged_into IS NULL"}
	var args []any
	add := func(c string, a ...any) { conds, args = append(conds, c), append(args, a...) }
	switch f.Stage {
	case "":
	case "open":
		add("l.stage NOT IN ('won','lost')")
	default:
		add("l.stage = ?", f.Stage)
	}
	if f.Source != "" {
		add("l.source = ?", f.Source)
	}
	if f.Campaign != "" {
		add("l.utm_campaign = ?", f.Campaign)
	}
	switch {
	case f.Assignee > 0:
		add("l.id IN (SELECT lead_id FROM conversations WHERE assigned_user_id = ?)", f.Assignee)
	case f.Assignee < 0:
		add("NOT EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.assigned_user_id IS NOT NULL)")
	}
	if f.From > 0 {
		add("l.created_at >= ?", f.From)
	}
	if f.To > 0 {
		add("l.created_at < ?", f.To)
	}
	if f.StageSince > 0 {
		add("l.stage_at >= ?", f.StageSince)
	}
	switch f.OpenConv {
	case "yes":
		add("EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.state NOT IN ('won','lost'))")
	case "no":
		add("NOT EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.state NOT IN ('won','lost'))")
	}
	if f.ValueMin >= 0 {
		add("l.expected_value >= ?", f.ValueMin)
	}
	if f.ValueMax >= 0 {
		add("l.expected_value <= ?", f.ValueMax)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// Names meet the query in Fold's alphabet (Turkish İ/ı, ö, ş …: "ozturk" and "ÖZTÜRK" find
		// "Öztürk"); e-mails and phones as typed.
		p := like(q)
		c := `(hv_fold(l.name) LIKE ? ESCAPE '\' OR l.email LIKE ? ESCAPE '\' OR l.phone LIKE ? ESCAPE '\'`
		a := []any{like(inbox.Fold(q)), p, p}
		if d := digits(q); len(d) >= 3 {
			c += ` OR l.phone_e164 LIKE ? ESCAPE '\'`
			a = append(a, like(strings.TrimPrefix(d, "0")))
		}
		add(c+")", a...)
	}
	for _, id := range f.ExcludeIDs {
		add("l.id <> ?", id)
	}
	return strings.Join(conds, " AND "), args
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range i18n.ASCIIDigits(s) { // a phone typed on an Arabic keyboard is the same number
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

const rowCols = `l.id, l.name, l.phone, l.email, l.stage, l.source, l.utm_campaign, l.expected_value, coalesce(l.customer_id,0),
	l.created_at, l.updated_at`

func scanRow(rs *sql.Rows) (*Row, error) {
	r := &Row{}
	err := rs.Scan(&r.ID, &r.Name, &r.Phone, &r.Email, &r.Stage, &r.Source, &r.Campaign, &r.Value, &r.CustomerID, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// List returns one page of leads in the filter's order and the cursor of the next page ("" at
// the end). The order is keyset-paged on (sort column, id).
func List(ctx context.Context, db *sql.DB, f Filter) ([]*Row, string, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = PageSize
	}
	if f.Sort == "" {
		f.Sort = Sorts[0]
	}
	col, asc := sortKey(f.Sort)
	w, args := f.where()
	if f.Cursor != "" {
		a, id, ok := decodeCursor(f.Sort, f.Cursor)
		if ok {
			op := "<"
			if asc {
				op = ">"
			}
			w += fmt.Sprintf(" AND (%s %s ? OR (%s = ? AND l.id %s ?))", col, op, col, op)
			args = append(args, a, a, id)
		}
	}
	dir := "DESC"
	if asc {
		dir = "ASC"
	}
	q := `SELECT ` + rowCols + ` FROM leads l WHERE ` + w + ` ORDER BY ` + col + ` ` + dir + `, l.id ` + dir + ` LIMIT ?`
	args = append(args, f.Limit+1)
	var out []*Row
	err := tenantdb.EachRow(ctx, db, q, args, func(rs *sql.Rows) error {
		r, err := scanRow(rs)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("leads: list: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		a := last.CreatedAt
		switch f.Sort {
		case "updated":
			a = last.UpdatedAt
		case "value":
			a = last.Value
		}
		next = encodeCursor(f.Sort, a, last.ID)
	}
	if err := fillConversations(ctx, db, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// fillConversations adds to each row its conversations (open and all), its next action and the
// member its open conversation is assigned to, in one query for the whole page.
func fillConversations(ctx context.Context, db *sql.DB, rows []*Row) error {
	if len(rows) == 0 {
		return nil
	}
	byID := make(map[int64]*Row, len(rows))
	args := make([]any, 0, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
		args = append(args, r.ID)
	}
	q := `SELECT lead_id, state, next_action, coalesce(next_action_due_at,0), coalesce(assigned_user_id,0) FROM conversations
		WHERE lead_id IN (?` + strings.Repeat(",?", len(args)-1) + `) ORDER BY last_message_at DESC, id DESC`
	err := tenantdb.EachRow(ctx, db, q, args, func(rs *sql.Rows) error {
		var lead, due, who int64
		var state, next string
		if err := rs.Scan(&lead, &state, &next, &due, &who); err != nil {
			return err
		}
		r := byID[lead]
		r.Convs++
		if state == "won" || state == "lost" {
			return nil
		}
		r.OpenConvs++
		if r.AssigneeID == 0 {
			r.AssigneeID = who
		}
		// The next action shown is the one due first (one without a date after those with one).
		if next != "" && (r.NextAction == "" || due != 0 && (r.NextDue == 0 || due < r.NextDue)) {
			r.NextAction, r.NextDue = next, due
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("leads: conversations of the page: %w", err)
	}
	return nil
}

// Campaigns lists the campaigns stored on leads (utm_campaign), most leads first, for the filter.
func Campaigns(ctx context.Context, db *sql.DB) ([]string, error) {
	var out []string
	err := tenantdb.EachRow(ctx, db, `SELECT utm_campaign FROM leads WHERE merged_into IS NULL AND utm_campaign > ''
		GROUP BY utm_campaign ORDER BY count(*) DESC, utm_campaign LIMIT 100`, nil, func(rs *sql.Rows) error {
		var s string
		err := rs.Scan(&s)
		out = append(out, s)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: campaigns: %w", err)
	}
	return out, nil
}

// Column is one stage of the board: how many leads stand in it, their summed expected value and
// the newest-moved cards.
type Column struct {
	Stage string
	Count int
	Value int64
	Cards []*Row
	More  bool // more leads than cards
}

// BoardCards is how many cards a column shows (the list, filtered by the stage, has them all).
const BoardCards = 20

// Board reads the pipeline board: one column per stage; won and lost count the leads that
// reached them since closedSince (Unix ms, by stage_at: a later message or edit does not bring an
// old outcome back). Unfiltered, the counts and sums come from the index (merged_into, stage,
// expected_value), each step's cards from (merged_into, stage, updated_at) and each outcome's from
// (merged_into, stage, stage_at): at 20,000 open leads the board reads index entries once and 20
// rows per column.
// Filtered (a search, a source, a campaign, an assignee), the matching leads are read once and
// counted, summed and cut into columns here, instead of once per column.
func Board(ctx context.Context, db *sql.DB, f Filter, closedSince int64) ([]*Column, error) {
	f.Stage = ""
	cols := make([]*Column, 0, len(inbox.LeadStages))
	byStage := map[string]*Column{}
	for _, s := range inbox.LeadStages {
		c := &Column{Stage: s}
		cols = append(cols, c)
		byStage[s] = c
	}
	var err error
	if f.filtered() {
		err = boardFiltered(ctx, db, f, closedSince, byStage)
	} else {
		err = boardAll(ctx, db, f, closedSince, cols, byStage)
	}
	if err != nil {
		return nil, err
	}
	var all []*Row
	for _, c := range cols {
		c.More = c.Count > len(c.Cards)
		all = append(all, c.Cards...)
	}
	if err := fillConversations(ctx, db, all); err != nil {
		return nil, err
	}
	return cols, nil
}

// filtered reports whether the board's filter narrows the leads (the stage is its columns).
func (f Filter) filtered() bool {
	return f.Source != "" || f.Campaign != "" || f.Assignee != 0 || f.From > 0 || f.To > 0 || f.StageSince > 0 || f.OpenConv != "" ||
		f.ValueMin >= 0 || f.ValueMax >= 0 || strings.TrimSpace(f.Q) != "" || len(f.ExcludeIDs) > 0
}

func boardAll(ctx context.Context, db *sql.DB, f Filter, closedSince int64, cols []*Column, byStage map[string]*Column) error {
	w, args := f.where()
	// Open stages from the covering index (merged_into, stage, expected_value); the outcomes reached
	// since closedSince from (merged_into, stage, stage_at).
	for _, part := range []struct {
		cond string
		args []any
	}{
		{` AND l.stage IN ('new','contacted','qualified','proposal') GROUP BY l.stage`, nil},
		{` AND l.stage IN ('won','lost') AND l.stage_at >= ? GROUP BY l.stage`, []any{closedSince}},
	} {
		q := `SELECT l.stage, count(*), coalesce(sum(l.expected_value),0) FROM leads l WHERE ` + w + part.cond
		err := tenantdb.EachRow(ctx, db, q, append(append([]any{}, args...), part.args...), func(rs *sql.Rows) error {
			var s string
			var n int
			var v int64
			if err := rs.Scan(&s, &n, &v); err != nil {
				return err
			}
			if c := byStage[s]; c != nil {
				c.Count, c.Value = n, v
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("leads: board counts: %w", err)
		}
	}
	for _, c := range cols {
		if c.Count == 0 {
			continue
		}
		// The steps' cards most recently changed first; the outcomes' most recently reached first.
		q := `SELECT ` + rowCols + ` FROM leads l WHERE ` + w + ` AND l.stage = ? AND l.updated_at >= ? ORDER BY l.updated_at DESC, l.id DESC LIMIT ?`
		since := int64(0)
		if c.Stage == "won" || c.Stage == "lost" {
			q = `SELECT ` + rowCols + ` FROM leads l WHERE ` + w + ` AND l.stage = ? AND l.stage_at >= ? ORDER BY l.stage_at DESC, l.id DESC LIMIT ?`
			since = closedSince
		}
		err := tenantdb.EachRow(ctx, db, q, append(append([]any{}, args...), c.Stage, since, BoardCards), func(rs *sql.Rows) error {
			r, err := scanRow(rs)
			c.Cards = append(c.Cards, r)
			return err
		})
		if err != nil {
			return fmt.Errorf("leads: board cards: %w", err)
		}
	}
	return nil
}

func boardFiltered(ctx context.Context, db *sql.DB, f Filter, closedSince int64, byStage map[string]*Column) error {
	w, args := f.where()
	type hit struct {
		id, at int64
	}
	top := map[string][]hit{}
	// at orders a column's cards: when a step's lead last changed, when an outcome was reached.
	q := `SELECT l.id, l.stage, CASE WHEN l.stage IN ('won','lost') THEN l.stage_at ELSE l.updated_at END, l.expected_value
		FROM leads l WHERE ` + w + ` AND (l.stage IN ('new','contacted','qualified','proposal') OR l.stage_at >= ?)`
	err := tenantdb.EachRow(ctx, db, q, append(args, closedSince), func(rs *sql.Rows) error {
		var h hit
		var s string
		var v int64
		if err := rs.Scan(&h.id, &s, &h.at, &v); err != nil {
			return err
		}
		c := byStage[s]
		if c == nil {
			return nil
		}
		c.Count++
		c.Value += v
		top[s] = append(top[s], h)
		return nil
	})
	if err != nil {
		return fmt.Errorf("leads: board: %w", err)
	}
	var ids []int64
	for s, hs := range top {
		slices.SortFunc(hs, func(a, b hit) int {
			if a.at != b.at {
				return cmp.Compare(b.at, a.at)
			}
			return cmp.Compare(b.id, a.id)
		})
		hs = hs[:min(len(hs), BoardCards)]
		top[s] = hs
		for _, h := range hs {
			ids = append(ids, h.id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	list, largs := in(ids)
	rows := map[int64]*Row{}
	err = tenantdb.EachRow(ctx, db, `SELECT `+rowCols+` FROM leads l WHERE l.id IN `+list, largs, func(rs *sql.Rows) error {
		r, err := scanRow(rs)
		rows[r.ID] = r
		return err
	})
	if err != nil {
		return fmt.Errorf("leads: board cards: %w", err)
	}
	for s, hs := range top {
		for _, h := range hs {
			if r := rows[h.id]; r != nil {
				byStage[s].Cards = append(byStage[s].Cards, r)
			}
		}
	}
	return nil
}

// Lead is a lead as its page shows it.
type Lead struct {
	Row
	PhoneE164, LostReason string
	ConsentVersion        string
	ConsentAt             int64
	UTM                   [5]string
	MergedInto            int64
	Family                []int64 // the lead and every lead merged into it
}

// ErrMerged is returned by LeadByID for a lead merged into another one, with its id.
type ErrMerged struct{ Into int64 }

func (e *ErrMerged) Error() string { return fmt.Sprintf("leads: merged into %d", e.Into) }

// LeadByID reads one lead with the ids of the leads merged into it; tenantdb.ErrNotFound when
// absent, *ErrMerged when it was merged into another one.
func LeadByID(ctx context.Context, db *sql.DB, id int64) (*Lead, error) {
	l := &Lead{}
	var merged sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT `+rowCols+`, l.phone_e164, l.lost_reason, l.consent_version, coalesce(l.consent_at,0),
		l.utm_source, l.utm_medium, l.utm_term, l.utm_content, l.merged_into FROM leads l WHERE l.id = ?`, id).
		Scan(&l.ID, &l.Name, &l.Phone, &l.Email, &l.Stage, &l.Source, &l.Campaign, &l.Value, &l.CustomerID, &l.CreatedAt, &l.UpdatedAt,
			&l.PhoneE164, &l.LostReason, &l.ConsentVersion, &l.ConsentAt, &l.UTM[0], &l.UTM[1], &l.UTM[3], &l.UTM[4], &merged)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("leads: lead %d: %w", id, err)
	}
	l.UTM[2] = l.Campaign
	if merged.Valid {
		return nil, &ErrMerged{Into: merged.Int64}
	}
	l.Family = []int64{id}
	err = tenantdb.EachRow(ctx, db, `SELECT id FROM leads WHERE merged_into = ? ORDER BY id`, []any{id}, func(rs *sql.Rows) error {
		var m int64
		err := rs.Scan(&m)
		l.Family = append(l.Family, m)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leads: merged leads of %d: %w", id, err)
	}
	if err := fillConversations(ctx, db, []*Row{&l.Row}); err != nil {
		return nil, err
	}
	return l, nil
}

// in is "(?,?,…)" for ids and the ids as arguments.
func in(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(?" + strings.Repeat(",?", len(ids)-1) + ")", args
}

// Duplicates are other leads that look like the same person (same phone or e-mail), for the merge.
func Duplicates(ctx context.Context, db *sql.DB, l *Lead) ([]*Row, error) {
	if l.PhoneE164 == "" && l.Email == "" {
		return nil, nil
	}
	var out []*Row
	err := tenantdb.EachRow(ctx, db, `SELECT `+rowCols+` FROM leads l WHERE l.merged_into IS NULL AND l.id <> ?
		AND ((l.phone_e164 = ? AND l.phone_e164 <> '') OR (l.email = ? COLLATE NOCASE AND l.email <> '')) ORDER BY l.id DESC LIMIT 10`,
		[]any{l.ID, l.PhoneE164, l.Email}, func(rs *sql.Rows) error {
			r, err := scanRow(rs)
			out = append(out, r)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("leads: duplicates: %w", err)
	}
	return out, nil
}
