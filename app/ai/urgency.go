package ai

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stems are matched at the start of a word, so Turkish suffixes are read too ("acil" finds
// "acilen", "avukat" finds "avukatıma"). A stem ending in "=" must also end the word ("court=" is
// not "courtyard"). When a message has no Turkish-only letter at all it is read folded (ç→c, ğ→g,
// ı→i, ö→o, ş→s, ü→u), because many customers type "sikayet" or "bugun" on a phone keyboard; a
// message that does use Turkish letters is matched as written, so "sizi" (you) never reads as
// "sızı" (seepage). Circumflexes are always dropped (hâlâ = hala).

// text is a message prepared for stem matching.
type text struct {
	s      string
	folded bool
}

func newText(raw string) text {
	s := dropCircumflex(lowerTR(raw))
	if strings.ContainsAny(s, "çğışöü") {
		return text{s: s}
	}
	return text{s: foldTR(s), folded: true}
}

func dropCircumflex(s string) string {
	if !strings.ContainsAny(s, "âîû") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case 'â':
			return 'a'
		case 'î':
			return 'i'
		case 'û':
			return 'u'
		}
		return r
	}, s)
}

// foldTR maps the Turkish-only letters of a lower-case text to their plain Latin look-alikes.
func foldTR(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'ç':
			return 'c'
		case 'ğ':
			return 'g'
		case 'ı':
			return 'i'
		case 'ö':
			return 'o'
		case 'ş':
			return 's'
		case 'ü':
			return 'u'
		}
		return r
	}, s)
}

// has reports whether stem occurs in the text at the start of a word (and at its end for "x=").
func (t text) has(stem string) bool {
	st := dropCircumflex(stem)
	whole := strings.HasSuffix(st, "=")
	st = strings.TrimSuffix(st, "=")
	if t.folded {
		st = foldTR(st)
	}
	s := t.s
	for i := 0; ; {
		j := strings.Index(s[i:], st)
		if j < 0 {
			return false
		}
		at := i + j
		i = at + len(st)
		if at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:at]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		if whole && i < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		return true
	}
}

// first returns the first stem of the list found in the text (as written in the list), or "".
func (t text) first(stems []string) string {
	for _, st := range stems {
		if t.has(st) {
			return strings.TrimSuffix(st, "=")
		}
	}
	return ""
}

// all returns every stem of the list found in the text. A stem that matched is blanked before
// the next one is tried, so one word never counts twice ("su sızıntısı" is one damage signal).
func (t text) all(stems []string) []string {
	var out []string
	for _, st := range stems {
		if t.has(st) {
			st = strings.TrimSuffix(st, "=")
			out = append(out, st)
			t = t.without([]string{st})
		}
	}
	return out
}

// without returns the text with the given phrases blanked out (used so that "acil değil" or
// "hemen hemen" — almost — never count as an urgent word).
func (t text) without(phrases []string) text {
	s := t.s
	for _, p := range phrases {
		p = dropCircumflex(p)
		if t.folded {
			p = foldTR(p)
		}
		s = strings.ReplaceAll(s, p, strings.Repeat(" ", len(p)))
	}
	return text{s: s, folded: t.folded}
}

// Urgency weights of builtin-2. A message starts at urgencyBase ("low"); a commitment question
// alone (stock, firm price, a date, warranty or contract, a person) lifts it to "mid"; time
// pressure, damage, complaints and legal threats lift it to "high" (bands: high ≥ 70, mid 40–69).
const (
	urgencyBase      = 20
	wUrgentWord      = 40 // acil, hemen, urgent, asap…
	wNearDay         = 30 // today, tomorrow, this week, a weekday
	wShortDeadline   = 50 // within three weeks, by Friday
	wMonthDeadline   = 25 // by the end of the month, within two months
	wLongDeadline    = 10 // a deadline further away
	wComplaintFirst  = 40 // the first complaint, damage, danger or service-failure signal
	wComplaintMore   = 15 // each further distinct one (at most two more)
	wNegativeMood    = 10 // each angry or unhappy word (at most two)
	wLegalThreat     = 50 // lawyer, court, consumer arbitration board
	wCommitmentFirst = 20 // the first commitment question (stock, firm price, date, warranty, a person)
	wCommitmentMore  = 5  // each further kind
	wLargeJob        = 10 // 500 m² or more
	wCalm            = -15
)

