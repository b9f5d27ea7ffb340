package visits

import (
	"highvibe/app/ai"

	"context"
	"database/sql"
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

// ProposeForAssistantTx books, inside the assistant's triage transaction, the earliest free slot
// of the assignee from the next day on as a visit proposed by the assistant; its date goes to the
// approval queue like any other and nothing reaches the customer before it is approved. Nothing
// is proposed (nil) when the conversation already has an open visit or no slot is free in the
// next two weeks.
func ProposeForAssistantTx(ctx context.Context, tx *sql.Tx, p ai.VisitAsk, name string) (*Visit, error) {
	open, err := list(ctx, tx, `conversation_id = ? AND status IN ('proposed','confirmed')`, p.ConversationID)
	if err != nil || len(open) > 0 || p.Assignee == 0 {
		return nil, err
	}
	_, loc, err := PlanningSchedule(ctx, tx)
	if err != nil {
		return nil, err
	}
	from := p.Now.In(loc).AddDate(0, 0, 1)
	slots, _, err := Slots(ctx, tx, []int64{p.Assignee}, from, from.AddDate(0, 0, AssistantSearchDays-1),
		time.Duration(p.DurationMin)*time.Minute, time.Duration(p.BufferMin)*time.Minute, 0, p.Now)
	if err != nil || len(slots) == 0 {
		return nil, err
	}
	b := Booking{ConversationID: p.ConversationID, Start: slots[0], DurationMin: p.DurationMin, Assignees: []int64{p.Assignee}, ProposedBy: "assistant"}
	if err := b.validate(p.Now); err != nil {
		return nil, err
	}
	return bookTx(ctx, tx, b, Actor{Name: name})
}
