package inbox_test

import (
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// TestFakeChannelsMatchRegistry keeps the inbox tests' registry equal, in the facts the inbox
// uses, to the real one.
func TestFakeChannelsMatchRegistry(t *testing.T) {
	reg, fake := channels.Registry(), inbox.FakeChannels()
	if got, want := fake.Names(), reg.Names(); len(got) != len(want) {
		t.Fatalf("inbox.FakeChannels names %v, channels.Registry names %v", got, want)
	}
	for _, n := range reg.Names() {
		r, _ := reg.Info(n)
		f, ok := fake.Info(n)
		if !ok || f.Provider != r.Provider || f.Outbound != r.Outbound || f.ByHand != r.ByHand {
			t.Errorf("channel %q: fake %+v, real %+v", n, f, r)
		}
	}
}

// TestInboxChannelSelectsFollowRegistry: the inbox's channel filter offers exactly the
// registry's channels in its order, and the "new conversation" form exactly the by-hand ones.
func TestInboxChannelSelectsFollowRegistry(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	res := c.Get("/app/inbox/")
	if res.StatusCode != 200 {
		t.Fatalf("GET /app/inbox/: %d", res.StatusCode)
	}
	doc := res.Doc(t)
	values := func(sel string) []string {
		var out []string
		doc.Find(sel + " option").Each(func(_ int, s *goquery.Selection) {
			if v, _ := s.Attr("value"); v != "" {
				out = append(out, v)
			}
		})
		return out
	}
	reg := channels.Registry()
	if got, want := values(`select[aria-label][name="channel"]`), reg.Names(); !slices.Equal(got, want) {
		t.Errorf("channel filter offers %v, registry %v", got, want)
	}
	if got, want := values(`#new-channel`), reg.ByHand(); !slices.Equal(got, want) {
		t.Errorf("new-conversation form offers %v, registry by hand %v", got, want)
	}
}