// signal lists, matched as stems (see text.has).
var (
	sigUrgent = []string{"acil", "ivedi", "hemen", "derhal", "acele", "en kısa sürede", "en kısa zamanda", "bir an önce", "bekletmeyin",
		"urgent", "asap", "immediately", "right away", "straight away", "as soon as possible", "emergency"}
	// notUrgent phrases are blanked before urgent words are looked for.
	notUrgent = []string{"hemen hemen", "acil değil", "acelesi yok", "acele yok", "acele etme", "not urgent", "no rush", "no hurry"}
	sigCalm   = []string{"acil değil", "acelesi yok", "acele yok", "acele etme", "ileride", "seneye", "gelecek sene", "gelecek yıl",
		"not urgent", "no rush", "no hurry", "in no hurry", "whenever", "no pressure", "next year"}
	// notNearDay: "bugüne kadar" is "so far", not "today".
	notNearDay = []string{"bugüne kadar", "bugün itibariyle"}
	sigNearDay = []string{"bugün", "yarın", "bu akşam", "bu gece", "bu sabah", "bu hafta", "haftaya", "önümüzdeki hafta", "gelecek hafta",
		"today", "tomorrow", "tonight", "this morning", "this afternoon", "this evening", "this week", "next week"}
	sigMonthDeadline = []string{"ayın sonuna", "ay sonuna", "ay sonu", "bu ay içinde", "bir ay içinde", "end of the month", "end of this month",
		"this month", "within a month"}
	sigStock     = []string{"stok", "stock", "mevcut mu", "elinizde var", "in stock", "availab", "hazırda"}
	sigFirmPrice = []string{"kesin fiyat", "net fiyat", "son fiyat", "fiyat garantisi", "sabit fiyat", "teklif verin", "resmi teklif", "firm price", "exact price", "final price", "fixed price", "firm quote", "formal quote", "binding"}
	sigPrice     = []string{"fiyat", "ücret", "ne kadar", "kaça", "bütçe", "maliyet", "teklif", "price", "cost", "budget", "quote", "how much"}
	sigRough     = []string{"yaklaşık", "kabaca", "tahmini", "ortalama", "aşağı yukarı", "rough", "approx", "ballpark", "estimate"}
	sigDate      = []string{"teslim", "ne zaman", "tarih", "deadline", "deliver", "when can", "by when", "yetişir", "kurulum günü", "hafta sonu", "weekend"}
	// complaint: the customer is unhappy with the work or the service.
	sigComplaint = []string{"şikayet", "memnun değil", "memnun kalmadı", "rezalet", "berbat", "iade", "beğenmedi", "kalitesiz", "özensiz", "yamuk", "hatalı", "defolu",
		"kabul edilemez", "complain", "unhappy", "not happy", "not satisfied", "dissatisfied", "terrible", "refund", "awful", "disappoint", "shoddy", "sloppy", "unacceptable", "poor work", "poor job"}
	// service failure: somebody did not come, answer or finish.
	sigServiceFailure = []string{"hala bekli", "cevap vermi", "cevap yok", "dönüş yapmadı", "dönmedi", "gelmedi", "açmıyor", "çıkmıyor",
		"ulaşamı", "yarım kaldı", "yarım bırak", "geç kaldı", "uymadı", "sözünüzü tutmadı", "aramadınız", "aramadılar", "kimse aramadı",
		"still waiting", "been waiting", "no answer", "no reply", "nobody came", "no one came", "didn't show", "never showed", "no-show",
		"not answering", "unfinished", "half-finished", "ignor", "running late", "you are late", "you're late", "too late"}
	// damage: water getting in, stones or boards breaking (or broken by the crew: "kırdınız",
	// "kırmışlar"), sinking, coming loose.
	sigDamage = []string{"su sızı", "sızdı", "sızıyor", "sızıntı", "sızdırıyor", "sızdırma", "su alıyor", "su bastı", "su basıyor", "rutubet", "küf",
		"kabardı", "kabarmış", "çürü", "çatla", "kırıl", "kırık", "kırdı", "kırmış", "bozuldu", "çöktü", "çökme", "yerinden oyna", "sallanıyor", "gevşe", "koptu", "söküldü",
		"leak", "seep", "flood", "water damage", "damp", "mould=", "mold=", "mouldy", "moldy", "rot=", "rotten", "rotting", "swell", "swollen",
		"warp", "buckl", "crack", "broke=", "broken", "loose", "collaps", "sunk", "sinking", "came off", "coming off"}
	// notDamage: a question about breaking up or taking out a floor as part of the work ("zemin
	// kırılması gerekir mi?", "does the old slab need breaking up?") is not a report of something
	// broken; it is blanked before damage words are looked for, so "kırılması" is not "kırıldı".
	notDamage = []string{"kırılmas", "kırılmalı", "kırılır mı", "kırılırmı", "kırılabilir mi", "kırılacak mı", "kırılsın mı",
		"kırdır", "broken up", "break up", "breaking up", "break out", "breaking out"}
	// works: the breaking-up and removal that are part of a job (an old floor broken up, tiles or
	// parquet taken up), as a customer asks about them: an information feature of builtin-3 that
	// tells "kırılması gerekir mi" from "taşlar kırıldı". Digging is left out: "since you dug…"
	// opens complaints as often as questions.
	sigWorks = []string{"kırılmas", "kırılmalı", "kırılır mı", "kırılırmı", "kırılabilir mi", "kırılacak mı", "kırılsın mı", "kırım", "kırdır",
		"söküm", "sökülmes", "sökülmeli", "sökülür mü", "sökülecek mi", "sökme",
		"broken up", "break up", "breaking up", "break out", "breaking out", "removal", "rip out", "ripping out", "take up", "taking up"}
	// danger: somebody got or may get hurt.
	sigDanger      = []string{"düştü", "düşüp", "yaralan", "tehlike", "kaza=", "kazası", "takılıp", "fell=", "injur", "hurt", "danger", "hazard", "accident", "tripped", "slipped"}
	sigNegative    = []string{"kötü", "sinir", "kızgın", "bıktım", "bad=", "angry", "annoyed", "furious", "fed up"}
	sigLegalThreat = []string{"avukat", "dava", "mahkeme", "tüketici hakem", "hakem heyet", "ihtarname", "savcı", "suç duyuru", "tazminat",
		"lawyer", "attorney", "solicitor", "lawsuit", "sue=", "sued=", "suing", "court=", "legal action", "small claims", "trading standards", "ombudsman", "compensation"}
	sigLegal   = []string{"garanti", "sözleşme", "kvkk", "noter", "warrant", "guarantee", "contract", "legal="}
	sigPayment = []string{"taksit", "vade", "peşin", "kapora", "havale", "kredi kart", "ödeme", "installment", "deposit", "payment", "pay later"}
	sigHuman   = []string{"yetkili", "gerçek kişi", "insanla", "biriyle görüş", "beni arayın", "arar mısınız", "müdür", "operatör", "telefon edin",
		"human", "real person", "agent", "call me", "call back", "ring me", "manager", "speak to someone", "talk to someone"}
	sigPositive = []string{"teşekkür", "sağol", "harika", "süper", "güzel", "memnun", "rica", "lütfen", "thank", "great", "lovely", "perfect", "please", "awesome"}
	sigGreeting = []string{"merhaba", "selam", "iyi günler", "günaydın", "hello", "hi=", "hey=", "good morning"}
	sigPlace    = []string{"villa", "bahçe", "otopark", "site", "teras", "havuz", "yol", "garaj", "avlu", "garden", "driveway", "patio", "terrace", "yard", "pool", "parking"}
	// info requests (catalog, colours, samples, advice) are low-risk questions the persona can
	// answer; they count towards the engine's understanding, not towards urgency.
	sigInfo = []string{"katalog", "renk", "numune", "örnek", "fotoğraf", "resim", "öneri", "tavsiye", "fark", "brochure", "catalog", "colour",
		"color", "sample", "photo", "picture", "suggest", "recommend", "difference"}
)

