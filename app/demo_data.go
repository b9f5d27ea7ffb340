package app

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels"
	"highvibe/app/crm"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Demo scenario texts; tests and the guide's worked example (13-worked-example.md) refer to them.
const (
	DemoScenarioA    = "200 m² villa bahçesi, gri granit istiyorum, rough budget?"
	DemoScenarioB    = "800 m² kilit parke 8 cm, 2 haftada teslim — stok var mı?"
	DemoLostReasonC  = "rakip firma işçilikte %12 ucuz verdi"
	demoLeadCount    = 320
	demoExternalMark = "demo-" // leads.external_id prefix: marks seeded rows so a second run adds nothing
)

// seedDemoLeads creates six months of leads, conversations, message threads, tags, next actions,
// handoffs and the three scenarios, in ONE transaction through the owning rooms' functions: leads
// with inbox.UpsertLead, customers with crm.SaveCustomer, whole past threads with
// inbox.InsertHistory (no action log or assistant job per message: going through
// inbox.Service.Ingest row by row would be slow and make the demo noisy at start). The scenarios
// A and B DO go through the inbox service, exactly as the widget and the WhatsApp webhook would
// store them.
func seedDemoLeads(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	if id, err := inbox.LeadIDByExternal(ctx, db.Read, demoExternalMark+"lead-0"); err != nil {
		return fmt.Errorf("demo: looking for seeded leads: %w", err)
	} else if id != 0 {
		return nil
	}
	var talha int64
	if u, err := s.Platform.UserByUsername(ctx, DemoUser); err == nil {
		talha = u.ID
	}
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return err
	}
	sched, err := hours.New(demoHours())
	if err != nil {
		return err
	}
	g := &demoGen{r: rand.New(rand.NewPCG(2026, 15)), now: s.demoNow(), talha: talha, sched: sched}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		for i := range demoLeadCount {
			if err := g.lead(ctx, tx, i); err != nil {
				return err
			}
		}
		if err := g.scenarioC(ctx, tx); err != nil {
			return err
		}
		if err := g.scenarioD(ctx, tx, loc); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "demo", ActionType: "seed_leads", Summary: fmt.Sprintf(
			"demo data: %d leads, %d conversations, %d messages over six months", g.leads, g.convs, g.msgs), ModelName: "demo-seed",
			Payload: map[string]any{"leads": g.leads, "conversations": g.convs, "messages": g.msgs}})
		return err
	})
	if err != nil {
		return fmt.Errorf("demo: seeding leads: %w", err)
	}
	return g.scenariosAB(ctx, s, t, db)
}

// demoGen holds the random source and counters of one seeding run.
type demoGen struct {
	r                  *rand.Rand
	now                time.Time
	talha              int64
	leads, convs, msgs int
	wamid              int
	sched              *hours.Schedule // the demo business's usual week (demo_hours.go): when its people work
	lostReason         string          // the lead being seeded: why it was lost, which its thread's end tells
	leadEN             *bool           // the lead being seeded: whether its first conversation is in English (its others are too)
	read               time.Time       // readUntil, once computed
	recentHandoffs     int             // handoffs drawn so far among the ones that still wait (demoRecentHandoffs)
}

// workTime moves t to a moment a person at the demo business would plan work for: t itself on the
// quarter hour when the business is open then with at least half an hour left, else a quarter hour
// in the first five hours of its next opening (picked from t, so the random draws stay as they were).
func (g *demoGen) workTime(t time.Time) time.Time {
	return demoWorkTime(g.sched, t)
}

// readUntil is up to when the demo team has read its inbox: an hour ago while the business is
// open (what came since may wait for the next look), else the end of its last opening — what came
// overnight waits for the morning — but no more than four hours back: the owner looks at the
// panel in the evening and on a Sunday too. Computed once per run.
func (g *demoGen) readUntil() time.Time {
	if g.read.IsZero() {
		g.read = g.now.Add(-time.Hour)
		if spans := g.sched.OpenSpans(g.now.Add(-8*24*time.Hour), g.now); len(spans) > 0 {
			if end := spans[len(spans)-1].To; end.Before(g.read) {
				g.read = end
			}
		}
		if floor := g.now.Add(-4 * time.Hour); g.read.Before(floor) {
			g.read = floor
		}
	}
	return g.read
}

// demoShiftedEnd is how long before now a thread whose team message teamTime moved still ends:
// older than the last two hours, which the assistant triages as the demo starts (seedDemoAI), so a
// moved thread does not add to what it answers "just now".
const demoShiftedEnd = 2*time.Hour + 15*time.Minute

// demoWakeFrom and demoWakeTo bound the hours (local) a person of the demo team answers a
// customer outside the business's hours: a Sunday noon or an evening, never the night.
const demoWakeFrom, demoWakeTo = 8, 21

// awake reports whether t (in the business's zone) is within demoWakeFrom–demoWakeTo.
func (g *demoGen) awake(t time.Time) bool {
	h := t.In(g.sched.Location()).Hour()
	return h >= demoWakeFrom && h < demoWakeTo
}

// wokeSince reports whether a waking hour of the team lies between t and now (a thread begun in
// the small hours of today has had no person to answer it yet).
func (g *demoGen) wokeSince(t time.Time) bool {
	for ; t.Before(g.now); t = t.Add(30 * time.Minute) {
		if g.awake(t) {
			return true
		}
	}
	return g.awake(g.now)
}

// teamTimeBetween is when a person of the team would write a message due at at, between the
// thread's messages at prev and next: at itself in a waking hour, else the business's next
// opening or, failing that, the evening before, as long as it stays ten minutes clear of both.
func (g *demoGen) teamTimeBetween(prev, at, next time.Time) (time.Time, bool) {
	if g.awake(at) {
		return at, true
	}
	next = next.Add(-10 * time.Minute)
	if w := g.workTime(at); !w.Before(at) && w.Before(next) {
		return w, true
	}
	l := at.In(g.sched.Location())
	back := time.Date(l.Year(), l.Month(), l.Day(), demoWakeTo-1, 30+int(at.Unix()/60%15), 0, 0, l.Location())
	if l.Hour() < demoWakeFrom {
		back = back.AddDate(0, 0, -1)
	}
	if back.After(prev.Add(10*time.Minute)) && back.Before(next) {
		return back, true
	}
	return at, false
}

