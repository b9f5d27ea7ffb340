package ai

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"highvibe/app/i18n"
	w "highvibe/app/words"
)

// Product is a catalog line the assistant may quote from (the tenant's active products).
type Product struct {
	SKU, Name, Category, Unit, Currency string
	UnitPrice                           float64
	// Counted says the business counts this product's stock (module inventory): OnHand is what
	// is on hand in StockUnit. A stock question then says what the stock shows, so nobody promises
	// a product that is not there.
	Counted   bool
	OnHand    float64
	StockUnit string
}

// Roles of the turns of a conversation the assistant reads.
const (
	RoleCustomer  = "customer"
	RoleAssistant = "assistant" // the assistant's own replies (the builtin's or a configured model's)
	RoleBusiness  = "business"  // a person of the business replying
)

// Turn is one earlier message of the conversation: who wrote it (a Role) and what it says.
type Turn struct {
	Role, Text string
}

// CustomerTurns are the customer's messages msgs as turns of a thread, oldest first.
func CustomerTurns(msgs []string) []Turn {
	out := make([]Turn, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, Turn{Role: RoleCustomer, Text: m})
	}
	return out
}

// customerSaid is what the customer wrote in thread, oldest first: at most the last historyLen
// messages (builtin-3 and the topics already answered read them).
func customerSaid(thread []Turn) []string {
	var out []string
	for _, t := range thread {
		if t.Role == RoleCustomer {
			out = append(out, t.Text)
		}
	}
	if len(out) > historyLen {
		out = out[len(out)-historyLen:]
	}
	return out
}

// Input is what the engine looks at for one inbound message.
type Input struct {
	Text string
	// Thread is the conversation before Text, oldest first: the customer's messages and the
	// replies they were sent (the assistant's own and the business's people's), each with its
	// role. The customer's messages give builtin-3 its context and the topics already answered;
	// the replies tell which questions were already asked, so none is asked twice.
	Thread   []Turn
	Niche    string
	Products []Product
	// Currency is the business's currency: an estimate over catalog lines priced in several
	// currencies keeps to the lines in it (see pricingRec).
	Currency string
	// Persona, when set, is used instead of the built-in persona of Niche (a custom niche's, or
	// one adjusted to the tenant's modules: see PersonaOf).
	Persona *Persona
	// AppLanguage is the language the customer's messenger app is set to ("ru"; Telegram's
	// language_code), "" when the channel does not say: the reply's language while the
	// customer's words do not tell.
	AppLanguage string
	// Locale is the business's language (primary_locale): the reply's language when neither the
	// customer's words, nor their app, nor the engine's reading tell theirs.
	Locale string
}

// Recommendation is a commitment the engine wants a person to decide on.
type Recommendation struct {
	ActionType        string // pricing payment_terms warranty legal stock delivery_date human_handoff follow_up
	Title             string
	Summary           string
	RecommendedAction string
	DraftReply        string
	Priority          string // low medium high critical
	Confidence        float64
	// Words is the kind and parameters pages word in the viewer's language (Title and Summary
	// are the same in the customer's language, kept as the row's plain text).
	Words w.Rec
}

// Result is the engine's full, explainable answer.
type Result struct {
	Language                          string
	Urgency, Qualification, Sentiment int
	Reasons                           map[string][]string // urgency qualification sentiment handoff language → signals that fired
	Handoff                           bool
	HandoffReason                     string
	Confidence                        float64
	Reply                             string // a low-risk reply that passed SafeToSend, or ""
	Withheld                          string // a reply the guard refused (never sent)
	Summary                           string
	Recommendations                   []Recommendation
}

var (
	reArea      = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?)\s*(m²|m2|metrekare|metre kare|sqm|square met)`)
	reThickness = regexp.MustCompile(`(?i)(\d{1,2})\s*cm`)
	rePhoneLike = regexp.MustCompile(`\+?\d[\d\s()-]{8,}\d`)
	reEmailLike = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[a-zA-Z]{2,}`)
)

func clamp(v int) int { return max(0, min(100, v)) }

// anyStem returns the first of stems found at a word start of s (see text.has for the rules).
func anyStem(s string, stems []string) string { return newText(s).first(stems) }

