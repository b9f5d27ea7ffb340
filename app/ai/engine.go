package ai

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Product is a catalog line the assistant may quote from (the tenant's active products).
type Product struct {
	SKU, Name, Category, Unit, Currency string
	UnitPrice                           float64
}

// Input is what the engine looks at for one inbound message.
type Input struct {
	Text     string
	Niche    string
	Products []Product
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
	reDeadline  = regexp.MustCompile(`(?i)\d+\s*(gün|hafta|ay içinde|days?|weeks?)`)
	rePhoneLike = regexp.MustCompile(`\+?\d[\d\s()-]{8,}\d`)
	reEmailLike = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[a-zA-Z]{2,}`)
)

// signal lists: stems matched at word starts.
var (
	sigUrgent    = []string{"acil", "hemen", "bugün", "yarın", "ivedi", "urgent", "asap", "immediately", "today", "tomorrow", "right away"}
	sigStock     = []string{"stok", "stock", "mevcut mu", "elinizde var", "in stock", "availab", "hazırda"}
	sigFirmPrice = []string{"kesin fiyat", "net fiyat", "son fiyat", "fiyat garantisi", "sabit fiyat", "teklif verin", "resmi teklif", "firm price", "exact price", "final price", "fixed price", "firm quote", "formal quote", "binding"}
	sigPrice     = []string{"fiyat", "ücret", "ne kadar", "kaça", "bütçe", "maliyet", "teklif", "price", "cost", "budget", "quote", "how much"}
	sigRough     = []string{"yaklaşık", "kabaca", "tahmini", "ortalama", "aşağı yukarı", "rough", "approx", "ballpark", "estimate"}
	sigDate      = []string{"teslim", "ne zaman", "tarih", "deadline", "deliver", "when can", "by when", "yetişir", "kurulum günü", "hafta sonu", "weekend"}
	sigComplaint = []string{"şikayet", "memnun değil", "rezalet", "berbat", "kırıldı", "kırık", "çatladı", "çatlak", "bozuldu", "iade", "complain", "unhappy", "broken", "cracked", "terrible", "refund", "awful", "disappoint"}
	sigLegal     = []string{"garanti", "avukat", "dava", "sözleşme", "tazminat", "kvkk", "noter", "warrant", "guarantee", "lawyer", "legal", "contract", "lawsuit", "sue"}
	sigPayment   = []string{"taksit", "vade", "peşin", "kapora", "havale", "kredi kart", "ödeme", "installment", "deposit", "payment", "pay later"}
	sigHuman     = []string{"yetkili", "gerçek kişi", "insanla", "biriyle görüş", "beni arayın", "arar mısınız", "müdür", "operatör", "human", "real person", "agent", "call me", "manager", "speak to someone", "talk to someone"}
	sigPositive  = []string{"teşekkür", "sağol", "harika", "süper", "güzel", "memnun", "rica", "lütfen", "thank", "great", "lovely", "perfect", "please", "awesome"}
	sigNegative  = []string{"kötü", "geç kal", "cevap vermi", "hâlâ", "hala bekli", "sinir", "bad", "late", "still waiting", "no answer", "angry", "annoyed"}
	sigGreeting  = []string{"merhaba", "selam", "iyi günler", "günaydın", "hello", "hi", "hey", "good morning"}
	sigPlace     = []string{"villa", "bahçe", "otopark", "site", "teras", "havuz", "yol", "garaj", "avlu", "garden", "driveway", "patio", "terrace", "yard", "pool", "parking"}
)

// hasStem reports whether stem occurs in s at the start of a word.
func hasStem(s, stem string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], stem)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(s[:at])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		i = at + len(stem)
	}
}

func anyStem(s string, stems []string) string {
	for _, st := range stems {
		if hasStem(s, st) {
			return st
		}
	}
	return ""
}

func clamp(v int) int { return max(0, min(100, v)) }

// Analyze runs the builtin engine over one inbound message. It is deterministic: the same text,
// niche and catalog give the same scores, reasons, reply and recommendations.
func Analyze(in Input) Result {
	p := PersonaFor(in.Niche)
	s := lowerTR(in.Text)
	lang := DetectLanguage(in.Text)
	r := Result{Language: lang, Reasons: map[string][]string{}}
	add := func(k, v string) { r.Reasons[k] = append(r.Reasons[k], v) }
	add("language", lang)
	covered := map[string]bool{}

	urg, qual, sent := 20, 10, 60
	var area float64
	if m := reArea.FindStringSubmatch(s); m != nil {
		area, _ = strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
		qual += 25
		covered["area"] = true
		add("qualification", "area: "+m[1]+" m²")
		if area >= 500 {
			urg += 10
			qual += 10
			add("urgency", "large job: "+m[1]+" m²")
		}
	}
	var named []string
	for _, t := range p.Products {
		if st := anyStem(s, t.Stems); st != "" {
			named = append(named, t.Key)
		}
	}
	if len(named) > 0 {
		qual += 20
		covered["product"] = true
		add("qualification", "product: "+strings.Join(named, ", "))
	}
	thickness := ""
	if m := reThickness.FindStringSubmatch(s); m != nil {
		thickness = m[1]
		qual += 5
		add("qualification", "thickness: "+m[1]+" cm")
	}
	diagonal := false
	for _, t := range p.Topics {
		if st := anyStem(s, t.Stems); st != "" {
			covered[t.Key] = true
			qual += 5
			add("qualification", t.Key+": "+st)
			if t.Key == "diagonal" {
				diagonal = true
			}
		}
	}
	if st := anyStem(s, sigPlace); st != "" {
		qual += 10
		covered["location"] = true
		add("qualification", "site: "+st)
	}
	if rePhoneLike.MatchString(in.Text) || reEmailLike.MatchString(in.Text) {
		qual += 10
		add("qualification", "contact details given")
	}
	askPrice := anyStem(s, sigPrice)
	firm := anyStem(s, sigFirmPrice)
	rough := anyStem(s, sigRough)
	if askPrice != "" || firm != "" {
		qual += 10
		add("qualification", "asks price: "+askPrice+firm)
	}
	if st := anyStem(s, sigUrgent); st != "" {
		urg += 30
		add("urgency", "urgent word: "+st)
	}
	deadline := reDeadline.FindString(s)
	dateAsk := anyStem(s, sigDate)
	if deadline != "" {
		urg += 25
		add("urgency", "deadline: "+deadline)
	}
	stock := anyStem(s, sigStock)
	if stock != "" {
		urg += 15
		add("urgency", "stock question: "+stock)
	}
	complaint := anyStem(s, sigComplaint)
	if complaint != "" {
		urg += 20
		sent -= 30
		add("urgency", "complaint: "+complaint)
		add("sentiment", "complaint: "+complaint)
	}
	for _, st := range sigPositive {
		if hasStem(s, st) {
			sent += 10
			add("sentiment", "positive: "+st)
		}
	}
	for _, st := range sigNegative {
		if hasStem(s, st) {
			sent -= 15
			add("sentiment", "negative: "+st)
		}
	}
	if strings.Count(in.Text, "!") >= 3 {
		sent -= 10
		add("sentiment", "many exclamation marks")
	}
	legal := anyStem(s, sigLegal)
	payment := anyStem(s, sigPayment)
	human := anyStem(s, sigHuman)
	greeting := anyStem(s, sigGreeting)
	sensitive := anyStem(s, p.Sensitive)

	// Confidence: how much of the message the engine understood.
	known := len(r.Reasons["qualification"]) + len(r.Reasons["urgency"]) + len(r.Reasons["sentiment"])
	if greeting != "" || human != "" || legal != "" || payment != "" || dateAsk != "" {
		known++
	}
	r.Confidence = math.Min(0.95, 0.35+0.12*float64(known))
	if lang == "other" {
		r.Confidence = math.Min(r.Confidence, 0.3)
	}

	var handoff []string
	if stock != "" {
		handoff = append(handoff, "stock")
	}
	if firm != "" {
		handoff = append(handoff, "firm_price")
	}
	if deadline != "" || dateAsk != "" {
		handoff = append(handoff, "date")
	}
	if complaint != "" {
		handoff = append(handoff, "complaint")
	}
	if legal != "" {
		handoff = append(handoff, "legal_warranty")
	}
	if human != "" {
		handoff = append(handoff, "human_requested")
	}
	if sensitive != "" {
		handoff = append(handoff, "sensitive_topic")
	}
	// Low confidence hands over only what the engine could not read at all: another language, or a
	// question with no recognised signal. Short acknowledgements ("tamam") need no person.
	if lang == "other" || (r.Confidence < 0.45 && greeting == "" && strings.Contains(in.Text, "?")) {
		handoff = append(handoff, "low_confidence")
	}
	r.Reasons["handoff"] = handoff
	r.Handoff = len(handoff) > 0
	r.HandoffReason = strings.Join(handoff, ", ")
	r.Urgency, r.Qualification, r.Sentiment = clamp(urg), clamp(qual), clamp(sent)

	// Recommendations: every commitment goes to a person.
	prio := "medium"
	if r.Urgency >= 60 {
		prio = "high"
	}
	if askPrice != "" || firm != "" || (area > 0 && len(named) > 0) {
		r.Recommendations = append(r.Recommendations, pricingRec(p, lang, area, named, thickness, diagonal, rough != "" && firm == "", in.Products, prio))
	}
	if stock != "" {
		r.Recommendations = append(r.Recommendations, Recommendation{ActionType: "stock", Priority: bump(prio),
			Title:             t2(lang, "Stok sorusu: "+describe(named, thickness, area), "Stock question: "+describe(named, thickness, area)),
			Summary:           t2(lang, "Müşteri stok durumunu soruyor; hiçbir şey taahhüt edilmedi.", "The customer asks about availability; nothing was promised."),
			RecommendedAction: "check_stock_and_reply", Confidence: 0.8})
	}
	if deadline != "" || dateAsk != "" {
		r.Recommendations = append(r.Recommendations, Recommendation{ActionType: "delivery_date", Priority: bump(prio),
			Title:             t2(lang, "Teslim tarihi talebi", "Delivery date request"),
			Summary:           t2(lang, "Müşteri bir tarih istiyor ("+strings.TrimSpace(deadline+" "+dateAsk)+"); tarih yalnızca ekip onayıyla verilir.", "The customer wants a date ("+strings.TrimSpace(deadline+" "+dateAsk)+"); a date is only given once the team confirms it."),
			RecommendedAction: "confirm_schedule", Confidence: 0.75})
	}
	if payment != "" {
		r.Recommendations = append(r.Recommendations, Recommendation{ActionType: "payment_terms", Priority: prio,
			Title: t2(lang, "Ödeme koşulu sorusu", "Payment terms question"), Summary: "signal: " + payment, RecommendedAction: "decide_payment_terms", Confidence: 0.7})
	}
	if legal != "" {
		at := "legal"
		if strings.HasPrefix(legal, "garanti") || strings.HasPrefix(legal, "warrant") || strings.HasPrefix(legal, "guarantee") {
			at = "warranty"
		}
		r.Recommendations = append(r.Recommendations, Recommendation{ActionType: at, Priority: "high",
			Title: t2(lang, "Garanti / hukuki soru", "Warranty / legal question"), Summary: "signal: " + legal, RecommendedAction: "answer_by_owner", Confidence: 0.7})
	}
	if complaint != "" || human != "" || (r.Handoff && handoff[len(handoff)-1] == "low_confidence") {
		pr := "high"
		if complaint != "" {
			pr = "critical"
		}
		r.Recommendations = append(r.Recommendations, Recommendation{ActionType: "human_handoff", Priority: pr,
			Title:   t2(lang, "Bir kişinin devralması gerekiyor", "A person should take over"),
			Summary: "handoff: " + r.HandoffReason, RecommendedAction: "call_customer", Confidence: r.Confidence})
	}

	r.Reply = compose(p, lang, covered, r.Handoff, greeting != "", sensitive != "")
	if !SafeToSend(r.Reply) {
		r.Withheld, r.Reply = r.Reply, ""
	}
	parts := []string{lang}
	if area > 0 {
		parts = append(parts, fmt.Sprintf("%g m²", area))
	}
	parts = append(parts, named...)
	if r.Handoff {
		parts = append(parts, "handoff: "+r.HandoffReason)
	}
	r.Summary = strings.Join(parts, " · ")
	return r
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

// compose builds the low-risk reply: a greeting or holding line plus up to two clarifying questions
// the customer has not answered yet. It never contains prices, terms, warranties or dates.
func compose(p *Persona, lang string, covered map[string]bool, handoff, greeting, sensitive bool) string {
	l := lang
	if l != "tr" {
		l = "en"
	}
	if sensitive && p.Refusal != nil {
		return p.Refusal[l]
	}
	var lines []string
	switch {
	case handoff:
		lines = append(lines, t2(l, "Teşekkürler, mesajınızı aldık. Bu konuyu ekibimizden bir yetkili kontrol edip size dönecek.",
			"Thank you, we have your message. A member of our team will check this and get back to you."))
	case greeting && len(covered) == 0:
		lines = append(lines, p.Greeting[l])
	default:
		lines = append(lines, t2(l, "Teşekkürler, bilgileri not aldık.", "Thank you, we have noted the details."))
	}
	asked := 0
	for _, qq := range p.Questions {
		if covered[qq.Covers] || asked == 2 {
			continue
		}
		lines = append(lines, qq.Text[l])
		asked++
	}
	return strings.Join(lines, " ")
}

// pricingRec is the pricing recommendation; for an estimating persona with a known area and
// matching catalog lines it carries an m² range with the waste allowance. It is never sent as is.
func pricingRec(p *Persona, lang string, area float64, named []string, thickness string, diagonal, rough bool, products []Product, prio string) Recommendation {
	rec := Recommendation{ActionType: "pricing", Priority: prio, Confidence: 0.6, RecommendedAction: "prepare_quote",
		Title: t2(lang, "Fiyat talebi: "+describe(named, thickness, area), "Price request: "+describe(named, thickness, area))}
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
		return rec
	}
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
	rng := fmtAmount(lang, minTotal) + " – " + fmtAmount(lang, maxTotal) + " " + cur
	rec.Confidence = 0.7
	rec.Summary += fmt.Sprintf(t2(lang, "%g m² × %s; fire payı %%%.0f–%.0f%s. Malzeme tahmini: %s (işçilik, alt zemin ve nakliye hariç).",
		"%g m² × %s; waste allowance %.0f–%.0f%%%s. Material estimate: %s (labour, sub-base and transport excluded)."),
		area, strings.Join(names, ", "), wLo*100, wHi*100, map[bool]string{true: t2(lang, " (çapraz döşeme)", " (diagonal laying)"), false: ""}[diagonal], rng)
	rec.DraftReply = t2(lang,
		fmt.Sprintf("%g m² için malzeme bütçesi yaklaşık %s aralığındadır (fire payı dahil; işçilik, alt zemin ve nakliye hariç). Keşif sonrası net teklif veririz.", area, rng),
		fmt.Sprintf("For %g m² the material budget is roughly %s (waste included; labour, sub-base and transport excluded). We give a firm quote after a site visit.", area, rng))
	return rec
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
		hay := lowerTR(pr.Name + " " + pr.Category + " " + pr.SKU)
		for _, k := range named {
			if anyStem(hay, stems[k]) == "" && !strings.Contains(hay, strings.ReplaceAll(k, "_", " ")) {
				continue
			}
			if thickness != "" && k == "lock_paver" && !strings.Contains(strings.ReplaceAll(hay, " ", ""), thickness+"cm") {
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
func fmtAmount(lang string, v float64) string {
	s := strconv.FormatInt(int64(math.Round(v/100)*100), 10)
	sep := ","
	if lang == "tr" {
		sep = "."
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}
