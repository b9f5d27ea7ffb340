package app_test

import (
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/guide"
)

// guideFiles returns lang → file names (NN-slug.md) → content.
func guideFiles(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, lang := range []string{"en", "tr"} {
		out[lang] = map[string]string{}
		files, err := fs.Glob(guide.FS, lang+"/*.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := fs.ReadFile(guide.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			out[lang][path.Base(f)] = string(b)
		}
	}
	return out
}

// TestGuideHasTwins: every English section has a Turkish twin of the same name and back, and every
// page starts with its "# Title".
func TestGuideHasTwins(t *testing.T) {
	t.Parallel()
	g := guideFiles(t)
	for _, pair := range [][2]string{{"en", "tr"}, {"tr", "en"}} {
		for name := range g[pair[0]] {
			if _, ok := g[pair[1]][name]; !ok {
				t.Errorf("guide/%s/%s has no twin guide/%s/%s", pair[0], name, pair[1], name)
			}
		}
	}
	for lang, files := range g {
		for name, body := range files {
			if !strings.HasPrefix(body, "# ") {
				t.Errorf("guide/%s/%s does not start with a # Title line", lang, name)
			}
		}
	}
}

// routeInGuide finds route-like paths: a slash that starts a word (not the middle of a file path
// such as /etc/... or a URL's own path after a host is fine too) followed by a known top segment.
var routeInGuide = regexp.MustCompile(`(^|[^A-Za-z0-9_./\-~])(/(?:app|api|widget|guide|kvkk|healthz|readyz|metrics|login|logout|products|customers|orders|invoices|repair-requests)(?:[A-Za-z0-9_\-./<>{}]*)?)`)

// placeholder matches what the guide writes for a variable part of a path.
var placeholder = regexp.MustCompile(`<[^>]*>|\{[^}]*\}`)

// guidePaths returns every route-like path of the guide with placeholders filled, mapped to where
// it was found.
func guidePaths(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for lang, files := range guideFiles(t) {
		for name, body := range files {
			for _, m := range routeInGuide.FindAllStringSubmatch(body, -1) {
				p := strings.TrimRight(m[2], ".,:;")
				p = placeholder.ReplaceAllStringFunc(p, func(ph string) string {
					switch {
					case strings.Contains(ph, "slug"):
						return "acme"
					case strings.Contains(ph, "section"):
						return "philosophy"
					}
					return "1"
				})
				out[p] = lang + "/" + name
			}
		}
	}
	return out
}

// TestGuideNamesOnlyRealRoutes: every path the guide mentions is in the route table (a real
// server answers it with something other than the catch-all 404, for some method).
func TestGuideNamesOnlyRealRoutes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	staff := e.User("", "stan", "staff")
	// The route table's own matcher tells "no such route" from "this record does not exist".
	mux := http.NewServeMux()
	for _, rt := range e.Server.Routes(e.Handlers) {
		pattern := rt.Pattern
		mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	}
	paths := guidePaths(t)
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		routed := false
		for _, method := range []string{"GET", "POST"} {
			req, _ := http.NewRequest(method, "http://x"+p, nil)
			if _, pat := mux.Handler(req); pat != "" {
				routed = true
			}
		}
		if !routed {
			t.Errorf("%s names %s, which no route serves", paths[p], p)
			continue
		}
		if r := staff.Get(p); r.StatusCode >= 500 {
			t.Errorf("%s names %s: GET answers %d", paths[p], p, r.StatusCode)
		}
	}
	if len(keys) == 0 {
		t.Fatal("the guide names no route at all; the scanner is broken")
	}
}

// settingAssign finds key=value written in prose or a command (not a query string parameter).
var settingAssign = regexp.MustCompile("(^|[\\s`\"'(])([a-z][a-z0-9_]*)=")

// settingWord finds backticked snake_case words with a prefix only settings use.
var settingWord = regexp.MustCompile("`((?:whatsapp|telegram|ai|chat|primary|privacy|monthly|consent|landing)_[a-z0-9_]+)`")