// Analyze runs the builtin engine over one inbound message. It is deterministic: the same text,
// niche and catalog give the same scores, reasons, reply and recommendations.
func Analyze(in Input) Result { return analyze(in, nil) }

// Analyze3 runs builtin-3: the trained model decides urgency, intents, handoff and language (and
// reads the conversation's earlier messages); qualification, sentiment, the pricing estimate and
// the reply are shared with builtin-2.
func Analyze3(in Input) Result {
	d := Builtin3().Decide(in.Text, customerSaid(in.Thread))
	return analyze(in, &d)
}

func analyze(in Input, d *Decision) Result {
	in.Text = ownWords(in.Text)
	history := ownHistory(customerSaid(in.Thread))
	p := in.Persona
	if p == nil {
		p = PersonaFor(in.Niche)
	}
	s := lowerTR(in.Text)
	t := newText(in.Text)
	lang := DetectLanguage(in.Text)
	r := Result{Language: lang, Reasons: map[string][]string{}}
	add := func(k, v string) { r.Reasons[k] = append(r.Reasons[k], v) }
	add("language", lang)
	g := readSignals(t)

	qf := qualify(p, t, s, in.Text, g, func(v string) { add("qualification", v) })
	covered, area, named := qf.covered, qf.area, qf.named
	urg := g.urgency(area, qf.areaText, func(v string) { add("urgency", v) })
	// What the customer told in earlier messages is not asked again ("how many m²?" after "about
	// 1200 m²"), and an area or products named there price a later price question. Scores and
	// urgency stay the latest message's.
	for i := len(history) - 1; i >= 0; i-- {
		h := history[i]
		ht := newText(h)
		e := qualify(p, ht, lowerTR(h), h, readSignals(ht), func(string) {})
		for k := range e.covered {
			covered[k] = true
		}
		if area == 0 {
			area = e.area
		}
		if len(named) == 0 && len(e.named) > 0 {
			named = e.named
			if qf.thickness == "" {
				qf.thickness = e.thickness
			}
		}
		qf.diagonal = qf.diagonal || e.diagonal
	}

	sent := sentiment(t, in.Text, g, func(v string) { add("sentiment", v) })
	sensitive := t.first(p.Sensitive)

	// Confidence: how much of the message the engine understood.
	known := len(r.Reasons["qualification"]) + len(r.Reasons["urgency"]) + len(r.Reasons["sentiment"])
	if g.greeting != "" || g.payment != "" {
		known++
	}
	r.Confidence = math.Min(0.95, 0.35+0.12*float64(known))
	if lang == "other" {
		r.Confidence = math.Min(r.Confidence, 0.3)
	}

	var x asks
	if d == nil {
		x = g.asks()
		r.Urgency = urg
		x.handoff = g.handoffReasons()
	} else {
		x = d.asks(g)
		r.Urgency = d.Urgency
		r.Language = map[string]string{"tr": "tr", "mixed": "tr", "en": "en"}[d.Language]
		if r.Language == "" {
			r.Language = "other"
		}
		lang = r.Language
		r.Reasons["language"] = []string{"lang_" + lang}
		r.Reasons["urgency"] = d.explainBand()
		r.Reasons["intent"] = d.explainIntents()
		r.Confidence = math.Max(r.Confidence, d.confidence())
		if x.trouble || x.legalThreat { // sarcasm ("great job, the garden is a lake") reads as praise to word lists
			sent = min(sent, 30)
		}
	}
	// A customer who clearly writes neither Turkish nor English (Russian, another script, German,
	// French, Spanish, Arabic) is not answered in Turkish: the model only knows Turkish, English
	// and Arabic and read a Cyrillic "Здравствуйте" as Turkish. The builtin texts are Turkish and
	// English, so the reply and the drafts go in English, and a person takes over (below).
	if w := WrittenIn(in.Text); w != "" && w != "tr" && w != "en" && lang != "other" {
		lang, r.Language = "other", "other"
		r.Reasons["language"] = []string{"lang_other"}
		r.Confidence = math.Min(r.Confidence, 0.3)
	}
	// A customer whose words, in this message and the earlier ones, do not tell their language (a
	// photo, "ok", an emoji) is answered in their messenger app's when the channel says it: Turkish
	// for a Turkish app, else English (the builtin texts are in those two). A Russian app's "ok"
	// got the business's Turkish.
	if app := languageCode(in.AppLanguage); app != "" && WrittenIn(in.Text) == "" && WrittenIn(strings.Join(history, "\n")) == "" {
		lang = builtinLanguage(app)
		r.Language, r.Reasons["language"] = lang, []string{"lang_" + lang}
	}
	rl := replyLang(in, history, lang)
	if sensitive != "" {
		x.handoff = append(x.handoff, "sensitive_topic")
	}
	// Low confidence hands over only what the engine could not read at all: another language, or a
	// question with no recognised signal. Short acknowledgements ("tamam") need no person.
	if lang == "other" || (d == nil && r.Confidence < 0.45 && g.greeting == "" && strings.Contains(in.Text, "?")) {
		x.handoff = append(x.handoff, "low_confidence")
	}
	r.Reasons["handoff"] = x.handoff
	r.Handoff = len(x.handoff) > 0
	r.HandoffReason = strings.Join(x.handoff, ", ")
	r.Qualification, r.Sentiment = clamp(qf.score), clamp(sent)
	asked := askedBefore(p, in.Thread)
	if area == 0 && asked.last["area"] {
		// "150" right after "how many m²?" is the area.
		if a := answeredNumber(in.Text); a > 0 {
			area, covered["area"] = a, true
			add("qualification", fmt.Sprintf("area: %g m²", a))
		}
	}
	r.Recommendations = recommend(p, rl, x, r, in.Products, in.Currency, area, named, qf.thickness, qf.diagonal)

	r.Reply = compose(p, rl, reply{covered: covered, asked: asked.all, said: asked.said, handoff: r.Handoff,
		greeting: g.greeting != "", sensitive: sensitive != "", waits: waitsFor(x)})
	if !SafeToSend(r.Reply) {
		r.Withheld, r.Reply = r.Reply, ""
	}
	r.Summary = summary(lang, area, named, r.Handoff, r.HandoffReason)
	return r
}

