package inbox

import (
	"reflect"
	"testing"
)

// TestPlanUpdate pins the decision half of Update: unchanged values are no change, 0 clears a
// due date or an assignee (stored as NULL), turning the handoff off clears its reason, a new
// state carries the internal note as a possible lost reason.
func TestPlanUpdate(t *testing.T) {
	str := func(s string) *string { return &s }
	i64 := func(v int64) *int64 { return &v }
	yes, no := true, false
	cur := &Conversation{ID: 7, LeadID: 3, State: "open", NextAction: "call", NextActionDueAt: 100, HandoffRequired: true, AssignedUserID: 5, AIMode: "draft"}
	scenarios := []struct {
		name     string
		ch       Change
		sets     []string
		args     []any
		state    bool
		lostNote string
	}{
		{"nothing changes", Change{State: str("open"), NextAction: str("call"), NextActionDueAt: i64(100), Handoff: &yes, AssignedUserID: i64(5), AIMode: str("draft")},
			nil, nil, false, ""},
		{"clear due date and assignee", Change{NextActionDueAt: i64(0), AssignedUserID: i64(0)},
			[]string{"next_action_due_at = ?", "assigned_user_id = ?"}, []any{nil, nil}, false, ""},
		{"handoff off clears its reason", Change{Handoff: &no},
			[]string{"handoff_required = ?", "handoff_reason = ?"}, []any{0, ""}, false, ""},
		{"lost with a note", Change{State: str("lost"), Direction: "system", Body: "  too expensive  "},
			[]string{"state = ?"}, []any{"lost"}, true, "too expensive"},
		{"new state with a reply is no lost note", Change{State: str("won"), Direction: "outbound", Body: "thanks"},
			[]string{"state = ?"}, []any{"won"}, true, ""},
	}
	for _, s := range scenarios {
		p := planUpdate(cur, s.ch)
		if !reflect.DeepEqual(p.sets, s.sets) || !reflect.DeepEqual(p.args, s.args) || p.stateChanged != s.state || p.lostNote != s.lostNote {
			t.Errorf("%s: sets %v args %v state %v note %q; want %v %v %v %q", s.name, p.sets, p.args, p.stateChanged, p.lostNote, s.sets, s.args, s.state, s.lostNote)
		}
		if len(p.before) != len(p.after) {
			t.Errorf("%s: before %v after %v", s.name, p.before, p.after)
		}
	}
}