// teamTime moves a message of the team's, due at at after the thread's message at prev, to when a
// person would write it: the business's next opening when the rest of the thread (rest) still
// ends in the past then; else the next waking hour on the same terms; else back to the last
// waking half hour after prev (an evening reply rather than one at 02:00); else the next waking
// hour if it has come, with the rest to be squeezed in; else at itself.
func (g *demoGen) teamTime(prev, at time.Time, rest time.Duration) time.Time {
	limit := g.now.Add(-demoShiftedEnd)
	if w := g.workTime(at); !w.Before(at) && w.Add(rest).Before(limit) {
		return w
	}
	if g.awake(at) {
		return at
	}
	w := at.Truncate(15 * time.Minute)
	for !g.awake(w) {
		w = w.Add(15 * time.Minute)
	}
	if w.Add(rest).Before(limit) {
		return w
	}
	l := at.In(g.sched.Location())
	back := time.Date(l.Year(), l.Month(), l.Day(), demoWakeTo-1, 45, 0, 0, l.Location())
	if l.Hour() < demoWakeFrom {
		back = back.AddDate(0, 0, -1)
	}
	if back.After(prev) {
		return back
	}
	if w.Add(time.Hour).Before(limit) {
		return w // the caller squeezes the rest of the thread in before now
	}
	return at
}

// demoCustomerHours weighs the local hours customers write in: mostly 08:00–20:00 (a dip at
// lunch), some in the evening, hardly any in the small hours.
var demoCustomerHours = [24]int{1, 0, 0, 0, 0, 0, 1, 2, 5, 9, 10, 10, 8, 7, 9, 9, 9, 8, 7, 7, 6, 5, 3, 1}

// demoCustomerWeight is the sum of demoCustomerHours.
var demoCustomerWeight = func() (n int) {
	for _, w := range demoCustomerHours {
		n += w
	}
	return n
}()

// customerHour is when lead i's first message came on t's day (the business's zone): an hour
// drawn by demoCustomerHours, and three Sunday leads in four and two Saturday leads in three moved to
// a weekday before — weekends are lighter. Drawn from a source of its own, so the demo's other
// draws stay as they were; the last half day's leads (what waits as the demo opens) keep their
// time, the last three days' their day, and one whose drawn hour falls in the last half day keeps t's.
func (g *demoGen) customerHour(t time.Time, i int) time.Time {
	if g.now.Sub(t) < 12*time.Hour {
		return t
	}
	r := rand.New(rand.NewPCG(uint64(i), 8))
	l := t.In(g.sched.Location())
	if wd := l.Weekday(); (wd == time.Sunday && r.IntN(4) > 0) || (wd == time.Saturday && r.IntN(3) > 0) && g.now.Sub(t) > 72*time.Hour {
		l = l.AddDate(0, 0, -int(wd+7-time.Friday)%7-r.IntN(5)) // a weekday of the week before
	}
	for range 4 {
		n := r.IntN(demoCustomerWeight)
		h := 0
		for ; n >= demoCustomerHours[h]; h++ {
			n -= demoCustomerHours[h]
		}
		at := time.Date(l.Year(), l.Month(), l.Day(), h, r.IntN(60), r.IntN(60), 0, l.Location())
		if at.Before(g.now.Add(-12 * time.Hour)) { // not into the last half day either
			return at
		}
	}
	return t
}

// demoWorkTime is demoGen.workTime for a given week.
func demoWorkTime(sched *hours.Schedule, t time.Time) time.Time {
	t = t.Truncate(15 * time.Minute)
	if sched.Open(t) && sched.Open(t.Add(30*time.Minute)) {
		return t
	}
	next, ok := sched.NextOpen(t.Add(time.Hour))
	if !ok {
		return t
	}
	// Spread over the first five hours of the opening (09:00–14:00 on a weekday), not all at nine.
	for q := t.Unix() / 900 % 20; q > 0; q -= 4 {
		if later := next.Add(time.Duration(q) * 15 * time.Minute); sched.Open(later) && sched.Open(later.Add(30*time.Minute)) {
			return later
		}
	}
	return next
}

var (
	demoFirst = []string{"Ahmet", "Mehmet", "Mustafa", "Ayşe", "Fatma", "Emine", "Hüseyin", "İbrahim", "Zeynep", "Elif",
		"Murat", "Serkan", "Gökhan", "Özlem", "Şule", "Çağla", "Burak", "Emre", "Deniz", "Hakan", "Selin", "Tuğba",
		"Oğuz", "Kemal", "Gülşen", "Yasemin", "Cem", "Barış", "Ümit", "Sevgi", "İsmail", "Nurhan", "Ercan", "Büşra"}
	demoLast = []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
		"Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Erdoğan",
		"Güneş", "Aktaş", "Bulut", "Karataş", "Uçar", "Tekin", "Çavuşoğlu", "Işık"}
	demoDistricts = []string{"Çekmeköy", "Beykoz", "Sarıyer", "Silivri", "Büyükçekmece", "Şile", "Gebze", "Tuzla",
		"Kartal", "Pendik", "Ataşehir", "Sancaktepe", "Çatalca", "Darıca", "Başakşehir"}
	demoProducts   = []string{"gri granit küp taş", "begonit", "andezit plak", "bazalt küp taş", "kilit parke 6 cm", "kilit parke 8 cm", "kilit parke 10 cm", "beyaz andezit"}
	demoProductsEN = []string{"grey granite cobbles", "begonit pavers", "andesite slabs", "basalt cobbles", "6 cm interlocking pavers", "8 cm interlocking pavers", "10 cm interlocking pavers"}
	demoPlaces     = []string{"bahçe", "otopark", "villa bahçesi", "site yolu", "havuz çevresi", "fabrika sahası", "garaj yolu"}
	demoPlacesEN   = []string{"garden", "car park", "villa garden", "estate road", "driveway"}
	demoNext       = []string{"Keşif randevusu ayarla", "Alt yapı dahil fiyat teklifi gönder", "Numune taş götür", "Palet sayısını teyit et",
		"Teslim tarihini netleştir", "Kapora ödemesini kontrol et", "Teklif sonrası geri ara", "Nakliye fiyatını sor"}
	demoLostReasons = []string{"fiyat yüksek bulundu", "rakip firma daha hızlı teslim etti", "proje ertelendi", "müşteriye ulaşılamadı", "kendi ustasıyla yaptıracak"}
	// demoLostEnd is how a lost lead's thread ends, by its lost reason (demoLostReasons): the
	// customer's last message, in Turkish and English (one the team could not reach promised to
	// come back, and went silent).
	demoLostEnd = map[string][2]string{
		"fiyat yüksek bulundu":               {"Teklifiniz için teşekkürler ama bütçemizin epey üzerinde kaldı, bu fiyata yaptıramayacağız.", "Thanks for the offer, but it is well above our budget; we can't go ahead at this price."},
		"rakip firma daha hızlı teslim etti": {"Başka bir firma gelecek hafta döşeyebileceğini söyledi, onlarla anlaştık. Teşekkürler.", "Another company can lay it next week, so we went with them. Thanks anyway."},
		"proje ertelendi":                    {"Bütçemiz bu yıl yetmedi, projeyi ilkbahara erteledik. O zaman tekrar yazarız.", "We have put the project off until spring; we'll write again then."},
		"müşteriye ulaşılamadı":              {"Teklifi aldım, eşimle konuşup size döneceğim.", "Got the offer, thanks. I'll talk it over at home and get back to you."},
		"kendi ustasıyla yaptıracak":         {"Döşemeyi kendi ustamıza yaptırmaya karar verdik, ilginiz için teşekkürler.", "We've decided to have our own builder lay it. Thanks for your time."},
	}
	demoDomains = []string{"gmail.com", "hotmail.com", "outlook.com", "yandex.com", "icloud.com"}
)