// replyLang is the language the builtin writes to the customer in (the reply, a price draft):
// the one they write (WrittenIn of the message, else of their earlier messages) when it is one
// of the panel's six — German, French, Spanish and Arabic customers got English —; their
// messenger app's when it is one of them and their words do not tell; for words the engine
// cannot place (a photo's "ok", an emoji, a greeting no list knows) from a customer whose app
// says nothing, the business's own language;
// else lang, the engine's reading: Turkish, English, or "other" (another script), which is
// answered in English.
func replyLang(in Input, history []string, lang string) string {
	said := WrittenIn(ownWords(in.Text))
	if said == "" {
		said = WrittenIn(strings.Join(history, "\n"))
	}
	app := languageCode(in.AppLanguage)
	switch {
	case said != "" && said != "other":
		return said
	case replyIn(app):
		return app
	case said == "" && app == "" && replyIn(in.Locale) && DetectLanguage(in.Text) == "other" && DetectLanguage(strings.Join(history, "\n")) == "other":
		return in.Locale
	}
	return lang
}

// atof reads a number the engine matched ("8"), 0 when there is none.
func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// qualification is what the message says about the job: the score before clamping and the facts
// the reply and the recommendations use.
type qualification struct {
	score     int
	covered   map[string]bool // topics the message already answers (the reply does not ask them)
	area      float64
	areaText  string
	named     []string // product keys named
	thickness string
	diagonal  bool
}

