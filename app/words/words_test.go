package words

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"highvibe/app/i18n"
)

func say(lang string, ps ...i18n.Phrase) string {
	p := i18n.For(lang)
	var out []string
	for _, ph := range ps {
		s := p.Say(ph)
		if ph.Quote != "" {
			s += " «" + ph.Quote + "»"
		}
		out = append(out, s)
	}
	return strings.Join(out, " · ")
}

// TestStoredCodesWorded: what the assistant stores (codes, and text of a fixed shape) reads in
// the viewer's language, with the customer's own words quoted rather than translated.
func TestStoredCodesWorded(t *testing.T) {
	for _, c := range []struct {
		name, lang, got, want string
	}{
		{"summary", "en", say("en", Summary("tr · 800 m² · lock_paver · handoff: stock, date")...),
			"Language: Turkish · 800 m² · interlocking paver · needs a person: stock question, asks for a date"},
		{"summary tr", "tr", say("tr", Summary("tr · 1400 m² · andesite")...), "Dil: Türkçe · 1.400 m² · andezit"},
		{"summary other", "ar", say("ar", Summary("other")...), "اللغة: " + i18n.For("ar").T("inbox.reason.lang_other")},
		{"review", "de", say("de", Review("tr · 85 m² — 2 inbound, 1 outbound; first reply within 5 min; 1/2 questions answered; polite tone.")...),
			"Sprache: Türkisch · 85 m² · 2 vom Kunden, 1 Antwort · erste Antwort innerhalb von 5 Minuten · 1 von 2 Fragen beantwortet · höflicher Ton"},
		{"review counts", "en", say("en", Review("5 inbound, 3 outbound; polite tone.")...), "5 from the customer, 3 replies · polite tone"},
		{"review one reply", "en", say("en", Review("2 inbound, 1 outbound.")...), "2 from the customer, 1 reply"},
		{"review two replies", "ar", say("ar", Review("2 inbound, 2 outbound.")...), "2 من العميل، ردّان"},
		{"signal area", "fr", say("fr", Signal("area: 200 m²")), "surface 200 m²"},
		{"signal product", "en", say("en", Signal("product: lock_paver, granite")), "Product: interlocking paver, granite"},
		{"signal word", "en", say("en", Signal("complaint: kırıl")), "complaint «kırıl»"},
		{"signal topic", "en", say("en", Signal("drainage: su birik")), "drainage «su birik»"},
		{"signal weight", "en", say("en", Signal("urgent word: acil (+20)")), "urgent word «acil»"},
		{"signal reason", "tr", say("tr", Signal("low_confidence")), i18n.For("tr").T("inbox.reason.low_confidence")},
		{"model", "tr", say("tr", Model("builtin-3")), "Yerleşik asistan (s3)"},
		{"model seasonal tr", "tr", say("tr", Model("builtin-seasonal")), "Sezon takvimi"},
		{"model seasonal en", "en", say("en", Model("builtin-seasonal")), "Seasonal calendar"},
		{"model followups", "en", say("en", Model("builtin-followups")), "Follow-up rules"},
		{"model inventory", "de", say("de", Model("builtin-inventory")), "Bestandsprüfung"},
		{"model msp", "en", say("en", Model("builtin-msp")), "Contract renewals"},
		{"model quote", "fr", say("fr", Model("builtin-quote")), "Assistant de devis"},
		{"model visits", "es", say("es", Model("builtin-visits")), "Planificador de visitas"},
		{"model tickets", "en", say("en", Model("builtin-3-tickets")), "Ticket assistant (v3)"},
		{"model unknown", "en", say("en", Model("builtin-someday")), "Built-in assistant"},
		{"model analytics", "en", say("en", Model("analytics-1 / holt-linear")), "KPI computation"},
		{"actor", "en", say("en", Actor("Asistan", 0)), i18n.For("en").T("inbox.author.ai")},
		{"event", "ar", say("ar", Event("recommendation_rejected", map[string]string{"actor": "talha"})), "رفض talha التوصية"},
		{"log triage", "en", say("en", LogSummary("ai_triage", "urgency 40, qualification 80, sentiment 60; tr · 250 m² · lock_paver · handoff: price", "{}")...),
			"Urgency 40 · qualification 80 · sentiment 60 · Language: Turkish · 250 m² · interlocking paver · needs a person: asks for a price"},
		{"log decision", "tr", say("tr", LogSummary("recommendation_approved", "Fiyat talebi: ? → approved", `{"action_type":"pricing"}`)...),
			i18n.For("tr").T("approvals.type_pricing")},
		{"log plain", "en", say("en", LogSummary("login", "signed in", "{}")...), ""},
		{"log export", "tr", say("tr", LogSummary("list_exported", "conversations · csv · channel=whatsapp · q=parke",
			`{"list":"conversations","format":"csv","filters":{"channel":"whatsapp","q":"parke"}}`)...),
			"Konuşmalar · CSV · Arama: «parke» · Listenin o anki süzgeçleriyle"},
		{"log restore", "tr", say("tr", Action("restore")) + " · " + say("tr", LogSummary("restore",
			"tenant restored from the backup: the restored log ends at row 549; before the restore platform.db recorded row 559 as the newest, so rows 550–559 are not in this file",
			`{"restored_newest":549,"previous_head_id":559,"previous_head_hash":"ab","timestamp":"2026-12-04T15:56:00Z"}`)...),
			"Yedekten geri yüklendi · 550–559 numaralı satırlar geri yüklenen dosyada yok: geri yüklenen andan sonra yazılmışlardı."},
		{"log key rotated", "tr", say("tr", Action("audit_key_rotated")) + " · " + say("tr", LogSummary("audit_key_rotated", "audit key generation 2 started", `{"generation":2}`)...),
			"Denetim anahtarı yenilendi · Anahtar kuşağı 2"},
		{"log ad spend", "tr", say("tr", Action("ad_spend_saved")) + " · " + say("tr", LogSummary("ad_spend_saved", "ad spend bahar-bahce 2026-12",
			`{"campaign":"bahar-bahce","month":"2026-12","amount_minor":640000,"removed":false}`)...),
			"Reklam harcaması kaydedildi · Kampanya: «bahar-bahce» · Ay: Ara\u00a02026"},
		{"log refused mail", "en", say("en", Action("message_refused")) + " · " + say("en", LogSummary("message_refused", "e-mail refused", `{"size":12}`)...),
			"E-mail refused: it could not be read · "},
		{"log conversion settings", "en", say("en", Action("conversion_settings_saved")), "Conversion tracking settings saved"},
		{"log kpi", "tr", say("tr", LogSummary("refresh", "snapshot 12 built (button): 324 leads, paid 17694609.00 TRY, ROI 433590.3%, 2 new recommendations", "{}")...),
			"Şimdi yenile'ye basıldı · Müşteri adayları: 324 · Tahsil edilen gelir: 17.694.609,00 ₺ · Yeni öneriler: 2"},
		{"log export plain", "en", say("en", LogSummary("list_exported", "time-entries · xlsx", `{"list":"time-entries","format":"xlsx","filters":{}}`)...),
			"Timesheet · Excel (XLSX)"},
	} {
		if c.got != c.want {
			t.Errorf("%s (%s):\n got %q\nwant %q", c.name, c.lang, c.got, c.want)
		}
	}
}