// pick returns a random element.
func pick[T any](g *demoGen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// sourceFor draws a lead source with the rough mix of a contractor that advertises its widget and
// WhatsApp number.
func (g *demoGen) sourceFor() (source, channel string) {
	x := g.r.IntN(100)
	switch {
	case x < 30:
		return "webchat", "webchat"
	case x < 64:
		return "whatsapp", "whatsapp"
	case x < 70:
		return "telegram", "telegram"
	case x < 77:
		return "email", "email"
	case x < 86:
		return "call", "call"
	case x < 91:
		return "landing", "webchat"
	case x < 96:
		return "referral", "call"
	default:
		return "manual", "manual"
	}
}

// stageFor: the newest leads are still new; a lead older than a few days has been answered, and
// one older than two weeks has mostly reached an outcome (a quote still being weighed stays open
// for a month at most). The open pipeline is what a small team works at once: tens of leads, not
// six months of them.
func (g *demoGen) stageFor(ageDays int) string {
	x := g.r.IntN(100)
	switch {
	case ageDays < 3:
		return []string{"new", "new", "contacted", "qualified"}[x%4]
	case ageDays < 14:
		return []string{"contacted", "qualified", "proposal", "won", "won", "lost", "lost", "lost"}[x%8]
	case ageDays < 30:
		switch {
		case x < 15:
			return "proposal"
		case x < 50:
			return "won"
		}
		return "lost"
	default:
		if x < 35 {
			return "won"
		}
		return "lost"
	}
}

// stateFor maps a lead stage to a conversation state.
func (g *demoGen) stateFor(stage string) string {
	switch stage {
	case "contacted":
		return pick(g, []string{"contacted", "engaged"})
	case "qualified":
		return "qualified"
	case "proposal":
		return pick(g, []string{"offer", "negotiation"})
	}
	return stage // new won lost
}

func (g *demoGen) phone() string {
	op := pick(g, []string{"532", "533", "535", "536", "542", "544", "505", "507", "552", "555"})
	a, b, c := 100+g.r.IntN(900), 10+g.r.IntN(90), 10+g.r.IntN(90)
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("+90 %s %d %d %d", op, a, b, c)
	case 1:
		return fmt.Sprintf("0%s %d %d %d", op, a, b, c)
	default:
		return fmt.Sprintf("0 (%s) %d-%d-%d", op, a, b, c)
	}
}

var demoASCII = strings.NewReplacer("ç", "c", "ğ", "g", "ı", "i", "İ", "i", "ö", "o", "ş", "s", "ü", "u", "Ç", "c", "Ğ", "g", "Ö", "o", "Ş", "s", "Ü", "u")

func (g *demoGen) email(first, last string) string {
	f, l := strings.ToLower(demoASCII.Replace(first)), strings.ToLower(demoASCII.Replace(last))
	switch g.r.IntN(3) {
	case 0:
		return f + "." + l + "@" + pick(g, demoDomains)
	case 1:
		return fmt.Sprintf("%s%s%d@%s", f, l, 60+g.r.IntN(40), pick(g, demoDomains))
	default:
		return f[:1] + l + "@" + pick(g, demoDomains)
	}
}

// honorific is how a Turkish contractor addresses a customer: first name + Bey/Hanım.
func honorific(first string) string {
	for _, f := range []string{"Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Özlem", "Şule", "Çağla", "Selin", "Tuğba", "Gülşen", "Yasemin", "Sevgi", "Nurhan", "Büşra"} {
		if f == first {
			return first + " Hanım"
		}
	}
	return first + " Bey"
}

// demoMsg is one line of a seeded thread.
type demoMsg struct {
	dir, author, body string
}

// thread writes a believable exchange for a conversation that reached stage.
func (g *demoGen) thread(stage string, en bool, first string) []demoMsg {
	m2 := []int{40, 60, 85, 120, 150, 200, 250, 320, 450, 600, 900, 1200}[g.r.IntN(12)]
	palet := (m2 + 10) / 11
	ad := honorific(first)
	var out []demoMsg
	in := func(s string) { out = append(out, demoMsg{"inbound", "customer", s}) }
	ai := func(s string) { out = append(out, demoMsg{"outbound", "ai", s}) }
	user := func(s string) { out = append(out, demoMsg{"outbound", "user", s}) }
	if en {
		prod, place := pick(g, demoProductsEN), pick(g, demoPlacesEN)
		in(fmt.Sprintf("Hi, we need about %d m² of %s for a %s in %s. Could you give me a rough price?", m2, prod, place, pick(g, demoDistricts)))
		if stage == "new" {
			return out
		}
		ai(fmt.Sprintf("Hello %s, thanks for writing. Is the ground soil or concrete today, and will cars drive on it? Our team will confirm prices in a written offer.", first))
		in("Soil, slightly sloped. Yes, two cars will park there.")
		if stage == "contacted" {
			return out
		}
		user(fmt.Sprintf("For car traffic we recommend 8 cm pavers on a gravel and sand base. A pallet covers about 11 m², so roughly %d pallets. Can we visit on Thursday to measure?", palet))
		in("Thursday morning works.")
		if stage == "qualified" {
			return out
		}
		user("The offer is in your inbox: materials, labour and delivery listed separately, valid for 15 days.")
		switch stage {
		case "won":
			in("Looks good, let's go ahead. Please send the deposit details.")
			user("Thank you! Deposit details sent by SMS; delivery is planned within 10 days.")
		case "lost":
			in(demoLostEnd[g.lostReason][1])
		default:
			in("Could you do anything on the labour price?")
		}
		return out
	}
	prod, place, ilce := pick(g, demoProducts), pick(g, demoPlaces), pick(g, demoDistricts)
	switch g.r.IntN(3) {
	case 0:
		in(fmt.Sprintf("Merhaba, %s için %d m² %s düşünüyoruz. Fiyat alabilir miyim?", place, m2, prod))
	case 1:
		in(fmt.Sprintf("İyi günler, %s'de %s yaptıracağız, yaklaşık %d m². Keşfe gelebiliyor musunuz?", ilce, place, m2))
	default:
		in(fmt.Sprintf("Selam, %s stokta var mı? %d m² lazım, %s teslim.", prod, m2, dativeTR(ilce)))
	}
	if stage == "new" {
		return out
	}
	ai(fmt.Sprintf("Merhaba %s, mesajınız için teşekkürler. Mevcut zemin toprak mı, beton mu? Üzerinden araç geçecek mi? Kesin fiyatı ekibimiz yazılı teklifle iletecek.", ad))
	// The owner's advice answers what the customer said of the ground: a path no vehicle uses
	// takes 6 cm, vehicle traffic 8 cm.
	ground := pick(g, []struct{ said, advice string }{
		{"Toprak zemin, biraz eğimli. Araç da girecek.", "Araç trafiği için 8 cm kilit parke ya da 10 cm küp taş öneririz; alt yapı mıcır + kum."},
		{"Eski beton var, kırılması gerekebilir.", "Betonu keşifte kontrol ederiz, gerekirse kırıp alt yapıyı mıcır + kumla yeniden yaparız; araç girecekse 8 cm, girmeyecekse 6 cm kilit parke yeterli."},
		{"Sadece yaya yolu, araç girmeyecek.", "Yaya yolu için 6 cm kilit parke yeterli; alt yapı mıcır + kum."},
	})
	in(ground.said)
	if stage == "contacted" {
		return out
	}
	user(fmt.Sprintf("%s Bir palet yaklaşık 11 m², %d m² için %d palet eder. Perşembe keşfe gelelim mi?", ground.advice, m2, palet))
	in(pick(g, []string{"Perşembe öğleden sonra uygun.", "Hafta sonu olur mu?", "Tamam, adresi konumdan atıyorum."}))
	if stage == "qualified" {
		return out
	}
	user(fmt.Sprintf("%s, teklifinizi e-postayla gönderdim: malzeme, işçilik ve nakliye ayrı kalemler. 15 gün geçerli.", ad))
	switch stage {
	case "won":
		in("Teklif uygun, anlaştık. Kapora için IBAN atar mısınız?")
		user("Teşekkürler! IBAN'ı SMS ile ilettim. Teslim ve döşeme 10 gün içinde planlandı.")
	case "lost":
		_ = g.r.IntN(2) // the draw that picked the ending before it followed the lost reason: the later draws stay as they were
		in(demoLostEnd[g.lostReason][0])
	default:
		in("İşçilikte biraz indirim olur mu? Palet fiyatı da pazarlığa açık mı?")
	}
	return out
}