// qualify scores how much the message tells about the job (area, products, thickness, topics,
// site, contact details, a price question), reporting each signal through add. s is the
// lower-cased text, raw the text as written.
func qualify(p *Persona, t text, s, raw string, g *signals, add func(string)) qualification {
	q := qualification{score: 10, covered: map[string]bool{}}
	if m := reArea.FindStringSubmatch(s); m != nil {
		q.area, _ = strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
		q.areaText = m[1]
		q.score += 25
		q.covered["area"] = true
		add("area: " + m[1] + " m²")
		if q.area >= 500 {
			q.score += 10
		}
	}
	for _, term := range p.Products {
		if st := t.first(term.Stems); st != "" {
			q.named = append(q.named, term.Key)
		}
	}
	if len(q.named) > 0 {
		q.score += 20
		q.covered["product"] = true
		add("product: " + strings.Join(q.named, ", "))
	}
	if m := reThickness.FindStringSubmatch(s); m != nil {
		q.thickness = m[1]
		q.score += 5
		add("thickness: " + m[1] + " cm")
	}
	for _, term := range p.Topics {
		if st := t.first(term.Stems); st != "" {
			q.covered[term.Key] = true
			q.score += 5
			add(term.Key + ": " + st)
			if term.Key == "diagonal" {
				q.diagonal = true
			}
		}
	}
	if st := t.first(sigPlace); st != "" {
		q.score += 10
		q.covered["location"] = true
		add("site: " + st)
	}
	if rePhoneLike.MatchString(raw) || reEmailLike.MatchString(raw) {
		q.score += 10
		add("contact details given")
	}
	if g.price != "" || g.firm != "" {
		q.score += 10
		add("asks price: " + g.price + g.firm)
	}
	if g.info != "" {
		add("information request: " + g.info)
	}
	return q
}

// sentiment starts at 60: complaints and damage weigh most (the first 30, the next two 10 each),
// positive words add 10 unless negated, negative words take 15, three or more "!" take 10.
func sentiment(t text, raw string, g *signals, add func(string)) int {
	sent := 60
	for i, c := range append(append([]string{}, g.complaint...), g.damage...) {
		switch {
		case i == 0:
			sent -= 30
		case i <= 2:
			sent -= 10
		default:
			continue
		}
		add("complaint: " + c)
	}
	for _, st := range sigPositive {
		if t.has(st) && !(st == "memnun" && t.has("memnun değil")) {
			sent += 10
			add("positive: " + st)
		}
	}
	for _, st := range g.negative {
		sent -= 15
		add("negative: " + st)
	}
	if strings.Count(raw, "!") >= 3 {
		sent -= 10
		add("many exclamation marks")
	}
	return sent
}

