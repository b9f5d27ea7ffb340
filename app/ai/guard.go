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

// wordAlt builds an alternation of whole words; \b is ASCII-only in Go, so letters decide the edges.
func wordAlt(list string) string {
	return `(?:^|[^\p{L}])(?:` + strings.Join(strings.Fields(list), "|") + `)(?:$|[^\p{L}])`
}

var (
	reMoney = regexp.MustCompile(`(?i)(\d[\d.,]*\s*(₺|tl\b|try\b|lira|\$|usd\b|€|eur\b|euro|dolar|dollar))|((₺|\$|€|usd|eur|try|tl)\s*\d)`)
	// rePriceWord catches a number next to a price word ("fiyatı 450", "price 450/m2").
	rePriceWord = regexp.MustCompile(`(?i)(fiyat|ücret|tutar|maliyet|bütçe|price|cost|total|toplam|budget)\D{0,20}\d`)
	rePerUnit   = regexp.MustCompile(`(?i)\d[\d.,]*\s*(/|per|başına)\s*(m²|m2|metrekare|sqm|adet|piece)`)
	rePayment   = regexp.MustCompile(`(?i)(peşin|taksit|kapora|vade|ön ödeme|ödeme plan|ödeme koşul|havale|kredi kart|installment|deposit|down payment|advance payment|payment term|payment plan|net 30|upfront)`)
	reWarranty  = regexp.MustCompile(`(?i)(garanti|warrant|guarantee)`)
	reDate      = regexp.MustCompile(`(?i)(\b\d{1,2}[./-]\d{1,2}([./-]\d{2,4})?\b|` + wordAlt(
		"ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık january february march april june july august september october november december "+
			"pazartesi salı çarşamba perşembe cuma cumartesi pazar monday tuesday wednesday thursday friday saturday sunday "+
			"yarın yarin bugün haftaya tomorrow today tonight") +
		`|\d+\s*(gün|hafta|iş günü|ay\b|days?|weeks?|months?|business days?)|teslim tarih|delivery date|next week|gelecek hafta|önümüzdeki hafta)`)
)

// Commitments lists the commitment kinds found in a reply (empty: informational only).
func Commitments(reply string) []string {
	var out []string
	// Both lower-casings: a mixed Turkish/English reply must not hide "Installment" as "ınstallment".
	s := lowerTR(reply) + "\n" + strings.ToLower(reply)
	if reMoney.MatchString(s) || rePriceWord.MatchString(s) || rePerUnit.MatchString(s) {
		out = append(out, CommitPrice)
	}
	if rePayment.MatchString(s) {
		out = append(out, CommitPayment)
	}
	if reWarranty.MatchString(s) {
		out = append(out, CommitWarrant)
	}
	if reDate.MatchString(s) {
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
