package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CoalesceWindow is how close together a conversation's notifications to one person must be
// raised to become one: a widget lead at 22:30 raises "new conversation", "needs a person" and
// "approval waiting" within seconds, and the person hears of it once.
const CoalesceWindow = 2 * time.Minute

// rank orders the kinds that coalesce, most important last: the item shows the most important
// one and names the others ("also: …"). Kinds not listed never coalesce.
var rank = map[string]int{KindNewConversation: 1, KindAssignedMessage: 2, KindQuoteQuestion: 3, KindHandoff: 4, KindQuoteAccepted: 5, KindApproval: 6}

// coalesced is what merging an event into a person's waiting notification did.
type coalesced struct {
	id      int64
	oldKind string // the item's kind before (it told the person then, by push or e-mail)
	newKind string // the item's kind now
	events  int    // how many events the item holds now, this one included
}

// coalesce merges event e into the person's unread notification about the same conversation
// raised within CoalesceWindow before it (or, for an approval, into an unread approval about the
// same conversation however old: one "approval waiting" per conversation while it is unread).
// found is false when there is none and e is to be written as a notification of its own.
func coalesce(ctx context.Context, tx *sql.Tx, userID int64, e Event, window time.Duration) (c coalesced, found bool, err error) {
	if rank[e.Kind] == 0 || e.ConversationID == 0 {
		return c, false, nil
	}
	var params string
	err = tx.QueryRowContext(ctx, `SELECT id, kind, params FROM notifications
		WHERE user_id = ? AND conversation_id = ? AND read_at IS NULL AND kind IN (?,?,?,?,?,?)
		  AND ((? > 0 AND created_at >= ?) OR (kind = ? AND ? = ?))
		ORDER BY id DESC LIMIT 1`,
		userID, e.ConversationID, KindNewConversation, KindAssignedMessage, KindHandoff, KindApproval, KindQuoteQuestion, KindQuoteAccepted,
		window.Milliseconds(), e.At-window.Milliseconds(), KindApproval, e.Kind, KindApproval).Scan(&c.id, &c.oldKind, &params)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("notify: coalesce: %w", err)
	}
	var p Params
	_ = json.Unmarshal([]byte(params), &p)
	p.Count = groupCounts(c.oldKind, p)
	p.Count[e.Kind]++
	for _, n := range p.Count {
		c.events += n
	}
	c.newKind = c.oldKind
	recID := any(nil)
	if rank[e.Kind] > rank[c.oldKind] {
		p.Also = addKind(p.Also, c.oldKind)
		c.newKind = e.Kind
		if e.Kind == KindApproval {
			recID = e.RecommendationID
		}
	} else if e.Kind != c.oldKind {
		p.Also = addKind(p.Also, e.Kind)
	}
	p.Also = slices.DeleteFunc(p.Also, func(k string) bool { return k == c.newKind })
	if e.Kind == KindHandoff && e.Reason != "" {
		p.Reason = e.Reason
	}
	if p.Name == "" {
		p.Name = e.Name
	}
	if p.Text == "" {
		p.Text = e.Text
	}
	b, _ := json.Marshal(p)
	if _, err := tx.ExecContext(ctx, `UPDATE notifications SET kind = ?, params = ?, recommendation_id = coalesce(?, recommendation_id) WHERE id = ?`,
		c.newKind, string(b), recID, c.id); err != nil {
		return c, false, fmt.Errorf("notify: coalesce: %w", err)
	}
	return c, true, nil
}

func addKind(list []string, k string) []string {
	if slices.Contains(list, k) {
		return list
	}
	return append(list, k)
}

// alsoWords names the kinds merged into a notification besides its own, in the reader's
// language, the most important first ("Handoff raised, New conversation"); "" when none.
func alsoWords(tr func(string, ...any) string, list func([]string) string, n *Notification) string {
	kinds := slices.Clone(n.Params.Also)
	slices.SortFunc(kinds, func(a, b string) int { return rank[b] - rank[a] })
	var out []string
	for _, k := range kinds {
		if ValidKind(k) {
			out = append(out, strings.TrimSuffix(tr("notify.also."+k), "."))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return list(out)
}
