package i18n

import (
	"bytes"
	"html/template"
	"reflect"
	"strings"
	"testing"
	"time"
)

// withCatalogs swaps in hand-made catalogs for one test. Tests using it must not run in
// parallel.
func withCatalogs(t *testing.T, cats map[string]map[string]string) {
	t.Helper()
	saved := catalogs
	catalogs = cats
	t.Cleanup(func() { catalogs = saved })
}

func TestFor(t *testing.T) {
	for lang, want := range map[string]string{"tr": "tr", "ar": "ar", "xx": "en", "": "en", "tr-TR": "en", "TR": "en"} {
		if got := For(lang).Lang; got != want {
			t.Errorf("For(%q).Lang = %q, want %q", lang, got, want)
		}
	}
	var nilPrinter *Printer
	if got := nilPrinter.T("nav.inbox"); got != "Inbox" {
		t.Errorf("nil printer T = %q, want English", got)
	}
	if got := (&Printer{}).Int(1250); got != "1,250" {
		t.Errorf("zero printer Int = %q, want English formatting", got)
	}
}

func TestT(t *testing.T) {
	withCatalogs(t, map[string]map[string]string{
		"en": {"only.en": "English only", "both": "Both EN", "greet": "Hello %s, you have %d", "pct": "100%% sure"},
		"tr": {"both": "İkisi TR", "greet": "Merhaba %s, %d var", "pct": "%%100 emin"},
	})
	tr := For("tr")
	scenarios := []struct {
		key  string
		args []any
		want string
	}{
		{"both", nil, "İkisi TR"},
		{"only.en", nil, "English only"},
		{"nowhere", nil, "nowhere"},
		{"nowhere", []any{1}, "nowhere"},
		{"greet", []any{"Ayşe", 3}, "Merhaba Ayşe, 3 var"},
		{"pct", nil, "%100 emin"},
	}
	for _, s := range scenarios {
		if got := tr.T(s.key, s.args...); got != s.want {
			t.Errorf("tr T(%q, %v) = %q, want %q", s.key, s.args, got, s.want)
		}
	}
	if got := For("de").T("greet", "Jo", 2); got != "Hello Jo, you have 2" {
		t.Errorf("language without the key should fall back to English, got %q", got)
	}
}

func TestTRealCatalogs(t *testing.T) {
	scenarios := []struct{ lang, key, want string }{
		{"en", "nav.inbox", "Inbox"},
		{"tr", "nav.inbox", "Gelen kutusu"},
		{"de", "nav.inbox", "Posteingang"},
		{"fr", "nav.inbox", "Messagerie"},
		{"es", "nav.inbox", "Bandeja de entrada"},
		{"ar", "nav.inbox", "صندوق الوارد"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).T(s.key); got != s.want {
			t.Errorf("%s T(%q) = %q, want %q", s.lang, s.key, got, s.want)
		}
	}
	if got := For("tr").T("error.403.body", "İzleyici", "tavsiyeleri onaylamak"); got != "Rolünüz (İzleyici) bu işleme izin vermiyor: tavsiyeleri onaylamak." {
		t.Errorf("tr 403 body = %q", got)
	}
	if got := For("en").T("validation.range", 1, 10); got != "Must be between 1 and 10." {
		t.Errorf("en validation.range = %q", got)
	}
}

func TestHas(t *testing.T) {
	p := For("tr")
	for key, want := range map[string]bool{"nav.inbox": true, "time.days_ago": true, "time.days_ago.one": true, "no.such.key": false, "": false} {
		if got := p.Has(key); got != want {
			t.Errorf("Has(%q) = %v, want %v", key, got, want)
		}
	}
}

// T of a key that exists only in plural forms picks the form by its first argument, the way an
// error's key and count reach it; other arguments follow.
func TestTOfAPluralKey(t *testing.T) {
	for _, s := range []struct {
		lang string
		n    int
		want string
	}{{"en", 1, "1 day ago"}, {"en", 3, "3 days ago"}, {"ar", 2, "منذ يومين"}, {"de", 1, "vor 1 Tag"}} {
		if got := For(s.lang).T("time.days_ago", int64(s.n)); got != s.want {
			t.Errorf("%s T(time.days_ago, int64(%d)) = %q, want %q", s.lang, s.n, got, s.want)
		}
		if got := For(s.lang).T("time.days_ago", s.n); got != s.want {
			t.Errorf("%s T(time.days_ago, %d) = %q, want %q", s.lang, s.n, got, s.want)
		}
	}
	if got := For("en").T("time.days_ago", "x"); got != "time.days_ago" {
		t.Errorf("a plural key without a count: %q", got)
	}
}

