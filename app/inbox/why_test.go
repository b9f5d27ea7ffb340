package inbox_test

import (
	"testing"

	"highvibe/app/inbox"
)

func TestWhyGroups(t *testing.T) {
	got := inbox.Why(`{"language":["tr"],"handoff":["stock"],"urgency":["stock question: stok (+20)"],"other":["x"],"sentiment":[]}`)
	want := []string{"inbox.score.urgency", "inbox.handoff", "inbox.why.language"}
	if len(got) != len(want) {
		t.Fatalf("groups %+v", got)
	}
	for i, g := range got {
		if g.Label != want[i] || len(g.Signals) != 1 {
			t.Errorf("group %d = %+v, want %s", i, g, want[i])
		}
	}
	for _, bad := range []string{"", "{}", "not json", `{"urgency":"x"}`} {
		if g := inbox.Why(bad); len(g) != 0 {
			t.Errorf("Why(%q) = %+v", bad, g)
		}
	}
}