// summary is the one-line summary: language, area, products named and the handoff reasons.
func summary(lang string, area float64, named []string, handoff bool, reason string) string {
	parts := []string{lang}
	if area > 0 {
		parts = append(parts, fmt.Sprintf("%g m²", area))
	}
	parts = append(parts, named...)
	if handoff {
		parts = append(parts, "handoff: "+reason)
	}
	return strings.Join(parts, " · ")
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func bump(p string) string {
	switch p {
	case "low":
		return "medium"
	case "medium":
		return "high"
	}
	return "critical"
}

func t2(lang, tr, en string) string {
	if lang == "tr" {
		return tr
	}
	return en
}

func describe(named []string, thickness string, area float64) string {
	var b []string
	b = append(b, named...)
	if thickness != "" {
		b = append(b, thickness+" cm")
	}
	if area > 0 {
		b = append(b, fmt.Sprintf("%g m²", area))
	}
	if len(b) == 0 {
		return "?"
	}
	return strings.Join(b, ", ")
}

// reply is what compose needs to know.
type reply struct {
	covered                      map[string]bool // topics the customer already told (this message or earlier ones)
	asked                        map[string]bool // topics whose question the conversation already put to the customer
	said                         string          // what the business side already sent in the conversation
	handoff, greeting, sensitive bool
	waits                        []string // what waits for a person and is named in the holding line: price, stock, date
}

// earlier is what the business side already said in a thread: the persona's questions asked (all:
// anywhere; last: in the latest reply before the customer's message) and all its replies' text.
type earlier struct {
	all, last map[string]bool
	said      string
}

// askedBefore finds the persona's clarifying questions, in any language, in the replies of
// thread (the assistant's own and the business's people's, who may send its draft).
func askedBefore(p *Persona, thread []Turn) earlier {
	e := earlier{all: map[string]bool{}, last: map[string]bool{}}
	var said []string
	lastReply := -1
	for i, t := range thread {
		if t.Role != RoleCustomer {
			said = append(said, t.Text)
			lastReply = i
		}
	}
	for i, t := range thread {
		if t.Role == RoleCustomer {
			continue
		}
		for _, q := range p.Questions {
			for _, text := range q.Text {
				if text != "" && strings.Contains(t.Text, text) {
					e.all[q.Covers] = true
					if i == lastReply && i == len(thread)-1 {
						e.last[q.Covers] = true
					}
				}
			}
		}
	}
	e.said = strings.Join(said, "\n")
	return e
}

// reNumber is a number as a customer types it ("150", "1.200", "85,5") and what follows it.
var reNumber = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*(\S*)`)

// notArea are the units after a number that is not an area.
var notArea = []string{"cm", "mm", "tl", "₺", "%", "lira", "palet", "pallet", "kg", "kilo", "adet", "gün", "hafta", "day", "week", "month",
	"saat", "hour", "euro", "eur", "usd", "dolar", "dollar", "$", "€", "yıl", "year", "kat", "floor", "oda", "room", "araç", "araba", "car", "kişi"}

// answeredNumber is the number a customer answers "how many m²?" with ("150", "yaklaşık 150
// metre", "about 150"), 0 when the message has none, or only a thickness, a price, a percentage
// or a phone number.
func answeredNumber(text string) float64 {
	if rePhoneLike.MatchString(text) {
		return 0
	}
	for _, m := range reNumber.FindAllStringSubmatch(lowerTR(text), -1) {
		unit := strings.Trim(m[2], ".,;:!?)")
		if unit == "ay" || slices.ContainsFunc(notArea, func(u string) bool { return strings.HasPrefix(unit, u) }) {
			continue // 8 cm, 10 tl, 5%, 3 palet, 2 hafta
		}
		n := m[1]
		if strings.Count(n, ".") == 1 && len(n)-strings.Index(n, ".") == 4 {
			n = strings.ReplaceAll(n, ".", "") // 1.200 is twelve hundred
		}
		v, _ := strconv.ParseFloat(strings.ReplaceAll(n, ",", "."), 64)
		if v >= 1 && v <= 1_000_000 {
			return v
		}
	}
	return 0
}

// waitsFor is what a message asks that only a person may answer and the holding line names.
func waitsFor(x asks) []string {
	var w []string
	if x.price && !x.rough {
		w = append(w, "price")
	}
	if x.stock {
		w = append(w, "stock")
	}
	if x.date {
		w = append(w, "date")
	}
	return w
}

// holdingLine is the reply's first line while a person takes over. A price, availability or a date
// the customer asks for or names is said to wait for a colleague's confirmation (the assistant
// never gives one); the same line is not sent twice in one conversation.
func holdingLine(l string, waits []string, said string) string {
	line := inLang(l, "Teşekkürler, mesajınızı aldık. Bu konuyu ekibimizden bir yetkili kontrol edip size dönecek.",
		"Thank you, we have your message. A member of our team will check this and get back to you.")
	if len(waits) > 0 {
		switch l {
		case "tr":
			line = "Teşekkürler, mesajınızı aldık. Ekibimizden bir yetkili " + waitList(l, waits) + " kontrol edip size teyit edecek."
		case "en":
			it := "it"
			if len(waits) > 1 {
				it = "them"
			}
			line = "Thank you, we have your message. A colleague will check " + waitList(l, waits) + " and confirm " + it + " with you."
		default:
			line = fmt.Sprintf(say(l, "Thank you, we have your message. A colleague will check %s and confirm with you."), waitList(l, waits))
		}
	}
	if !strings.Contains(said, line) {
		return line
	}
	if len(waits) == 0 {
		return inLang(l, "Bunu da not aldık; ekibimizden bir yetkili size dönecek.", "Noted as well; a colleague will get back to you.")
	}
	return fmt.Sprintf(inLang(l, "Bunu da not aldık; %s ekibimizden bir yetkili size teyit edecek.", "Noted as well; a colleague will confirm %s with you."), waitList(l, waits))
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(items []string, and string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1]
}

// compose builds the low-risk reply: a greeting or holding line plus up to two clarifying questions
// the customer has not answered and the conversation has not asked yet. It never contains prices,
// terms, warranties or dates.
func compose(p *Persona, lang string, rp reply) string {
	l := lang
	if !replyIn(l) {
		l = "en"
	}
	if rp.sensitive && p.Refusal != nil {
		return p.Refusal[l]
	}
	var lines []string
	switch {
	case rp.handoff:
		lines = append(lines, holdingLine(l, rp.waits, rp.said))
	case rp.greeting && len(rp.covered) == 0 && !strings.Contains(rp.said, p.Greeting[l]):
		lines = append(lines, p.Greeting[l])
	default:
		lines = append(lines, inLang(l, "Teşekkürler, bilgileri not aldık.", "Thank you, we have noted the details."))
	}
	asked := 0
	for _, qq := range p.Questions {
		if rp.covered[qq.Covers] || rp.asked[qq.Covers] || asked == 2 {
			continue
		}
		lines = append(lines, qq.Text[l])
		asked++
	}
	return strings.Join(lines, " ")
}

// pricingRec is the pricing recommendation; for an estimating persona with a known area and
// matching catalog lines it carries an m² range with the waste allowance. It is never sent as is.
func pricingRec(p *Persona, lang string, area float64, named []string, thickness string, diagonal, rough bool, products []Product, currency, prio string) Recommendation {
	rec := Recommendation{ActionType: "pricing", Priority: prio, Confidence: 0.6, RecommendedAction: "prepare_quote",
		Title: t2(lang, "Fiyat talebi: "+describe(named, thickness, area), "Price request: "+describe(named, thickness, area)),
		Words: w.Rec{Kind: "pricing", Products: named, Thickness: atof(thickness), Area: area, Rough: rough, Case: "unclear"}}
	if !rough {
		rec.Summary = t2(lang, "Müşteri fiyat istiyor. ", "The customer asks for a price. ")
	} else {
		rec.Summary = t2(lang, "Müşteri kabaca bir bütçe istiyor. ", "The customer asks for a rough budget. ")
	}
	if !p.Estimates || area <= 0 {
		rec.Summary += t2(lang, "Alan ya da ürün belli değil; önce netleştirin.", "Area or product is not known yet; clarify first.")
		return rec
	}
	matched := matchProducts(p, named, thickness, products)
	if len(matched) == 0 {
		rec.Summary += t2(lang, "Katalogda eşleşen aktif ürün yok; fiyatı elle hazırlayın.", "No active catalog product matches; price it by hand.")
		rec.Words.Case = "no_match"
		return rec
	}
	matched, left := oneCurrency(matched, currency)
	lo, hi := matched[0].UnitPrice, matched[0].UnitPrice
	var names []string
	for _, m := range matched {
		lo, hi = math.Min(lo, m.UnitPrice), math.Max(hi, m.UnitPrice)
		names = append(names, m.Name)
	}
	wLo, wHi := 0.05, 0.08
	if diagonal {
		wLo, wHi = 0.10, 0.15
	}
	cur := matched[0].Currency
	minTotal := area * (1 + wLo) * lo
	maxTotal := area * (1 + wHi) * hi
	rng := isolated(lang, fmtAmount(lang, minTotal)+" – "+fmtAmount(lang, maxTotal)+" "+currencyWord(lang, cur))
	rec.Confidence = 0.7
	rec.Words.Case, rec.Words.Names, rec.Words.Diagonal, rec.Words.Currency = "estimate", names, diagonal, cur
	rec.Words.WasteLo, rec.Words.WasteHi = wLo*100, wHi*100
	rec.Words.Left = left
	rec.Words.Min, rec.Words.Max = math.Round(minTotal/100)*100, math.Round(maxTotal/100)*100
	rec.Summary += fmt.Sprintf(t2(lang, "%g m² × %s; fire payı %%%.0f–%.0f%s. Malzeme tahmini: %s (işçilik, alt zemin ve nakliye hariç).",
		"%g m² × %s; waste allowance %.0f–%.0f%%%s. Material estimate: %s (labour, sub-base and transport excluded)."),
		area, strings.Join(names, ", "), wLo*100, wHi*100, map[bool]string{true: t2(lang, " (çapraz döşeme)", " (diagonal laying)"), false: ""}[diagonal], rng)
	if len(left) > 0 {
		rec.Summary += t2(lang, " Başka para biriminde fiyatlı olduğu için hesaba katılmadı: ", " Left out, priced in another currency: ") + strings.Join(left, ", ") + "."
	}
	rec.DraftReply = fmt.Sprintf(inLang(lang,
		"%s m² için malzeme bütçesi yaklaşık %s aralığındadır (fire payı dahil; işçilik, alt zemin ve nakliye hariç). Keşif sonrası net teklif veririz.",
		"For %s m² the material budget is roughly %s (waste included; labour, sub-base and transport excluded). We give a firm quote after a site visit."),
		areaWords(lang, area), rng)
	return rec
}

// oneCurrency keeps the matched products of one currency, so that an estimate's lowest and
// highest prices are amounts of the currency it names: the business's currency when a matched
// product is priced in it, otherwise the cheapest product's. It returns the others as "name
// (CUR)", for the person pricing it by hand. matched is sorted by unit price and not empty.
func oneCurrency(matched []Product, currency string) (kept []Product, left []string) {
	cur := matched[0].Currency
	for _, m := range matched {
		if currency != "" && m.Currency == currency {
			cur = currency
			break
		}
	}
	for _, m := range matched {
		if m.Currency == cur {
			kept = append(kept, m)
		} else {
			left = append(left, m.Name+" ("+m.Currency+")")
		}
	}
	return kept, left
}

// matchProducts picks the active m² products the customer named (thickness narrows lock pavers).
func matchProducts(p *Persona, named []string, thickness string, products []Product) []Product {
	stems := map[string][]string{}
	for _, t := range p.Products {
		stems[t.Key] = t.Stems
	}
	var out []Product
	for _, pr := range products {
		if pr.Unit != "m2" && pr.Unit != "m²" {
			continue
		}
		hay := newText(pr.Name + " " + pr.Category + " " + pr.SKU)
		for _, k := range named {
			if hay.first(stems[k]) == "" && !strings.Contains(hay.s, strings.ReplaceAll(k, "_", " ")) {
				continue
			}
			if thickness != "" && k == "lock_paver" && !strings.Contains(strings.ReplaceAll(hay.s, " ", ""), thickness+"cm") {
				continue
			}
			out = append(out, pr)
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UnitPrice < out[j].UnitPrice })
	return out
}

// fmtAmount rounds to a whole unit with the language's thousands separator.
// currencyWord is how a draft written in lang names currency cur: a Turkish customer reads the
// lira as "₺", as the panel writes it, not as its ISO code; other currencies, and English text,
// keep the code (an unambiguous "154,400 – 158,800 TRY" for a customer writing English).
func currencyWord(lang, cur string) string {
	if lang == "tr" && cur == "TRY" {
		return "₺"
	}
	return cur
}

func fmtAmount(lang string, v float64) string {
	if !replyIn(lang) {
		lang = "en"
	}
	return i18n.For(lang).Int(int64(math.Round(v/100) * 100))
}

// areaWords is an area as a draft in lang writes it: "150", "85,5" with a decimal comma.
func areaWords(lang string, area float64) string {
	s := strconv.FormatFloat(area, 'f', -1, 64)
	if lang == "tr" || lang == "de" || lang == "fr" || lang == "es" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// stockOf is what the stock shows of the products the customer named (any unit; the thickness
// narrows lock pavers as for prices): the counted catalog lines whose name, category or SKU
// matches, for a stock question's words.
func stockOf(p *Persona, named []string, thickness string, products []Product) []w.StockLine {
	stems := map[string][]string{}
	for _, t := range p.Products {
		stems[t.Key] = t.Stems
	}
	var out []w.StockLine
	for _, pr := range products {
		if !pr.Counted {
			continue
		}
		hay := newText(pr.Name + " " + pr.Category + " " + pr.SKU)
		for _, k := range named {
			if hay.first(stems[k]) == "" && !strings.Contains(hay.s, strings.ReplaceAll(k, "_", " ")) {
				continue
			}
			if thickness != "" && k == "lock_paver" && !strings.Contains(strings.ReplaceAll(hay.s, " ", ""), thickness+"cm") {
				continue
			}
			out = append(out, w.StockLine{Name: pr.Name, OnHand: pr.OnHand, Unit: pr.StockUnit})
			break
		}
	}
	return out
}
