package conversions_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/conversions"
)

// settingsForm is what a browser sends for the settings form as the page drew it (a box only
// when ticked; the secrets empty, as their page leaves them).
func settingsForm(t *testing.T, doc *goquery.Document) url.Values {
	t.Helper()
	v := url.Values{}
	doc.Find(`#conv-settings input[name]`).Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "checkbox" && s.AttrOr("checked", "-") == "-" {
			return
		}
		v.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return v
}

// Two owners have the conversion settings open. Osman stops reporting sales (the "won" rule);
// Oya, her page drawn before his save, writes Meta's test code. Her save sent the "won" box
// ticked as her page showed it, so sales went to the ad platforms again, without a word. Now
// each save changes only what its sender changed.
func TestSettingsSaveKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	osman, oya := e.User("usta", "osman", "owner"), e.User("usta", "oya", "owner")
	his := settingsForm(t, osman.Get("/app/settings/conversions").Doc(t))
	hers := settingsForm(t, oya.Get("/app/settings/conversions").Doc(t))
	if his.Get("rule_won") != "1" {
		t.Fatalf("the form as drawn: %v", his)
	}
	his.Del("rule_won")
	if r := osman.Post("/app/settings/conversions", his); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("osman's save: %d", r.StatusCode)
	}
	hers.Set("meta_test_code", "TEST 1")
	if r := oya.Post("/app/settings/conversions", hers); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("oya's test code with a space: %d", r.StatusCode)
	}
	hers = settingsForm(t, oya.Post("/app/settings/conversions", hers).Doc(t)) // the refused form, as shown again
	hers.Set("meta_test_code", "TEST12345")
	if r := oya.Post("/app/settings/conversions", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("oya's save: %d", r.StatusCode)
	}
	s, err := conversions.LoadSettings(context.Background(), e.DB("usta").Read, "TRY")
	if err != nil {
		t.Fatal(err)
	}
	if s.RuleWon || !s.RuleLead || s.MetaTestCode != "TEST12345" {
		t.Fatalf("settings after both saves: won %v, lead %v, test code %q", s.RuleWon, s.RuleLead, s.MetaTestCode)
	}
}

// The same when Osman's save lands between Oya's save reading the stored settings and storing
// hers: the read was done just before her save's transaction, so his "won" switched off was not
// seen and her save, the box left as drawn, switched it back on. The stored settings are now
// read inside her save's transaction.
func TestSettingsSaveReadsWhatIsStoredInItsTransaction(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	osman, oya := e.User("usta", "osman", "owner"), e.User("usta", "oya", "owner")
	first := settingsForm(t, osman.Get("/app/settings/conversions").Doc(t))
	if r := osman.Post("/app/settings/conversions", first); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the settings saved once: %d", r.StatusCode)
	}
	hers := settingsForm(t, oya.Get("/app/settings/conversions").Doc(t))
	if hers.Get("rule_won") != "1" {
		t.Fatalf("the form as drawn: %v", hers)
	}
	hers.Set("meta_test_code", "TEST12345")
	r := apptest.MeanwhileInItsTransaction(t, e.DB("usta"), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE conversion_settings SET rule_won = 0 WHERE id = 1`) // Osman's save
		return err
	}, func() *apptest.Resp { return oya.Post("/app/settings/conversions", hers) })
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("oya's save: %d", r.StatusCode)
	}
	s, err := conversions.LoadSettings(context.Background(), e.DB("usta").Read, "TRY")
	if err != nil {
		t.Fatal(err)
	}
	if s.RuleWon || s.MetaTestCode != "TEST12345" {
		t.Fatalf("settings after both saves: won %v, test code %q", s.RuleWon, s.MetaTestCode)
	}
}

// A box refused as changed meanwhile says so beneath itself, as a text field does: what the
// colleague saved and what this person chose ("Yes"/"No"), not only the notice above the form.
// Two owners cannot otherwise both change one box to different values (it has two), so the
// form says it drew the "won" box as a value neither ticked nor unticked, as a form sent from
// elsewhere than the page may.
func TestSettingsBoxChangedMeanwhileSaysSoBeneathIt(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "tr")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	oya := e.User("usta", "oya", "owner")
	hers := settingsForm(t, oya.Get("/app/settings/conversions").Doc(t))
	if hers.Get("rule_won") != "1" {
		t.Fatalf("the form as drawn: %v", hers)
	}
	hers.Set("was_rule_won", "?")
	hers.Del("rule_won")
	r := oya.Post("/app/settings/conversions", hers)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", r.StatusCode)
	}
	doc := r.Doc(t)
	beneath := doc.Find("#rule_won").Closest(".field").Find(".field-error").Text()
	if beneath == "" || !strings.Contains(beneath, "Evet") || !strings.Contains(beneath, "Hayır") {
		t.Fatalf("beneath the won box: %q, want what each side chose", beneath)
	}
	if doc.Find("#rule_won").AttrOr("aria-describedby", "") != "rule_won-error" {
		t.Fatalf("the box is not described by its message")
	}
}
