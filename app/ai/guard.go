package ai

import (
	"regexp"
	"strings"
)

// Commitment kinds a reply may carry. Any of them keeps the reply away from the customer until a
// person approves it in the approval queue (guide: 09-approval-queue.md).
const (
	CommitPrice   = "price"
	CommitPayment = "payment_term"
	CommitWarrant = "warranty"
	CommitDate    = "date"
)

// The guard reads a reply the way a customer would: in any of the languages a model may answer in
// (Turkish, English, German, French, Spanish, Arabic), with digits of any script, amounts written
// in words and Turkish suffixes on names of days, months and currencies ("cumaya", "liradır").
// It errs on the side of withholding: a harmless reply it stops reaches the customer as the
// builtin reply or through a person, while a commitment it missed would reach them unapproved.

// alt joins a list of words into an alternation; an underscore in an entry stands for the spaces
// between the words of a phrase ("free_of_charge").
func alt(list string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(list), "|"), "_", `\s+`)
}

// wordAlt builds an alternation of whole words; \b is ASCII-only in Go, so letters decide the edges.
func wordAlt(list string) string {
	return `(?:^|[^\p{L}])(?:` + alt(list) + `)(?:$|[^\p{L}])`
}

// stemAlt builds an alternation of words that start with one of the stems, whatever letters
// follow: Turkish adds its cases to names ("cumaya", "yarından", "haziranda", "liraya").
func stemAlt(list string) string {
	return `(?:^|[^\p{L}])(?:` + alt(list) + `)`
}

// anyAlt is an alternation matched anywhere: Arabic joins prefixes (ال، ب، و) to its words.
func anyAlt(list string) string {
	return `(?:` + alt(list) + `)`
}

const (
	// Number words that make an amount without digits ("bin iki yüz", "twelve hundred").
	numberWords   = "bin yüz milyon thousand hundred million tausend hundert millionen mille cent mil cien ciento cientos millón millones"
	numberWordsAr = "ألف آلاف مئة مائة مليون"
	// Small counts before a span of time ("iki hafta", "a few days").
	countWords = "bir iki üç dört beş altı yedi sekiz dokuz on birkaç one two three four five six seven eight nine ten few couple couple_of " +
		"ein eine zwei drei vier fünf sechs sieben acht neun zehn paar un une deux trois quatre cinq six sept huit neuf dix quelques " +
		"uno una dos tres cuatro cinco seis siete ocho nueve diez unos unas"
	// Currencies by name: on its own a currency names an amount. The names take Turkish endings
	// ("liradır", "dolara"); the codes are whole words, as "eur" begins an everyday word (German
	// "eure"), TRY only beside an amount (it is the English "try"), and "euro" is not "Europe".
	currencyStems  = "lira avro dolar dollar sterlin pound rubel ruble franken euro(?:[^p]|$)"
	currencyCodes  = "tl usd eur gbp"
	currencyAr     = "ليرة ريال دولار يورو درهم جنيه دينار"
	pricePhrases   = "fiyat ücret tutar maliyet bütçe bedel price cost total toplam budget preis kosten betrag summe prix coût tarif montant precio costo coste importe tarifa"
	pricePhrasesAr = "سعر أسعار تكلفة مبلغ"
	// Words that promise a price by themselves: a discount or something free.
	discountWords   = "indirim iskonto kampanyalı ücretsiz bedava discount free_of_charge for_free at_no_cost rabatt kostenlos gratis remise gratuit descuento"
	discountWordsAr = "خصم تخفيض مجان"
	// Days, months and relative days, as stems (Turkish suffixes) where the stem is not another
	// everyday word; "aralık" (also "range") and "ocak" (also "quarry") only as whole words.
	dateStems = "şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım pazartesi salı çarşamba perşembe cuma cumartesi pazar " +
		"yarın yarin bugün haftaya bu_akşam bu_hafta january february march april june july august september october november december " +
		"monday tuesday wednesday thursday friday saturday sunday tomorrow today tonight " +
		"montag dienstag mittwoch donnerstag freitag samstag sonntag übermorgen heute januar februar märz juni juli oktober dezember " +
		"lundi mardi mercredi jeudi vendredi samedi dimanche demain aujourd janvier février avril juin juillet août septembre octobre novembre décembre " +
		"lunes martes miércoles jueves viernes sábado domingo mañana hoy enero febrero marzo abril junio julio agosto septiembre setiembre octubre noviembre diciembre"
	dateWords   = "ocak ocakta ocaktan aralık aralıkta aralıktan morgen mai mars mayo"
	dateWordsAr = "غدا غداً اليوم بعد_غد الأسبوع_القادم الشهر_القادم الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"
	spanWords   = `gün|hafta|ay\b|iş günü|days?|weeks?|months?|business days?|working days?|tage?n?|wochen?|monate?n?|jours?|semaines?|mois|días?|semanas?|meses|mes\b`
	spanWordsAr = "يوم أيام أسبوع أسابيع شهر أشهر"
)

// pattern is a guard pattern compiled twice: as written, and with the Turkish letters folded, for
// replies written without them ("odeme", "yarin", "ucretsiz"), as a model or a phone keyboard may.
type pattern struct{ re, folded *regexp.Regexp }