// lead stores one lead with its conversation(s), messages and tags.
func (g *demoGen) lead(ctx context.Context, tx *sql.Tx, i int) error {
	// Ages skew recent: a business gets more leads as the widget and WhatsApp catch on.
	age := time.Duration(g.r.Float64()*g.r.Float64()*180*24) * time.Hour
	age += time.Duration(g.r.IntN(60)) * time.Minute
	created := g.customerHour(g.now.Add(-age), i)
	// The stage follows the age the lead shows: a weekend lead moved to a weekday of the week
	// before is days older than drawn, and one moved past 30 days has reached its outcome.
	ageDays := int(g.now.Sub(created).Hours() / 24)
	first, last := pick(g, demoFirst), pick(g, demoLast)
	name := first + " " + last
	source, channel := g.sourceFor()
	stage := g.stageFor(ageDays)
	if stage == "qualified" && !g.wokeSince(created) {
		stage = "contacted" // no one has been up to talk to them yet: only the assistant has
	}
	phone, email := g.phone(), ""
	if channel == "email" || g.r.IntN(3) == 0 {
		email = g.email(first, last)
	}
	if channel == "webchat" && g.r.IntN(4) == 0 {
		phone = "" // some widget visitors leave only an e-mail
		if email == "" {
			email = g.email(first, last)
		}
	}
	lostReason := ""
	if stage == "lost" {
		lostReason = pick(g, demoLostReasons)
	}
	ms := created.UnixMilli()
	var consentVer string
	var consentAt int64
	if channel == "webchat" {
		consentVer, consentAt = "kvkk-2025-01", ms
	}
	utmSrc, utmMed, utmCamp := "", "", ""
	if source == "landing" || (source == "webchat" && g.r.IntN(2) == 0) {
		utmSrc, utmMed, utmCamp = pick(g, []string{"google", "instagram", "facebook"}), "cpc", pick(g, []string{"bahar-bahce", "otopark-2025", "villa-peyzaj"})
	}
	var customerID int64
	if stage == "won" {
		c := &crm.Customer{ExternalID: fmt.Sprintf("%scustomer-%d", demoExternalMark, i), Name: name, Phone: phone, Email: email,
			City: pick(g, demoDistricts), CreatedAt: ms}
		if err := crm.SaveCustomer(ctx, tx, c); err != nil {
			return fmt.Errorf("demo: customer: %w", err)
		}
		customerID = c.ID
	}
	leadID, _, err := inbox.UpsertLead(ctx, tx, &inbox.LeadRecord{ExternalID: fmt.Sprintf("%slead-%d", demoExternalMark, i), Name: name,
		Phone: phone, Email: email, Stage: stage, Source: source, LostReason: lostReason, ConsentVersion: consentVer, ConsentAt: consentAt,
		UTM: [5]string{utmSrc, utmMed, utmCamp}, CustomerID: customerID, CreatedAt: ms, ExpectedValue: demoExpectedValue(i, stage)})
	if err != nil {
		return fmt.Errorf("demo: lead: %w", err)
	}
	g.leads++
	g.lostReason, g.leadEN = lostReason, nil
	if err := g.conversation(ctx, tx, leadID, customerID, channel, stage, created, first); err != nil {
		return err
	}
	// About one lead in twelve also wrote on a second channel: the detail page shows it as a sibling.
	if g.r.IntN(12) == 0 && stage != "won" && stage != "lost" {
		other := "whatsapp"
		if channel == "whatsapp" {
			other = "webchat"
		}
		if err := g.conversation(ctx, tx, leadID, customerID, other, "new", created.Add(time.Duration(1+g.r.IntN(48))*time.Hour), first); err != nil {
			return err
		}
	}
	return nil
}