// notSettings are snake_case words with a setting-like prefix that name something else
// (a provider, a field, a scope, a Meta permission).
var notSettings = map[string]bool{"ai_triage": true, "ai_mode": true, "ai_usage": true, "ai_review": true,
	"whatsapp_webhook": true, "chat_pack": true, "whatsapp_business_messaging": true}

// queryParams are the inbox's bookmarkable filter parameters (guide: 06-inbox.md) and the fields of
// the Bot API's setWebhook call (30-telegram.md); the guide writes them as key=value on their own,
// and they are not settings.
var queryParams = map[string]bool{"q": true, "state": true, "channel": true, "handoff": true, "assigned": true,
	"tag": true, "unread": true, "sort": true, "cursor": true, "url": true, "secret_token": true}

// journalFields are the key=value words of systemd's own journal lines the guide quotes
// ("Main process exited, code=exited, status=65/DATAERR"); they are not settings either.
var journalFields = map[string]bool{"code": true, "status": true}

// TestGuideNamesOnlyRealSettings: every setting the guide names exists.
func TestGuideNamesOnlyRealSettings(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, k := range app.TenantSettings().Keys() {
		known[k] = true
	}
	for lang, files := range guideFiles(t) {
		for name, body := range files {
			for _, m := range settingAssign.FindAllStringSubmatch(body, -1) {
				if !known[m[2]] && !queryParams[m[2]] && !journalFields[m[2]] {
					t.Errorf("guide/%s/%s sets %s=…, which is not a tenant setting", lang, name, m[2])
				}
			}
			for _, m := range settingWord.FindAllStringSubmatch(body, -1) {
				if !known[m[1]] && !notSettings[m[1]] {
					t.Errorf("guide/%s/%s names setting %s, which does not exist", lang, name, m[1])
				}
			}
		}
	}
}

// TestGuideKeepsTheSignedInTopBar: the guide is public, yet a signed-in person reading it keeps
// the panel's top bar (app menu, bell, user menu) in the language the link asks for; a stranger
// gets the public bar.
func TestGuideKeepsTheSignedInTopBar(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "olga", "operator")
	for _, path := range []string{"/guide?lang=en", "/guide/inbox?lang=en"} {
		r := op.Get(path)
		d := r.Doc(t)
		if r.StatusCode != http.StatusOK || d.Find(`a[href="/app/inbox/"]`).Length() == 0 || d.Find(`a.bell`).Length() != 1 ||
			!strings.Contains(d.Find(".user-menu summary, details summary").Text(), "olga") {
			t.Errorf("%s signed in: %d, app menu %d, bell %d", path, r.StatusCode, d.Find(`a[href="/app/inbox/"]`).Length(), d.Find(`a.bell`).Length())
		}
		if lang, _ := d.Find("html").Attr("lang"); lang != "en" {
			t.Errorf("%s signed in: page language %q, want en", path, lang)
		}
		a := e.Client().Get(path)
		if ad := a.Doc(t); a.StatusCode != http.StatusOK || ad.Find(`a[href="/app/inbox/"]`).Length() != 0 || ad.Find(`a[href="/login/"]`).Length() == 0 {
			t.Errorf("%s as a stranger: %d, app menu %d", path, a.StatusCode, ad.Find(`a[href="/app/inbox/"]`).Length())
		}
	}
}