func TestPlural(t *testing.T) {
	scenarios := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 days ago"},
		{"en", 1, "1 day ago"},
		{"en", 2, "2 days ago"},
		{"en", 21, "21 days ago"},
		{"tr", 1, "1 gün önce"},
		{"tr", 5, "5 gün önce"},
		{"fr", 0, "il y a 0 jour"},
		{"fr", 1, "il y a 1 jour"},
		{"fr", 2, "il y a 2 jours"},
		{"de", 1, "vor 1 Tag"},
		{"de", 3, "vor 3 Tagen"},
		{"es", 1, "hace 1 día"},
		{"es", 4, "hace 4 días"},
		{"ar", 0, "اليوم"},
		{"ar", 1, "منذ يوم"},
		{"ar", 2, "منذ يومين"},
		{"ar", 3, "منذ 3 أيام"},
		{"ar", 10, "منذ 10 أيام"},
		{"ar", 11, "منذ 11 يومًا"},
		{"ar", 99, "منذ 99 يومًا"},
		{"ar", 100, "منذ 100 يوم"},
		{"ar", 102, "منذ 102 يوم"},
		{"ar", 103, "منذ 103 أيام"},
		{"ar", 111, "منذ 111 يومًا"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Plural("time.days_ago", s.n); got != s.want {
			t.Errorf("%s Plural(time.days_ago, %d) = %q, want %q", s.lang, s.n, got, s.want)
		}
	}
}

func TestPluralCategory(t *testing.T) {
	scenarios := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "one"}, {"en", 0, "other"}, {"en", -1, "one"}, {"tr", 1, "one"}, {"tr", 2, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 3, "few"}, {"ar", 10, "few"},
		{"ar", 11, "many"}, {"ar", 99, "many"}, {"ar", 100, "other"}, {"ar", 101, "other"},
		{"ar", 102, "other"}, {"ar", 103, "few"}, {"ar", 1011, "many"},
	}
	for _, s := range scenarios {
		if got := pluralCategory(s.lang, s.n); got != s.want {
			t.Errorf("pluralCategory(%s, %d) = %q, want %q", s.lang, s.n, got, s.want)
		}
	}
}

func TestPluralFallbacks(t *testing.T) {
	withCatalogs(t, map[string]map[string]string{
		"en": {"files.one": "%d file in %s", "files.other": "%d files in %s", "plain": "plain %d in %s", "empty.zero": "no items", "empty.other": "%d items"},
		"tr": {"files.other": "%[2]s içinde %[1]d dosya"},
		"ar": {"files.other": "%d ملف في %s", "files.two": "ملفان في %[2]s"},
	})
	scenarios := []struct {
		lang string
		key  string
		n    int
		want string
	}{
		{"en", "files", 1, "1 file in Inbox"},
		{"tr", "files", 1, "Inbox içinde 1 dosya"}, // .one missing in tr: its .other, not English
		{"ar", "files", 2, "ملفان في Inbox"},       // spelled-out dual, count dropped by index
		{"ar", "files", 7, "7 ملف في Inbox"},       // .few missing: .other
		{"de", "files", 3, "3 files in Inbox"},     // no German forms: English
		{"en", "plain", 4, "plain 4 in Inbox"},     // not a plural key: plain message
		{"en", "empty", 0, "no items"},             // .zero used when present, even in English
		{"tr", "nowhere", 3, "nowhere"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Plural(s.key, s.n, "Inbox"); got != s.want {
			t.Errorf("%s Plural(%q, %d) = %q, want %q", s.lang, s.key, s.n, got, s.want)
		}
	}
}

func TestLoginThrottledPlural(t *testing.T) {
	for lang, want := range map[string]string{
		"en": "Too many attempts. Try again in 1 second.",
		"tr": "Çok fazla deneme yapıldı. 1 saniye sonra tekrar deneyin.",
		"ar": "محاولات كثيرة جدًا. حاول مرة أخرى بعد ثانية واحدة.",
	} {
		if got := For(lang).Plural("login.throttled", 1); got != want {
			t.Errorf("%s login.throttled(1) = %q, want %q", lang, got, want)
		}
	}
	if got := For("en").Plural("login.throttled", 30); got != "Too many attempts. Try again in 30 seconds." {
		t.Errorf("en login.throttled(30) = %q", got)
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, time.November, 22, 14, 5, 0, 0, time.UTC)
	scenarios := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 10 * time.Second, "just now"},
		{"en", 5 * time.Minute, "5 min ago"},
		{"tr", 5 * time.Minute, "5 dk önce"},
		{"de", 5 * time.Minute, "vor 5 Min."},
		{"fr", 5 * time.Minute, "il y a 5 min"},
		{"es", 5 * time.Minute, "hace 5 min"},
		{"ar", 5 * time.Minute, "منذ 5 دقائق"},
		{"tr", 0, "az önce"},
		{"en", time.Hour, "1 hour ago"},
		{"en", 3*time.Hour + 59*time.Minute, "3 hours ago"},
		{"ar", 2 * time.Hour, "منذ ساعتين"},
		{"en", 24 * time.Hour, "1 day ago"},
		{"tr", 29 * 24 * time.Hour, "29 gün önce"},
		{"tr", 30 * 24 * time.Hour, "23.10.2026"},
		{"en", -30 * time.Second, "just now"},
		{"en", -2 * time.Hour, "Nov 22, 2026 4:05 PM"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Ago(now, now.Add(-s.d)); got != s.want {
			t.Errorf("%s Ago(-%v) = %q, want %q", s.lang, s.d, got, s.want)
		}
	}
}