func (g *demoGen) conversation(ctx context.Context, tx *sql.Tx, leadID, customerID int64, channel, stage string, start time.Time, first string) error {
	if start.After(g.now) {
		start = g.now.Add(-time.Minute)
	}
	// A customer writes in one language on every channel: a lead's second conversation takes its
	// first one's (the draw stays, so the later draws do too).
	drawn := g.r.IntN(8) == 0
	en := drawn
	if g.leadEN != nil {
		en = *g.leadEN
	}
	g.leadEN = &en
	msgs := g.thread(stage, drawn, first)
	if en != drawn {
		// Written from a source of its own: the thread in the drawn language took its draws.
		side := *g
		side.r = rand.New(rand.NewPCG(uint64(leadID), 2026))
		msgs = side.thread(stage, en, first)
	}
	state := g.stateFor(stage)
	open := state != "won" && state != "lost"
	// Spread the thread from start towards now, squeezed so the newest message still lies in the
	// past (recent leads get quick exchanges): the assistant answers within minutes, the team
	// within hours, customers take minutes to a day or more.
	gaps := make([]time.Duration, len(msgs))
	var total time.Duration
	for k := 1; k < len(msgs); k++ {
		switch msgs[k].author {
		case "ai":
			gaps[k] = time.Duration(20+g.r.IntN(180)) * time.Second
		case "user":
			gaps[k] = time.Duration(10+g.r.IntN(60*7)) * time.Minute
		default:
			gaps[k] = time.Duration(5+g.r.IntN(60*30)) * time.Minute
		}
		total += gaps[k]
	}
	if room := g.now.Sub(start); total > 0 && total > room*9/10 {
		scale := float64(room) * (0.3 + 0.6*g.r.Float64()) / float64(total)
		for k := range gaps {
			gaps[k] = time.Duration(float64(gaps[k]) * scale)
		}
	}
	// The team writes in its working hours (an offer is not sent at 03:00): a message of theirs
	// that falls outside them waits for the next opening, and the rest of the thread with it
	// (teamTime). The assistant and customers write at any hour.
	var rest time.Duration
	for _, d := range gaps {
		rest += d
	}
	// drawnLast is where the thread would end unmoved: the draws below that depend on its age
	// read it, so moving the team's messages leaves the rest of the demo as it was.
	drawnLast := start.Add(rest)
	times := make([]time.Time, len(msgs))
	at := start
	for k := range msgs {
		at = at.Add(gaps[k])
		rest -= gaps[k]
		if msgs[k].author == "customer" && k > 0 {
			// A customer's answer that would come in the small hours comes in the morning, the
			// rest of the thread after it, when it still ends in the past.
			if l := at.In(g.sched.Location()); l.Hour() < 7 {
				w := time.Date(l.Year(), l.Month(), l.Day(), 7, 30, 0, 0, l.Location()).Add(time.Duration(leadID*13%150) * time.Minute)
				if w.Add(rest).Before(g.now.Add(-demoShiftedEnd)) {
					at = w
				}
			}
		}
		if msgs[k].author == "user" {
			prev, next := start, g.now.Add(-demoShiftedEnd)
			if k > 0 {
				prev = times[k-1]
			}
			if k+1 < len(msgs) {
				next = at.Add(gaps[k+1])
			}
			// Between the messages around it, when it fits there: the rest of the thread keeps its
			// times. Else the rest moves with it (teamTime).
			if w, ok := g.teamTimeBetween(prev, at, next); ok {
				if k+1 < len(msgs) {
					gaps[k+1] = next.Sub(w)
				}
				rest -= w.Sub(at)
				at = w
				times[k] = at
				continue
			}
			at = g.teamTime(prev, at, rest)
			if limit := g.now.Add(-demoShiftedEnd); rest > 0 && at.Before(limit) && at.Add(rest).After(limit) {
				f := float64(limit.Sub(at)) * 0.5 / float64(rest)
				rest = 0
				for j := k + 1; j < len(gaps); j++ {
					gaps[j] = time.Duration(float64(gaps[j]) * f)
					rest += gaps[j]
				}
			}
		}
		times[k] = at
	}
	last := times[len(times)-1]
	var lastInbound, waiting int64
	unread := 0
	for k := len(msgs) - 1; k >= 0; k-- {
		if msgs[k].dir == "inbound" {
			lastInbound = times[k].UnixMilli()
			break
		}
	}
	if msgs[len(msgs)-1].dir == "inbound" && open {
		waiting = last.UnixMilli()
		// A working team has read what came before its last working hours: only what came since
		// (overnight, or in the last hours) is unread. The draws stay as they were.
		if g.now.Sub(drawnLast) < 72*time.Hour || g.r.IntN(3) == 0 {
			if n := 1 + g.r.IntN(2); last.After(g.readUntil()) {
				unread = n
			}
		}
	}
	var urg, qual, sent *int
	if state != "new" || g.r.IntN(2) == 0 {
		u, q, s := 15+g.r.IntN(80), 10+g.r.IntN(85), 30+g.r.IntN(65)
		urg, qual, sent = &u, &q, &s
	}
	handoff, handoffReason := 0, ""
	// Handoffs older than a day were taken over back then (settleDemoQueue); the
	// recent ones are what still waits, so they come a little more often.
	chance := 14
	if g.now.Sub(drawnLast) < demoHandoffWait {
		chance = 7
	}
	handedOver := open && state != "new" && g.r.IntN(chance) == 0
	// Whether this handoff will still wait is read from where the thread ends now, not where it
	// would end unmoved (drawnLast, which keeps the draws as they were): a thread moved into the
	// team's hours can end more than a day ago, and its handoff was taken over then.
	// The handoffs that still wait are the first threads of the last day, one for each kind of
	// demoRecentHandoffs, whatever the hour of seeding: drawn, at some hours only one or two of
	// them were handed over and no one had asked for a person.
	recent := open && state != "new" && g.now.Sub(last) < demoHandoffWait-time.Hour
	waits := recent && g.recentHandoffs < len(demoRecentHandoffs)
	if recent {
		handedOver = false
	}
	if handedOver || waits {
		// Handed to a person for what the customer wrote: the thread's own question, or one more
		// message asking for a person or complaining. Codes, worded per viewer.
		var extra string
		handoff = 1
		kind := 0
		if handedOver {
			kind = g.r.IntN(3)
		}
		if waits {
			// The handoffs still waiting show each reason a person is needed for at least
			// once: drawn at random, a day's eight or nine could all be stock and dates.
			kind = demoRecentHandoffs[g.recentHandoffs]
			g.recentHandoffs++
		}
		handoffReason, extra = demoHandoff(msgs, en, kind, int(leadID))
		if extra != "" {
			// A while after their last message, still in the past.
			at := last.Add(time.Duration(25+leadID%50) * time.Minute)
			if limit := g.now.Add(-time.Minute); at.After(limit) {
				at = last.Add(limit.Sub(last) / 2)
			}
			msgs, times, last = append(msgs, demoMsg{"inbound", "customer", extra}), append(times, at), at
			lastInbound = at.UnixMilli()
			if unread > 0 {
				unread++
			}
		}
	}
	nextAction, nextDue := "", int64(0)
	var assigned int64
	if open && g.r.IntN(5) < 3 {
		nextAction = pick(g, demoNext)
		nextDue = g.workTime(g.now.Add(time.Duration(g.r.IntN(10*24)-3*24) * time.Hour)).UnixMilli() // some already overdue
	}
	if g.talha > 0 && (state != "new" || g.r.IntN(3) == 0) {
		assigned = g.talha
	}
	aiMode := "active"
	if x := g.r.IntN(10); x == 0 {
		aiMode = "manual"
	} else if x == 1 {
		aiMode = "paused"
	}
	lang, summary := "tr", ""
	if en {
		lang = "en"
	}
	ext := ""
	switch channel {
	case "whatsapp":
		ext = inbox.NormalizePhone(g.phone(), "TR")
		ext = strings.TrimPrefix(ext, "+")
	case "webchat":
		ext = fmt.Sprintf("demo-visitor-%d-%d", leadID, g.r.IntN(1_000_000))
	case "telegram":
		ext = fmt.Sprintf("%d", 100_000_000+g.r.IntN(800_000_000))
	}
	h := &inbox.HistoricConversation{LeadID: leadID, CustomerID: customerID, Channel: channel, ExternalID: ext, State: state,
		Urgency: urg, Qualification: qual, Sentiment: sent, Language: lang, Handoff: handoff == 1, HandoffReason: handoffReason,
		Summary: summary, NextAction: nextAction, NextActionDueAt: nextDue, AssignedUserID: assigned, AIMode: aiMode, Unread: unread,
		LastInboundAt: lastInbound, WaitingSince: waiting, CreatedAt: start.UnixMilli(), Tags: g.tagsFor(msgs[0].body, handoff == 1)}
	for k, m := range msgs {
		hm := inbox.HistoricMessage{Direction: m.dir, AuthorKind: m.author, Body: m.body, At: times[k].UnixMilli()}
		if channel == "whatsapp" && m.dir == "inbound" {
			g.wamid++
			hm.ProviderMessageID = fmt.Sprintf("wamid.demo-%06d", g.wamid)
		}
		if m.dir == "outbound" {
			hm.DeliveryStatus = "sent"
			switch channel {
			case "call", "manual":
				// A reply on a phone call or a walk-in is only recorded, as the product records it:
				// no ticks that claim it went out.
				hm.DeliveryStatus = ""
			case "whatsapp":
				hm.DeliveryStatus = pick(g, []string{"delivered", "read", "read"})
			}
			if m.author == "user" {
				hm.AuthorUserID = g.talha
			}
		}
		h.Messages = append(h.Messages, hm)
	}
	if _, err := inbox.InsertHistory(ctx, tx, h); err != nil {
		return fmt.Errorf("demo: conversation: %w", err)
	}
	g.convs++
	g.msgs += len(h.Messages)
	return nil
}