func mustPattern(src string) pattern {
	return pattern{regexp.MustCompile(src), regexp.MustCompile(foldTR(src))}
}

// match reads s, the guard's text, and f, the same text folded.
func (p pattern) match(s, f string) bool { return p.re.MatchString(s) || p.folded.MatchString(f) }

var (
	reMoney = mustPattern(`(?i)(\d[\d.,]*\s*(₺|tl\b|try\b|lira|\$|usd\b|€|£|eur\b|euro|dolar|dollar))|((₺|\$|€|£|usd|eur|try|tl)\s*\d)|` +
		stemAlt(currencyStems) + `|` + wordAlt(currencyCodes) + `|` + anyAlt(currencyAr))
	// rePriceWord catches a number next to a price word ("fiyatı 450", "price 450/m2", "fiyatı bin iki yüz").
	rePriceWord = mustPattern(`(?i)(` + strings.Join(strings.Fields(pricePhrases+" "+pricePhrasesAr), "|") + `)([^\d.?!\n]{0,20}\d|[^.?!\n]{0,30}?(` +
		wordAlt(numberWords) + `|` + anyAlt(numberWordsAr) + `))`)
	rePerUnit  = mustPattern(`(?i)\d[\d.,]*\s*(/|per|başına|pro|par|por)\s*(m²|m2|metrekare|sqm|adet|piece|stück|pièce|pieza)`)
	reDiscount = mustPattern(`(?i)` + stemAlt(discountWords) + `|` + anyAlt(discountWordsAr) + `|\d\s*(%|percent|per cent)\s*off\b`)
	rePayment  = mustPattern(`(?i)(peşin|taksit|kapora|kaparo|vade|ön ödeme|ödeme plan|ödeme koşul|havale|kredi kart|nakit|installment|deposit|down payment|advance payment|payment term|payment plan|net 30|upfront|bank transfer|wire transfer|in cash|anzahlung|ratenzahlung|vorkasse|überweisung|zahlungsbedingung|barzahlung|acompte|paiement|virement|versement|en espèces|anticipo|a plazos|cuotas|transferencia|en efectivo|forma de pago|تقسيط|أقساط|عربون|دفعة|الدفع|تحويل بنكي|نقدا|نقداً)` +
		`|` + wordAlt("eft iban cash çek senet"))
	reWarranty = mustPattern(`(?i)(garanti|garant|warrant|guarantee|gewährleistung|ضمان|كفالة)`)
	reDate     = mustPattern(`(?i)(\b\d{1,2}[./-]\d{1,2}([./-]\d{2,4})?\b|` + stemAlt(dateStems) + `|` + wordAlt(dateWords) + `|` + anyAlt(dateWordsAr) +
		`|\d+\s*(` + spanWords + `)|\d+\s*(` + alt(spanWordsAr) + `)|(?:^|[^\p{L}])(` + alt(countWords) + `)\s+(iş\s+|business\s+|working\s+)?(` + spanWords + `)` +
		`|teslim tarih|delivery date|next week|gelecek hafta|önümüzdeki (hafta|ay)|ay sonu|ay başı|hafta sonuna|en geç|at the latest|end of the (week|month)|nächste woche|semaine prochaine|próxima semana|semana que viene` +
		`|saat\s*\d|\d\s*(am|pm)\b|o'?clock|\b\d{1,2}:\d{2}\b|\d\s*uhr\b)`)
	// A greeting is not a date: "Guten Morgen", "buenos días".
	reGreeting = regexp.MustCompile(`(?i)guten morgen|buen(os|as) (días|tardes|noches)`)
)

// guardText is what the patterns read: both lower-casings (a mixed Turkish/English reply must not
// hide "Installment" as "ınstallment"), digits of every script as ASCII digits, greetings removed.
func guardText(reply string) string {
	s := lowerTR(reply) + "\n" + strings.ToLower(reply)
	s = strings.Map(func(r rune) rune {
		if d := digitValue(r); r > 0x7f && d >= 0 {
			return '0' + rune(d)
		}
		return r
	}, s)
	return reGreeting.ReplaceAllString(s, " ")
}

// Commitments lists the commitment kinds found in a reply (empty: informational only).
func Commitments(reply string) []string {
	s := guardText(reply)
	f := foldTR(s)
	var out []string
	if reMoney.match(s, f) || rePriceWord.match(s, f) || rePerUnit.match(s, f) || reDiscount.match(s, f) {
		out = append(out, CommitPrice)
	}
	if rePayment.match(s, f) {
		out = append(out, CommitPayment)
	}
	if reWarranty.match(s, f) {
		out = append(out, CommitWarrant)
	}
	if reDate.match(s, f) {
		out = append(out, CommitDate)
	}
	return out
}

// SafeToSend is THE guard in front of every automatic reply: a text naming a price, payment term,
// warranty or date is never sent by the assistant; it can only reach the customer through a
// person's approval.
func SafeToSend(reply string) bool {
	return strings.TrimSpace(reply) != "" && len(Commitments(reply)) == 0
}