func TestFuncMap(t *testing.T) {
	at := time.Date(2026, time.November, 22, 14, 5, 0, 0, time.UTC)
	var never *time.Time
	data := map[string]any{
		"Role": "<b>viewer</b>", "Action": `approve "it" & <script>alert(1)</script>`,
		"N": int64(3), "Count": uint32(1250), "Score": float32(12.5), "Total": 1250.5,
		"At": at, "AtPtr": &at, "Never": never,
	}
	page := `{{t "nav.inbox"}}|{{t "error.403.body" .Role .Action}}|{{plural "time.days_ago" .N}}|` +
		`{{int .Count}}|{{num .Total 2}}|{{pct .Score 1}}|{{money .Total "TRY"}}|` +
		`{{date .At}}|{{datetime .AtPtr}}|{{date .Never}}|{{ago .At}}`
	tmpl := template.Must(template.New("page").Funcs(For("tr").FuncMap()).Parse(page))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(buf.String(), "|")
	if len(parts) != 11 {
		t.Fatalf("unexpected output %q", buf.String())
	}
	want := []string{
		"Gelen kutusu",
		"Rolünüz (&lt;b&gt;viewer&lt;/b&gt;) bu işleme izin vermiyor: approve &#34;it&#34; &amp; &lt;script&gt;alert(1)&lt;/script&gt;.",
		"3 gün önce", "1.250", "1.250,50", "%12,5", "1.250,50 ₺", "22.11.2026", "22.11.2026 14:05", "",
	}
	for i, w := range want {
		if parts[i] != w {
			t.Errorf("part %d = %q, want %q", i, parts[i], w)
		}
	}
	if strings.Contains(buf.String(), "<script>") {
		t.Error("user text reached the page unescaped")
	}
	if parts[10] == "" {
		t.Error("ago rendered nothing")
	}
}

// TestFuncMapReturnsPlainStrings: a func returning template.HTML would bypass escaping for
// whatever a translator or a user put into the message.
func TestFuncMapReturnsPlainStrings(t *testing.T) {
	want := []string{"t", "unit", "plural", "int", "num", "pct", "spct", "money", "amountvalue", "wholemoney", "label", "list", "listsep", "say", "date", "day", "datetime", "ago", "month", "back", "forward", "zone"}
	fm := For("ar").FuncMap()
	if len(fm) != len(want) {
		t.Errorf("FuncMap has %d funcs, want exactly %v", len(fm), want)
	}
	stringType := reflect.TypeFor[string]()
	for _, name := range want {
		f, ok := fm[name]
		if !ok {
			t.Errorf("FuncMap lacks %q", name)
			continue
		}
		ft := reflect.TypeOf(f)
		if ft.Kind() != reflect.Func || ft.NumOut() == 0 || ft.Out(0) != stringType {
			t.Errorf("%s has type %v, want a func whose first result is a plain string", name, ft)
		}
	}
}