// demoRecentHandoffs are the kinds (demoHandoff) of the first handoffs that still wait, in the
// order they are drawn: a complaint, a price, a person asked for, a site-visit date.
var demoRecentHandoffs = []int{2, 3, 1, 4}

// demoHandoff is why a seeded conversation was handed to a person, as reason codes, and the
// customer message that asked for it when the thread does not already: kind 0 is the thread's own
// question (a price, a date for the site visit, stock; its newest), 1 one more message asking for
// a person, 2 one more complaining — of no answer, of a site visit nobody came to, or of the offer
// — as far as the thread has got, 3 the price asked for, 4 a site-visit date asked for; n picks
// among the wordings.
func demoHandoff(msgs []demoMsg, en bool, kind, n int) (reason, extra string) {
	said := func(sub ...string) bool {
		for _, m := range msgs {
			for _, x := range sub {
				if strings.Contains(m.body, x) {
					return true
				}
			}
		}
		return false
	}
	switch kind {
	case 3:
		if said("price", "Fiyat", "fiyat") {
			return "price", ""
		}
		if en {
			return "price", "What would the price be per square metre, labour included? I need a figure in writing."
		}
		return "price", "Fiyatı yazılı olarak netleştirelim: metrekaresi işçilik dahil ne kadar olur?"
	case 4:
		if said("Hafta sonu olur mu", "Keşfe gelebiliyor") {
			return "date", ""
		}
		if en {
			return "date", "Could you come and measure this week? Saturday would suit me too."
		}
		return "date", "Keşfe gelebiliyor musunuz bu hafta? Cumartesi de olur."
	case 1:
		if en {
			return "human_requested", []string{"Could someone from your team call me? I'd rather talk this through with a person.",
				"Can I speak to a person, please? Call me any time after 6 pm."}[n%2]
		}
		return "human_requested", []string{"Bir yetkiliyle telefonda görüşmek istiyorum, beni arayabilir misiniz?",
			"Yazışmak yerine ustanızla konuşsam daha iyi olacak. Akşam 18:00'den sonra arayabilir misiniz?",
			"Bir yetkili beni arayabilir mi? Bugün gün boyu telefondayım."}[n%3]
	case 2:
		switch {
		case said("The offer is in your inbox"):
			return "complaint", "The offer adds delivery we never discussed, and it is well above what you said on the phone. Not happy about this."
		case said("Can we visit on Thursday"):
			return "complaint", "You said you would come on Thursday to measure, but nobody showed up or called. Really disappointing."
		case en:
			return "complaint", "I've been waiting two days for an answer and nobody has called. Not happy, honestly."
		case said("teklifinizi e-postayla gönderdim"):
			return "complaint", "Teklifte konuşmadığımız bir nakliye ücreti var, telefonda söylediğinizden de epey yüksek. Açıkçası hiç memnun kalmadım."
		case said("Perşembe keşfe gelelim mi?"):
			return "complaint", "Perşembe keşfe geleceğinizi söylediniz ama kimse gelmedi, haber de vermediniz. Çok ayıp oldu."
		}
		return "complaint", "İki gündür dönüş bekliyorum, arayan soran yok. Açıkçası hiç memnun değilim."
	}
	for k := len(msgs) - 1; k >= 0; k-- {
		m := msgs[k]
		if m.dir != "inbound" {
			continue
		}
		switch b := m.body; {
		case strings.Contains(b, "price") || strings.Contains(b, "Fiyat") || strings.Contains(b, "fiyat"):
			return "price", ""
		case strings.Contains(b, "Hafta sonu olur mu") || strings.Contains(b, "Keşfe gelebiliyor"):
			return "date", ""
		case strings.Contains(b, "stokta var mı"):
			return "stock", ""
		}
	}
	return "price", ""
}