// TestUpdatingTellsEarlierInstallsToAddRestartPrevent: the unit gained RestartPreventExitStatus=65
// after owners had installed from earlier guides, whose units lack it, and "Updating" (the page
// such an owner reads next) did not say to add it: their systemd would go on restarting a program
// older than its data every five seconds. The Updating section of both languages, and the README
// beside its unit, say to add the line.
func TestUpdatingTellsEarlierInstallsToAddRestartPrevent(t *testing.T) {
	t.Parallel()
	files := guideFiles(t)
	for lang, head := range map[string]string{"en": "## Updating\n", "tr": "## Güncelleme\n"} {
		body := files[lang]["29-installing-on-a-vps.md"]
		i := strings.Index(body, head)
		if i < 0 {
			t.Fatalf("guide/%s: no %q", lang, head)
		}
		sec := body[i+len(head):]
		if j := strings.Index(sec, "\n### "); j >= 0 {
			sec = sec[:j]
		}
		if !strings.Contains(sec, "RestartPreventExitStatus=65") || !strings.Contains(sec, "daemon-reload") {
			t.Errorf("guide/%s's Updating does not tell an earlier unit to add RestartPreventExitStatus=65:\n%s", lang, sec)
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "lacks `RestartPreventExitStatus=65`") {
		t.Errorf("the README does not tell an earlier unit to add RestartPreventExitStatus=65")
	}
}

// settingLabels are the tenant settings a panel page shows as a labelled field, with the catalog
// key of that label (the settings pages, the staff console's business page).
var settingLabels = map[string]string{
	"ai_provider": "staff.ai_provider", "ai_base_url": "staff.ai_base_url", "ai_model": "staff.ai_model",
	"ai_api_key": "staff.ai_api_key", "privacy_profile": "settings.ai_privacy", "monthly_budget_usd": "staff.ai_budget",
	"primary_locale": "settings.primary_locale", "niche": "settings.niche", "greeting": "settings.greeting",
	"privacy_notice": "settings.privacy_notice", "consent_required": "settings.consent_required",
	"chat_widget_enabled": "settings.widget_enabled", "landing_enabled": "settings.landing_enabled",
	"require_2fa": "settings.require_2fa", "business_details": "quotes.settings.details_label",
	"media_quota_mb": "media.settings.quota", "visit_duration_min": "visits.settings.duration",
	"visit_travel_buffer_min": "visits.settings.buffer", "phone_region": "settings.phone_region",
}

// TestGuideShowsSettingLabels: a guide page that tells its reader about a setting the panel shows
// as a labelled field names it by that label, in the page's language — the Turkish first page
// said `ai_provider` and `privacy_profile`, words no operator sees anywhere. The key itself is
// written only where the reader types it: a `highvibe tenant set` command (key=value) and the
// widget's JSON API, whose fields are named as sent.
func TestGuideShowsSettingLabels(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, k := range app.TenantSettings().Keys() {
		known[k] = true
	}
	for key, label := range settingLabels {
		if !known[key] {
			t.Errorf("settingLabels names %s, which is not a tenant setting", key)
		}
		for _, lang := range []string{"en", "tr"} {
			if i18n.For(lang).T(label) == label {
				t.Errorf("settingLabels: %s has no %s label %s", key, lang, label)
			}
		}
	}
	for lang, files := range guideFiles(t) {
		for name, body := range files {
			for i, line := range strings.Split(body, "\n") {
				if strings.Contains(line, "highvibe ") || strings.Contains(line, "/api/") {
					continue
				}
				for key, label := range settingLabels {
					if strings.Contains(line, "`"+key+"`") {
						t.Errorf("guide/%s/%s:%d names the setting `%s`; write its label as the panel shows it: **%s**",
							lang, name, i+1, key, i18n.For(lang).T(label))
					}
				}
			}
		}
	}
}

// movedSections are guide addresses that were merged into another section or renamed, with the
// section that holds their text now, its title in each language, and the headings (their ids) of
// the old page, which the new one keeps so that a bookmarked /guide/<old>#part still finds its place.
var movedSections = []struct {
	old, to        string
	title, anchors map[string][]string
}{
	{"leads-and-stages", "leads-and-pipeline",
		map[string][]string{"en": {"Leads and the pipeline"}, "tr": {"Müşteri adayları ve satış hattı"}},
		map[string][]string{"en": {"how-messages-find-their-lead", "stages-and-sources", "how-the-stage-follows-the-conversations", "stage-rules"},
			"tr": {"mesajlar-adaylarn-nasl-bulur", "aamalar-ve-kaynaklar", "aama-konumalar-nasl-izler", "aama-kurallar"}}},
	{"privacy-kvkk", "privacy-notice-and-consent",
		map[string][]string{"en": {"Privacy notice and consent (KVKK)"}, "tr": {"KVKK aydınlatma metni ve onay"}},
		map[string][]string{"en": {"the-privacy-notice", "consent", "what-is-stored-and-where", "requests-from-customers"},
			"tr": {"aydnlatma-metni", "onay", "neler-nerede-saklanr", "mteri-talepleri"}}},
	{"niches-and-modules", "niches",
		map[string][]string{"en": {"Niches: what the assistant knows"}, "tr": {"Sektörler: asistanın bildikleri"}},
		map[string][]string{"en": {"custom-niches"}, "tr": {"zel-sektrler"}}},
}

// TestGuideOldAddressesRedirect: three pairs of contents entries looked alike ("Leads" and "Leads
// and the pipeline", "Niches and modules" and "Modules", "Privacy and KVKK" and "Exports and KVKK
// requests"); one page was merged into its twin and two were renamed. A bookmarked or linked old
// address answers 301 with the new one in both languages (the language asked for kept), and the
// new page keeps the old page's headings, so an old #part lands on its text.
func TestGuideOldAddressesRedirect(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Client()
	for _, m := range movedSections {
		if r := c.Get("/guide/" + m.old); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/guide/"+m.to {
			t.Errorf("/guide/%s: %d → %q, want 301 → /guide/%s", m.old, r.StatusCode, r.Header.Get("Location"), m.to)
		}
		for _, lang := range []string{"en", "tr"} {
			r := c.Get("/guide/" + m.old + "?lang=" + lang)
			want := "/guide/" + m.to + "?lang=" + lang
			if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != want {
				t.Errorf("/guide/%s?lang=%s: %d → %q, want 301 → %s", m.old, lang, r.StatusCode, r.Header.Get("Location"), want)
				continue
			}
			n := c.Get(want)
			d := n.Doc(t)
			if got := strings.TrimSpace(d.Find("article.guide-content h1").First().Text()); n.StatusCode != http.StatusOK || got != m.title[lang][0] {
				t.Errorf("%s: %d, title %q, want %q", want, n.StatusCode, got, m.title[lang][0])
			}
			for _, id := range m.anchors[lang] {
				if d.Find(`article.guide-content [id="`+id+`"]`).Length() != 1 {
					t.Errorf("%s has no #%s, the heading /guide/%s had", want, id, m.old)
				}
			}
			// The contents list offers the new section once and the old one no more.
			if d.Find(`.guide-toc a[href="/guide/`+m.old+`"]`).Length() != 0 || d.Find(`.guide-toc a[href="/guide/`+m.to+`"]`).Length() != 1 {
				t.Errorf("%s: the contents list still offers /guide/%s, or not /guide/%s once", want, m.old, m.to)
			}
		}
	}
}