var (
	numWord = `\d{1,3}|iki|üç|uc|dört|dort|beş|bes|altı|alti|yedi|sekiz|dokuz|two|three|four|five|six|seven|eight|nine|ten`
	// reSpan finds "2 haftada", "3 gün içinde", "within 2 weeks", "10 business days": a number,
	// a unit and the letters glued to the unit (the Turkish case ending).
	reSpan = regexp.MustCompile(`(?:^|[^\p{L}\d])(` + numWord + `)\s*(iş günü|is gunu|business days?|working days?|gün|gun|hafta|ay|saat|days?|weeks?|months?|hours?)(\p{L}*)`)
	// reWeekdayBy is a deadline on a named day: "by Friday", "until Monday", "cumaya kadar".
	reWeekdayBy = regexp.MustCompile(`(?:by|until|before)\s+(?:next\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)|` +
		`(pazartesi|salı|sali|çarşamba|carsamba|perşembe|persembe|cuma|cumartesi|pazar)(?:ya|ye|a|e|'ya|'ye|'a|'e|’ya|’ye|’a|’e)\s+kadar`)
	// reWeekday is a named day (Turkish "pazar" only as "pazar günü": alone it is also "market").
	reWeekday = regexp.MustCompile(`(?:^|[^\p{L}])(monday|tuesday|wednesday|thursday|friday|saturday|sunday|pazartesi|salı|sali|çarşamba|carsamba|` +
		`perşembe|persembe|cuma|cumartesi|pazar günü|pazar gunu)(?:$|[^\p{L}]|ya|ye|a|e|s|'|’|günü|gunu)`)
)