// tagsFor tags a conversation by what the first message talks about, as an operator would.
func (g *demoGen) tagsFor(body string, urgent bool) []string {
	var out []string
	low := strings.ToLower(body)
	for _, kv := range [][2]string{{"bahçe", "bahçe"}, {"garden", "bahçe"}, {"otopark", "otopark"}, {"car park", "otopark"},
		{"villa", "villa"}, {"site yolu", "site yolu"}, {"estate road", "site yolu"}} {
		if strings.Contains(low, kv[0]) && !containsStr(out, kv[1]) {
			out = append(out, kv[1])
		}
	}
	if urgent {
		out = append(out, "acil")
	}
	if g.r.IntN(9) == 0 {
		out = append(out, pick(g, []string{"toptan", "keşif", "numune", "tekrar müşteri"}))
	}
	return out
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// scenarioC is the demo's lost deal: an estate road that went to a competitor who was 12%
// cheaper on labour only.
func (g *demoGen) scenarioC(ctx context.Context, tx *sql.Tx) error {
	// Its messages are three days apart at one clock time: 10:40 in the business's zone, not the
	// clock time the demo started at (a demo started in the evening had the team writing at 00:55).
	l := g.now.Add(-19 * 24 * time.Hour).In(g.sched.Location())
	start := time.Date(l.Year(), l.Month(), l.Day(), 10, 40, 0, 0, l.Location())
	ms := start.UnixMilli()
	leadID, _, err := inbox.UpsertLead(ctx, tx, &inbox.LeadRecord{ExternalID: demoExternalMark + "scenario-c", Name: "Kemal Karataş",
		Phone: "0533 418 27 90", Email: "kemal.karatas@outlook.com", Stage: "lost", Source: "call", LostReason: DemoLostReasonC, CreatedAt: ms})
	if err != nil {
		return fmt.Errorf("demo: scenario C lead: %w", err)
	}
	msgs := []demoMsg{
		{"inbound", "customer", "Merhaba, Gebze'deki sitemizin iç yolu için 1.400 m² andezit küp taş teklifi istiyoruz. Yönetim kurulu üç teklif topluyor."},
		{"outbound", "user", "Kemal Bey merhaba, keşfi Salı yaptık. Teklif: andezit küp taş + alt yapı + işçilik + nakliye, kalem kalem e-postanızda."},
		{"inbound", "customer", "Teşekkürler. Malzeme fiyatınız iyi ama işçilikte başka firma %12 daha düşük verdi."},
		{"outbound", "user", "İşçiliğimize 5 yıl döşeme garantisi dahil; en fazla %5 esneyebiliriz."},
		{"inbound", "customer", "Yönetim diğer firmayla devam etme kararı aldı. İlginiz için teşekkür ederiz."},
		{"system", "user", DemoLostReasonC}, // the operator's internal note saved with "lost"
	}
	convStart := start
	last := g.now.Add(-2 * 24 * time.Hour)
	urg, qual, sent := 35, 80, 45
	h := &inbox.HistoricConversation{LeadID: leadID, Channel: "call", State: "lost", Urgency: &urg, Qualification: &qual, Sentiment: &sent,
		Language: "tr", Summary: "tr · 1400 m² · andesite", AssignedUserID: g.talha,
		AIMode: "manual", LastInboundAt: last.UnixMilli(), CreatedAt: convStart.UnixMilli()}
	for k, m := range msgs {
		at := convStart.Add(time.Duration(k) * 3 * 24 * time.Hour)
		if k == len(msgs)-1 || at.After(last) {
			at = last
		}
		hm := inbox.HistoricMessage{Direction: m.dir, AuthorKind: m.author, Body: m.body, At: at.UnixMilli()}
		if m.author == "user" {
			hm.AuthorUserID = g.talha
		}
		h.Messages = append(h.Messages, hm)
	}
	convID, err := inbox.InsertHistory(ctx, tx, h)
	if err != nil {
		return fmt.Errorf("demo: scenario C conversation: %w", err)
	}
	g.msgs += len(msgs)
	g.leads++
	g.convs++
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "conversation_update",
		Summary: "state → lost; lost reason: " + DemoLostReasonC, ModelName: "human-review", ActorUserID: g.talha, ActorName: DemoUserName,
		ConversationID: convID, Payload: map[string]any{"conversation_id": convID, "lead_id": leadID, "state": "lost", "updated_by_user_id": g.talha}})
	return err
}

// Scenario D is the demo's quote on its way (demo_quote.go, demo_visits.go): a garden in Moda that
// wrote on the widget two days ago, was measured on a site visit the next morning and gets its
// written quote today, so the KPI page's time to quote and time to visit read as a working
// contractor's (hours, a day or two), not as the age of some old lead.
const (
	demoScenarioDExternal = demoExternalMark + "scenario-d"
	demoScenarioDAddress  = "Caferağa Mah. Moda Cad. 41, Kadıköy"
	demoScenarioDAge      = 46 * time.Hour // first message to the quote's sending
)

// demoScenarioDVisit is the start of scenario D's site visit: 11:00 in the business's zone on the
// day after the first message (between 11 and 35 hours after it, so over well before now).
func demoScenarioDVisit(first time.Time, loc *time.Location) time.Time {
	d := first.In(loc).AddDate(0, 0, 1)
	return time.Date(d.Year(), d.Month(), d.Day(), 11, 0, 0, 0, loc)
}

// demoScenarioDFirst moves scenario D's first message into the day (09:00–19:00 in the business's
// zone, the same day): the team's answer comes 41 minutes after it, and a demo started in the
// evening had Talha answering at 21:26.
func demoScenarioDFirst(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	switch h := l.Hour(); {
	case h < 9:
		return time.Date(l.Year(), l.Month(), l.Day(), 9, l.Minute(), 0, 0, loc)
	case h >= 19:
		return time.Date(l.Year(), l.Month(), l.Day(), 18, l.Minute(), 0, 0, loc)
	}
	return t
}

