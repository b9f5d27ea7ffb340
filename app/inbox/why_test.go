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

// The trained assistant's reasons are split into words, kind and decision for the page to word.
func TestWhyItems(t *testing.T) {
	got := inbox.Why(`{"urgency":["f3|band_high|word|çöktü","f3|band_high|model|","f3|x|y"],"handoff":["complaint"]}`)
	if len(got) != 2 || len(got[0].Items) != 3 {
		t.Fatalf("groups %+v", got)
	}
	want := []inbox.WhyItem{{Text: "f3|band_high|word|çöktü", Decision: "band_high", Kind: "word", Words: "çöktü"},
		{Text: "f3|band_high|model|", Decision: "band_high", Kind: "model"}, {Text: "f3|x|y"}}
	for i, w := range want {
		if got[0].Items[i] != w {
			t.Errorf("item %d = %+v, want %+v", i, got[0].Items[i], w)
		}
	}
	if got[1].Items[0] != (inbox.WhyItem{Text: "complaint"}) {
		t.Errorf("handoff item %+v", got[1].Items[0])
	}
}
