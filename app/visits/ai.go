package visits

import (
	"highvibe/app/ai"
	"highvibe/app/platform"

	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
	"unicode"
)

// visitStems are word starts that make a customer's question about a date a question about a
// visit ("ne zaman gelebilirsiniz?", "keşfe ne zaman gelirsiniz", "when can you come and
// measure?") rather than a delivery date.
var visitStems = []string{"gel", "keşif", "keşf", "kesif", "kesf", "ölç", "olc", "bakmaya", "come", "visit", "measure", "survey", "inspect"}

// AsksForVisit reports whether text asks for someone to come (a word starting with one of the
// visit stems).
func AsksForVisit(text string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		for _, s := range visitStems {
			if strings.HasPrefix(w, s) {
				return true
			}
		}
	}
	return false
}

// AssistantSearchDays is how far ahead the assistant looks for a free slot.
const AssistantSearchDays = 14

// ProposeForAssistant is the assistant's ai.VisitProposer (wired in app/serve.go): when the
// customer's words ask for someone to come, the earliest free slot is proposed.
func ProposeForAssistant(ctx context.Context, tx *sql.Tx, ask ai.VisitAsk) (int64, int64, error) {
	if !AsksForVisit(ask.Text) {
		return 0, 0, nil
	}
	v, err := ProposeForAssistantTx(ctx, tx, ask, ai.AssistantName)
	if err != nil || v == nil {
		return 0, 0, err
	}
	return v.ID, v.RecommendationID, nil
}

// assistantAssignee is who the assistant's visit goes to: the conversation's assignee when the
// booking form would accept them (CanGo), else, as for an unassigned conversation, the tenant's
// first owner who can go; 0 when nobody can. ids are everyone who can go.
func assistantAssignee(assigned int64, members []platform.Membership) (who int64, ids []int64) {
	for _, m := range members {
		if CanGo(m) {
			ids = append(ids, m.UserID)
		}
	}
	if slices.Contains(ids, assigned) && assigned != 0 {
		return assigned, ids
	}
	for _, m := range members {
		if CanGo(m) && m.Role == platform.RoleOwner {
			return m.UserID, ids
		}
	}
	return 0, ids
}

// ProposeForAssistantTx books, inside the assistant's triage transaction, the earliest free slot
// of the assignee (assistantAssignee) from the next day on as a visit proposed by the assistant;
// its date goes to the approval queue like any other and nothing reaches the customer before it is
// approved. The booking is checked as the booking form's is, with the members who can go. Nothing
// is proposed (nil) when the conversation already has an open visit, nobody can go, or no slot is
// free in the next two weeks.
func ProposeForAssistantTx(ctx context.Context, tx *sql.Tx, p ai.VisitAsk, name string) (*Visit, error) {
	who, ids := assistantAssignee(p.Assigned, p.Members)
	open, err := list(ctx, tx, `conversation_id = ? AND status IN ('proposed','confirmed')`, p.ConversationID)
	if err != nil || len(open) > 0 || who == 0 {
		return nil, err
	}
	_, loc, err := PlanningSchedule(ctx, tx)
	if err != nil {
		return nil, err
	}
	from := p.Now.In(loc).AddDate(0, 0, 1)
	slots, _, err := Slots(ctx, tx, []int64{who}, from, from.AddDate(0, 0, AssistantSearchDays-1),
		time.Duration(p.DurationMin)*time.Minute, time.Duration(p.BufferMin)*time.Minute, 0, p.Now)
	if err != nil || len(slots) == 0 {
		return nil, err
	}
	b := Booking{ConversationID: p.ConversationID, Start: slots[0], DurationMin: p.DurationMin, Assignees: []int64{who}, ProposedBy: "assistant", Members: ids}
	if err := b.validate(p.Now); err != nil {
		return nil, err
	}
	return bookTx(ctx, tx, b, Actor{Name: name})
}
