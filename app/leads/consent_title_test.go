package leads_test

import (
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestTheLeadsConsentIsNotCalledApproval: the lead page's KVKK consent section was titled
// "Onay" and said "Bu kişi için kayıtlı onay yok." — the word the panel uses for its approvals
// ("Onaylar", "Onay kuyruğu"), so a Turkish operator of a lead with pending approvals read "no
// approval recorded". It is "Açık rıza" now, as on the person's KVKK data page; in Arabic
// "الموافقة" was the same clash with "الموافقات".
func TestTheLeadsConsentIsNotCalledApproval(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "olga", "operator")
	lead, _ := seed(t, e, "acme", "webchat", "v1", "Deniz", "", "Merhaba, fiyat alabilir miyim?", nil)
	for lang, want := range map[string]string{"tr": "Açık rıza", "ar": "إذن الخصوصية"} {
		doc := op.Get("/app/leads/" + strconv.FormatInt(lead, 10) + "/?lang=" + lang).Doc(t)
		sec := doc.Find(`[data-section="consent"]`)
		title := strings.TrimSpace(sec.Find("h2").First().Text())
		if title != want {
			t.Errorf("%s: the consent section is titled %q, want %q", lang, title, want)
		}
		if text := sec.Text(); strings.Contains(text, "onay") || strings.Contains(text, "Onay") || strings.Contains(text, "موافقة") {
			t.Errorf("%s: the consent section still speaks of approval: %q", lang, text)
		}
	}
}