// TestRecWorded: a recommendation's stored kind and parameters make its title and summary in
// any language; a row without them shows its stored text.
func TestRecWorded(t *testing.T) {
	r := Rec{Kind: "pricing", Products: []string{"lock_paver"}, Thickness: 8, Area: 800, Case: "estimate",
		Names: []string{"Kilit Parke 8 cm"}, WasteLo: 5, WasteHi: 8, Min: 285600, Max: 293800, Currency: "TRY"}
	if got := say("en", RecTitle(r.JSON(), "Fiyat talebi: lock_paver, 8 cm, 800 m²")); got != "Price request: interlocking paver, 8 cm, 800 m²" {
		t.Errorf("title en: %q", got)
	}
	if got := say("tr", RecTitle(r.JSON(), "")); got != "Fiyat talebi: kilit parke, 8 cm, 800 m²" {
		t.Errorf("title tr: %q", got)
	}
	sum := say("en", RecSummary(r.JSON(), "")...)
	for _, w := range []string{"The customer asks for a price.", "800 m² × Kilit Parke 8 cm", "waste allowance 5–8%", "285,600"} {
		if !strings.Contains(sum, w) {
			t.Errorf("summary en %q lacks %q", sum, w)
		}
	}
	if got := say("en", RecTitle("", "Typed by a person")); got != "Typed by a person" {
		t.Errorf("old row: %q", got)
	}
	if got := say("ar", RecTitle(Rec{Kind: "delivery_date", Word: "Perşembe"}.JSON(), "")); got != "طلب موعد التسليم" {
		t.Errorf("date title ar: %q", got)
	}
	if got := say("en", RecSummary(Rec{Kind: "delivery_date", Word: "Perşembe"}.JSON(), "")...); !strings.HasSuffix(got, "«Perşembe»") {
		t.Errorf("date summary quotes the customer's word: %q", got)
	}
	lg := Rec{Key: "analytics.rec.leadgen", SummaryArgs: []any{3, 12}}
	if got := say("en", RecSummary(lg.JSON(), "")...); got != "3 new leads in the last 30 days against 12 in the 30 days before." {
		t.Errorf("catalog rec: %q", got)
	}
	// A seasonal date's expected demand is a signed percentage as the language writes one, also
	// for a row stored before (its args decoded from JSON).
	for _, c := range []struct {
		lang string
		pct  int
		want string
	}{{"tr", 250, "talebin +%250 olmasını"}, {"tr", -30, "talebin -%30 olmasını"}, {"en", 250, "you expect +250% demand"}} {
		sr := Rec{Key: "seasonal.rec.soon_nolast", TitleArgs: []any{"Anneler Günü", 14}, Day: "2027-05-09", SummaryArgs: []any{c.pct}}
		if got := say(c.lang, RecSummary(sr.JSON(), "")...); !strings.Contains(got, c.want) || strings.Contains(got, "%!") {
			t.Errorf("seasonal summary %s %d: %q, want %q in it", c.lang, c.pct, got, c.want)
		}
	}
}