// guideLinkIn finds a link to a guide section: in the guide's Markdown and the views' HTML
// (/guide/<section>), and a handler's or a channel's Guide: "<section>" field.
var (
	guideLinkIn  = regexp.MustCompile(`/guide/([a-z0-9][a-z0-9-]*)`)
	guideFieldIn = regexp.MustCompile(`Guide:\s*"([a-z0-9][a-z0-9-]*)"`)
)

// TestGuideLinksNameCurrentSections: every in-product "Guide" link and every link between guide
// pages names a section that exists, directly: not a 404, and not an old address that only
// redirects (a link is updated when its section moves).
func TestGuideLinksNameCurrentSections(t *testing.T) {
	t.Parallel()
	links := map[string]string{} // section → where it was found
	for lang, files := range guideFiles(t) {
		for name, body := range files {
			for _, m := range guideLinkIn.FindAllStringSubmatch(body, -1) {
				links[m[1]] = "guide/" + lang + "/" + name
			}
		}
	}
	for _, root := range []string{"../views", "."} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if !strings.HasSuffix(p, ".html") && (!strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go")) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			re := guideLinkIn
			if strings.HasSuffix(p, ".go") {
				re = guideFieldIn
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				links[m[1]] = p
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(links) < 20 {
		t.Fatalf("found only %d guide links; the scanner is broken", len(links))
	}
	e := apptest.New(t)
	c := e.Client()
	for slug, where := range links {
		for _, lang := range []string{"en", "tr"} {
			if r := c.Get("/guide/" + slug + "?lang=" + lang); r.StatusCode != http.StatusOK {
				t.Errorf("%s links /guide/%s, which answers %d %s (%s)", where, slug, r.StatusCode, r.Header.Get("Location"), lang)
			}
		}
	}
}