var spanNumbers = map[string]int{"iki": 2, "üç": 3, "uc": 3, "dört": 4, "dort": 4, "beş": 5, "bes": 5, "altı": 6, "alti": 6, "yedi": 7,
	"sekiz": 8, "dokuz": 9, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

// deadlineSuffixes are the endings that make "2 hafta" a time limit (within / by / plain).
var deadlineSuffixes = map[string]bool{"": true, "da": true, "de": true, "ta": true, "te": true, "a": true, "e": true, "ya": true, "ye": true, "s": true}

// waitingSuffixes make it a time already spent ("2 haftadır bekliyorum": for two weeks now).
var waitingSuffixes = map[string]bool{"dır": true, "dir": true, "dur": true, "dür": true, "tır": true, "tir": true, "tur": true, "tür": true}

// timeSpan is a number of days the customer names, and whether it is a limit ahead or time spent.
type timeSpan struct {
	phrase  string
	days    int
	waiting bool
}

// spans reads the time spans of a message; "2 hafta önce" / "2 weeks ago" and "for 2 weeks" are
// not limits and are skipped, "bir/a/one" is skipped because "bir ayda çatladı" (cracked within a
// month) is about the past far more often than it is a deadline.
func spans(s string) []timeSpan {
	var out []timeSpan
	for _, m := range reSpan.FindAllStringSubmatchIndex(s, -1) {
		num, unit, suf := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
		rest := strings.TrimSpace(s[m[1]:])
		before := strings.TrimSpace(s[:m[2]])
		if strings.HasPrefix(rest, "önce") || strings.HasPrefix(rest, "once") || strings.HasPrefix(rest, "ago") || strings.HasSuffix(before, "for") {
			continue
		}
		n, ok := spanNumbers[num]
		if !ok {
			n, _ = strconv.Atoi(num)
		}
		if n <= 0 {
			continue
		}
		days := n
		switch {
		case strings.HasPrefix(unit, "hafta") || strings.HasPrefix(unit, "week"):
			days = n * 7
		case unit == "ay" || strings.HasPrefix(unit, "month"):
			days = n * 30
		case unit == "saat" || strings.HasPrefix(unit, "hour"):
			days = (n + 23) / 24
		}
		sp := timeSpan{phrase: strings.TrimSpace(s[m[2]:m[1]]), days: days}
		switch {
		case waitingSuffixes[suf]:
			sp.waiting = true
		case !deadlineSuffixes[suf]:
			continue
		}
		out = append(out, sp)
	}
	return out
}

// signals is what the engine found in one message, shared by scores, handoff and recommendations.
type signals struct {
	stock, firm, price, rough, dateAsk string
	nearDay, deadline                  string // the time words that fired ("" = none)
	pressure                           int    // the strongest time pressure's weight (0 = none)
	pressureWhy                        string // and its reason
	waited                             string // "2 haftadır": time already spent waiting
	complaint, damage                  []string
	works                              string // breaking up or removal as part of the job (sigWorks)
	legalThreat, legal                 string
	payment, human, greeting, info     string
	negative                           []string
	urgent, calm                       string
}

// date reports whether the customer asks for, or names, a date: a person answers those.
func (g *signals) date() bool { return g.dateAsk != "" || g.nearDay != "" || g.deadline != "" }

func readSignals(t text) *signals {
	g := &signals{
		stock: t.first(sigStock), firm: t.first(sigFirmPrice), price: t.first(sigPrice), rough: t.first(sigRough),
		dateAsk: t.first(sigDate), legalThreat: t.first(sigLegalThreat), payment: t.first(sigPayment),
		human: t.first(sigHuman), greeting: t.first(sigGreeting), info: t.first(sigInfo), calm: t.first(sigCalm),
		negative: t.all(sigNegative),
	}
	g.urgent = t.without(notUrgent).first(sigUrgent)
	if g.legalThreat == "" {
		g.legal = t.first(sigLegal)
	}
	g.complaint = append(t.all(sigComplaint), t.all(sigServiceFailure)...)
	g.damage = append(t.without(notDamage).all(sigDamage), t.all(sigDanger)...)
	g.works = t.first(sigWorks)
	g.readTime(t)
	return g
}

// readTime finds the time words: a named near day, limits ahead (only the strongest counts
// towards urgency: a deadline in two weeks and "today" are not added up) and time already waited.
func (g *signals) readTime(t text) {
	consider := func(w int, what string) {
		if w > g.pressure {
			g.pressure, g.pressureWhy = w, what
		}
	}
	g.nearDay = t.without(notNearDay).first(sigNearDay)
	if m := reWeekday.FindStringSubmatch(t.s); g.nearDay == "" && m != nil {
		g.nearDay = m[1]
	}
	if g.nearDay != "" {
		consider(wNearDay, "near day: "+g.nearDay)
	}
	if m := reWeekdayBy.FindString(t.s); m != "" {
		g.deadline = m
		consider(wShortDeadline, "deadline: "+m)
	}
	for _, sp := range spans(t.s) {
		if sp.waiting {
			if g.waited == "" {
				g.waited = sp.phrase
			}
			continue
		}
		if g.deadline == "" {
			g.deadline = sp.phrase
		}
		switch {
		case sp.days <= 21:
			consider(wShortDeadline, "deadline: "+sp.phrase)
		case sp.days <= 62:
			consider(wMonthDeadline, "deadline: "+sp.phrase)
		default:
			consider(wLongDeadline, "distant deadline: "+sp.phrase)
		}
	}
	if st := t.first(sigMonthDeadline); st != "" {
		if g.deadline == "" {
			g.deadline = st
		}
		consider(wMonthDeadline, "deadline: "+st)
	}
}

// urgency scores how soon the customer needs a person, recording every signal that adds or takes
// points with its weight. Complaints and damage add up to three distinct signals; commitment
// questions lift a message to "mid" on their own but never to "high".
func (g *signals) urgency(area float64, areaText string, add func(string)) int {
	u := urgencyBase
	note := func(w int, what string) {
		u += w
		if w >= 0 {
			add(what + " (+" + strconv.Itoa(w) + ")")
		} else {
			add(what + " (" + strconv.Itoa(w) + ")")
		}
	}
	if g.urgent != "" {
		note(wUrgentWord, "urgent word: "+g.urgent)
	}
	if g.pressure > 0 {
		note(g.pressure, g.pressureWhy)
	}
	// Complaints, service failures, damage and danger.
	var trouble []string
	for _, c := range g.complaint {
		trouble = append(trouble, "complaint: "+c)
	}
	for _, d := range g.damage {
		trouble = append(trouble, "damage: "+d)
	}
	if g.waited != "" {
		trouble = append(trouble, "waiting for "+g.waited)
	}
	for i, what := range trouble {
		switch {
		case i == 0:
			note(wComplaintFirst, what)
		case i <= 2:
			note(wComplaintMore, what)
		default:
			add(what) // listed, but adds nothing more
		}
	}
	for i, n := range g.negative {
		if i < 2 {
			note(wNegativeMood, "angry or unhappy: "+n)
		}
	}
	if g.legalThreat != "" {
		note(wLegalThreat, "legal threat: "+g.legalThreat)
	}
	// Commitment questions: a person has to answer them, so they are at least "mid".
	var asks []string
	for _, a := range []struct{ what, st string }{{"stock question", g.stock}, {"firm price", g.firm}, {"date question", g.dateAsk},
		{"warranty or contract", g.legal}, {"asks for a person", g.human}} {
		if a.st != "" {
			asks = append(asks, a.what+": "+a.st)
		}
	}
	for i, a := range asks {
		if i == 0 {
			note(wCommitmentFirst, a)
		} else {
			note(wCommitmentMore, a)
		}
	}
	if area >= 500 {
		note(wLargeJob, "large job: "+areaText+" m²")
	}
	if g.calm != "" {
		note(wCalm, "no rush: "+g.calm)
	}
	return clamp(u)
}