// TestEveryBuiltinModelNamed: every "builtin-…" model name the code writes has a name of its
// own or is a version of the assistant — none reads as a made-up version ("vseasonal").
func TestEveryBuiltinModelNamed(t *testing.T) {
	t.Parallel()
	seen := codeLiterals(t, regexp.MustCompile(`"(builtin-[a-z0-9.-]+)"`))
	if len(seen) < 5 {
		t.Fatalf("found only %v: the scan is broken", seen)
	}
	for name := range seen {
		ph := Model(name)
		if ph.Key == "words.model.builtin_named" {
			t.Errorf("%s has no name of its own: add it to builtinNamed or builtinVariants", name)
		}
		for _, lang := range []string{"tr", "en", "ar"} {
			got := i18n.For(lang).Say(ph)
			if strings.Contains(got, strings.TrimPrefix(name, "builtin-")) && !isVersion(strings.TrimPrefix(name, "builtin-")) {
				t.Errorf("%s in %s reads %q: the code shows through", name, lang, got)
			}
		}
	}
}

// TestEveryModelNameWorded: the action log's Model column showed the codes some rows are written
// with — "customer" (a quote accepted on its page), "system", "sla-policy", "demo-seed",
// "builtin" — on Turkish and Arabic pages. Every model name the code writes as a literal reads
// as words in the reader's language.
func TestEveryModelNameWorded(t *testing.T) {
	t.Parallel()
	seen := codeLiterals(t, regexp.MustCompile(`ModelName: *"([a-z0-9.-]+)"`))
	if !seen["customer"] || !seen["human-review"] {
		t.Fatalf("found only %v: the scan is broken", seen)
	}
	for name := range seen {
		for _, lang := range []string{"tr", "en", "ar"} {
			if got := i18n.For(lang).Say(Model(name)); got == name || got == "" {
				t.Errorf("%s in %s reads %q: the code shows through", name, lang, got)
			}
		}
	}
}

// codeLiterals is the first group of lit in every non-test Go file of app/, as a set.
func codeLiterals(t *testing.T, lit *regexp.Regexp) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}
