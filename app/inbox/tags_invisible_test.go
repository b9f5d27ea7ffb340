package inbox_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// A tag pasted with an invisible character (a zero-width space after "vip", a right-to-left
// override on its own) was stored as typed: the conversation carried "vip" twice, looking the
// same in the inbox and its filter, and blank chips that were only the invisible character. The
// conversation form now keeps tags without such characters, so "vip" is one tag and a tag of
// nothing visible is none; a tag written in Arabic or with an emoji is kept as written.
func TestTagsKeptWithoutInvisibleCharacters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567",
		ProviderMessageID: "wamid.1", Phone: "+905321234567", Name: "Ayşe", Body: "fiyat?"})
	if err != nil {
		t.Fatal(err)
	}
	r := owner.Post(fmt.Sprintf("/app/inbox/%d/", res.ConversationID), url.Values{
		"tags": {"vip, vip\u200b, \u2066VIP\u2069, \u202e, \u200b\ufeff, عاجل, 👨\u200d👩\u200d👧 aile"}, "was_tags": {""}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save tags: %d %s", r.StatusCode, r.Body)
	}
	rows, err := db.Read.Query(`SELECT t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = ? ORDER BY t.name`, res.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	want := []string{"vip", "عاجل", "👨\u200d👩\u200d👧 aile"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("tags stored %+q, want %+q", got, want)
	}
}