// TestArrowsFollowTheReading: a previous link's arrow points where the page starts reading, a
// next link's where it goes on (left to right, and right to left in Arabic).
func TestArrowsFollowTheReading(t *testing.T) {
	for lang, want := range map[string]string{"tr": "← →", "en": "← →", "de": "← →", "fr": "← →", "es": "← →", "ar": "→ ←"} {
		var b bytes.Buffer
		if err := template.Must(template.New(lang).Funcs(For(lang).FuncMap()).Parse(`{{back}} {{forward}}`)).Execute(&b, nil); err != nil || b.String() != want {
			t.Errorf("%s: back and forward %q (%v), want %q", lang, b.String(), err, want)
		}
	}
}

func TestFuncMapRejectsWrongTypes(t *testing.T) {
	for name, page := range map[string]string{
		"int":  `{{int "12"}}`,
		"num":  `{{num "x" 2}}`,
		"date": `{{date "2026-11-22"}}`,
		"ago":  `{{ago 5}}`,
	} {
		tmpl := template.Must(template.New(name).Funcs(For("en").FuncMap()).Parse(page))
		if err := tmpl.Execute(&bytes.Buffer{}, nil); err == nil {
			t.Errorf("%s accepted a wrong type", name)
		}
	}
}

func TestPrinterConcurrentUse(t *testing.T) {
	done := make(chan string)
	for _, lang := range Langs {
		go func() {
			p := For(lang)
			done <- p.T("nav.inbox") + p.Money(1, "TRY") + p.Plural("time.days_ago", 3)
		}()
	}
	for range Langs {
		<-done
	}
}

// TestLabel: stored words and lists of them read in the page's language; free text stays as typed.
func TestLabel(t *testing.T) {
	tr := For("tr")
	cases := []struct{ prefix, in, want string }{
		{"inbox.reason.", "stock, firm_price", "stok sorusu, kesin fiyat istiyor"},
		{"inbox.reason.", "Stok ve teslim soruldu", "Stok ve teslim soruldu"},
		{"analytics.stage.", "won", "Kazanıldı"},
		{"inbox.source.", "landing", "Tanıtım sayfası"},
		{"inbox.reason.", "", ""},
	}
	for _, c := range cases {
		if got := tr.Label(c.prefix, c.in); got != c.want {
			t.Errorf("Label(%q, %q) = %q, want %q", c.prefix, c.in, got, c.want)
		}
	}
}

// TestListJoiner: a list shown to people is joined the way its language writes one, through the
// one helper: Arabic with its own comma («، », U+060C), the other languages with ", ". Stored
// lists of words (Label), lists of phrases (Say) and the template functions use it.
func TestListJoiner(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		sep := ", "
		if lang == "ar" {
			sep = "\u060c "
		}
		if got := p.ListSep(); got != sep {
			t.Errorf("%s: ListSep() = %q, want %q", lang, got, sep)
		}
		if got, want := p.List([]string{"Ali", "Veli", "Ayşe"}), "Ali"+sep+"Veli"+sep+"Ayşe"; got != want {
			t.Errorf("%s: List = %q, want %q", lang, got, want)
		}
		if got, want := p.Label("inbox.reason.", "stock, firm_price"), p.T("inbox.reason.stock")+sep+p.T("inbox.reason.firm_price"); got != want {
			t.Errorf("%s: Label = %q, want %q", lang, got, want)
		}
		if got, want := p.arg([]Phrase{P("inbox.reason.stock"), P("inbox.reason.date")}), p.T("inbox.reason.stock")+sep+p.T("inbox.reason.date"); got != want {
			t.Errorf("%s: a list of phrases = %q, want %q", lang, got, want)
		}
		var b bytes.Buffer
		tpl := template.Must(template.New("x").Funcs(p.FuncMap()).Parse(`{{list .}}|{{range $i, $n := .}}{{if $i}}{{listsep}}{{end}}<b>{{$n}}</b>{{end}}`))
		if err := tpl.Execute(&b, []string{"Ali", "Veli"}); err != nil {
			t.Fatal(err)
		}
		if got, want := b.String(), template.HTMLEscapeString("Ali"+sep+"Veli")+"|<b>Ali</b>"+template.HTMLEscapeString(sep)+"<b>Veli</b>"; got != want {
			t.Errorf("%s: templates = %q, want %q", lang, got, want)
		}
	}
}