// scenarioD stores scenario D's lead and its widget conversation up to the visit; the visit and
// the quote go through their rooms later.
func (g *demoGen) scenarioD(ctx context.Context, tx *sql.Tx, loc *time.Location) error {
	first := demoScenarioDFirst(g.now.Add(-demoScenarioDAge), loc)
	visit := demoScenarioDVisit(first, loc)
	ms := first.UnixMilli()
	leadID, _, err := inbox.UpsertLead(ctx, tx, &inbox.LeadRecord{ExternalID: demoScenarioDExternal, Name: "Gökhan Tekin",
		Phone: "0536 274 19 08", Email: "gokhan.tekin@gmail.com", Stage: "qualified", Source: "webchat", ConsentVersion: "kvkk-2025-01",
		ConsentAt: ms, UTM: [5]string{"instagram", "cpc", "bahar-bahce"}, CreatedAt: ms, ExpectedValue: 330_000})
	if err != nil {
		return fmt.Errorf("demo: scenario D lead: %w", err)
	}
	msgs := []struct {
		dir, author, body string
		at                time.Time
	}{
		{"inbound", "customer", "Merhaba, Moda'daki bahçemiz yaklaşık 180 m². Gri granit küp taş döşetmek istiyoruz, kenarlara da plaka. Fiyat alabilir miyiz?", first},
		{"outbound", "ai", "Merhaba Gökhan Bey! 180 m² bahçe için gri granit küp taş güzel bir seçim. Doğru fiyat için zemini görmemiz gerekiyor; adresinizi ve keşif için uygun bir saati yazar mısınız?", first.Add(time.Minute)},
		{"inbound", "customer", "Caferağa Mah. Moda Cad. 41, Kadıköy. Yarın saat 11 uygun.", first.Add(18 * time.Minute)},
		{"outbound", "user", "Teşekkürler Gökhan Bey, yarın 11:00'de keşifteyim. Ölçüden sonra teklifinizi buradan göndereceğim. — Talha", first.Add(41 * time.Minute)},
		{"inbound", "customer", "Keşif için teşekkürler, teklifinizi bekliyoruz.", visit.Add(3 * time.Hour)},
	}
	urg, qual, sent := 55, 88, 72
	h := &inbox.HistoricConversation{LeadID: leadID, Channel: "webchat", ExternalID: "demo-visitor-scenario-d", State: "qualified",
		Urgency: &urg, Qualification: &qual, Sentiment: &sent, Language: "tr", Summary: "tr · 180 m² · granite · site visit done",
		AssignedUserID: g.talha, AIMode: "active", LastInboundAt: msgs[len(msgs)-1].at.UnixMilli(), CreatedAt: ms, Tags: []string{"bahçe", "keşif"}}
	for _, m := range msgs {
		hm := inbox.HistoricMessage{Direction: m.dir, AuthorKind: m.author, Body: m.body, At: m.at.UnixMilli(), DeliveryStatus: "sent"}
		if m.dir == "inbound" {
			hm.DeliveryStatus = ""
		}
		if m.author == "user" {
			hm.AuthorUserID = g.talha
		}
		h.Messages = append(h.Messages, hm)
	}
	if _, err := inbox.InsertHistory(ctx, tx, h); err != nil {
		return fmt.Errorf("demo: scenario D conversation: %w", err)
	}
	g.msgs += len(msgs)
	g.leads++
	g.convs++
	return nil
}

// scenariosAB store the widget and WhatsApp scenarios through the inbox service, as the channels do.
func (g *demoGen) scenariosAB(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	svc := &inbox.Service{Live: s.Live, Channels: channels.Registry()}
	a, err := svc.Ingest(ctx, t.Slug, db, inbox.Inbound{Channel: "webchat", ExternalID: "demo-visitor-scenario-a", Name: "Selin Aydın",
		Email: "selin.aydin.villa@gmail.com", Body: DemoScenarioA, ConsentVersion: "kvkk-2025-01", ConsentAt: g.now.Add(-95 * time.Minute),
		UTM: map[string]string{"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "villa-peyzaj"}, At: g.now.Add(-95 * time.Minute)})
	if err != nil {
		return fmt.Errorf("demo: scenario A: %w", err)
	}
	if _, err := svc.AddMessage(ctx, t.Slug, db, a.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai",
		Body: "Merhaba Selin Hanım! 200 m² villa bahçesi için gri granit küp taş güzel bir seçim. Kaba bütçe malzeme, alt yapı ve işçiliğe göre değişir; zemin durumunu ve şehrinizi yazarsanız ekibimiz onaylı bir teklifle size dönecek.",
		At:   g.now.Add(-95*time.Minute + 40*time.Second)},
		"ai_triage"); err != nil {
		return fmt.Errorf("demo: scenario A reply: %w", err)
	}
	b, err := svc.Ingest(ctx, t.Slug, db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321184467", ProviderMessageID: "wamid.demo-scenario-b",
		Name: "Hüseyin Çelik", Phone: "+90 532 118 44 67", Body: DemoScenarioB, At: g.now.Add(-25 * time.Minute)})
	if err != nil {
		return fmt.Errorf("demo: scenario B: %w", err)
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		urg, qual, sent, yes := 92, 85, 55, true
		if err := inbox.ApplyTriage(ctx, tx, b.ConversationID, inbox.Triage{Urgency: &urg, Qualification: &qual, Sentiment: &sent,
			Language: "tr", Summary: "tr · 800 m² · lock_paver · handoff: stock, date",
			Handoff: &yes, HandoffReason: "stock, date"}); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "ai_triage", ActionType: "handoff", Status: "completed",
			Summary: "handoff: stock and a two-week delivery promise were requested", Input: DemoScenarioB, ModelName: "builtin",
			ConversationID: b.ConversationID, Payload: map[string]any{"conversation_id": b.ConversationID, "urgency": urg, "reason": "stock, date"}})
		return err
	})
	if err != nil {
		return fmt.Errorf("demo: scenario B: %w", err)
	}
	// Talha takes it: engaged, a next action due in two working hours, tagged urgent and wholesale.
	state, next, due, tags := "engaged", "Depodan 8 cm kilit parke stok sayımını al, teslim planını ara", g.workTime(g.now.Add(2*time.Hour)).UnixMilli(),
		[]string{"acil", "toptan"}
	ch := inbox.Change{State: &state, NextAction: &next, NextActionDueAt: &due, Tags: &tags, ActorID: g.talha, ActorName: DemoUserName}
	if g.talha > 0 {
		ch.AssignedUserID, ch.AssigneeName = &g.talha, DemoUserName
	}
	return svc.Update(ctx, t.Slug, db, b.ConversationID, ch)
}

// demoExpectedValue is what a demo lead is expected to bring (the pipeline board's sums): none for
// most new leads, 15,000–300,000 TRY in round thousands for the others, from the lead's number so
// the demo's random draws stay as they were.
func demoExpectedValue(i int, stage string) int64 {
	if stage == "new" && i%3 != 0 || stage == "lost" && i%2 == 0 {
		return 0
	}
	return int64(15+(i*7919)%286) * 1000
}

// dativeTR writes a Turkish place name in the dative with its apostrophe, by vowel harmony: the
// last vowel picks a (a, ı, o, u) or e (e, i, ö, ü), and a name ending in a vowel takes a y first
// (Darıca'ya, Başakşehir'e, Beykoz'a, Üsküdar'a, Gebze'ye).
func dativeTR(name string) string {
	suffix, endsInVowel := "e", false
	for i, r := range []rune(strings.ToLower(name)) {
		switch r {
		case 'a', 'ı', 'o', 'u':
			suffix, endsInVowel = "a", i == len([]rune(name))-1
		case 'e', 'i', 'ö', 'ü':
			suffix, endsInVowel = "e", i == len([]rune(name))-1
		default:
			endsInVowel = false
		}
	}
	if endsInVowel {
		return name + "'y" + suffix
	}
	return name + "'" + suffix
}
