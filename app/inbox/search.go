package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"highvibe/app/fold"
	"highvibe/app/i18n"
	"highvibe/app/phone"
)

// Fold lower-cases s with Turkish rules (İ and I both become i) and removes diacritics, so that
// search documents and queries meet in one plain alphabet: "Çavuş" → "cavus", "IŞIK" → "isik".
// It is fold.String; the SQL function hv_fold is the same rule.
func Fold(s string) string { return fold.String(s) }

// appendFold appends Fold(s) to b.
func appendFold(b []byte, s string) []byte { return fold.Append(b, s) }

// phoneTerms returns the digit strings a phone (stored E.164, else as typed) is findable by: the
// full E.164 digits, the national-number suffixes (last ten and last seven digits) and the
// national number itself where it is no such suffix ("301234567" of +49301234567: "030 1234567",
// typed the German way, is found by it once parseSearch drops the trunk 0).
func phoneTerms(p string) []string {
	if p == "" {
		return nil
	}
	phoneTermsSeen.Lock()
	out, ok := phoneTermsSeen.m[p]
	phoneTermsSeen.Unlock()
	if ok {
		return out
	}
	out = slices.Clip(phoneTermsOf(p)) // shared: an append by a caller copies it
	phoneTermsSeen.Lock()
	if len(phoneTermsSeen.m) >= maxPhoneTermsSeen || phoneTermsSeen.m == nil {
		phoneTermsSeen.m = make(map[string][]string, 256)
	}
	phoneTermsSeen.m[p] = out
	phoneTermsSeen.Unlock()
	return out
}

// phoneTermsSeen keeps the terms of the phones met lately: a search document is rebuilt for every
// batch of a conversation's messages, and reading its phone in the number plan (the national
// number) was a ninth of a rebuild. Emptied when it holds maxPhoneTermsSeen numbers.
var phoneTermsSeen struct {
	sync.Mutex
	m map[string][]string
}

const maxPhoneTermsSeen = 8192

// phoneTermsOf is phoneTerms, worked out.
func phoneTermsOf(p string) []string {
	d := phone.Digits(p) // a phone typed on an Arabic keyboard is the same number
	if n := NormalizePhone(p, ""); n != "" {
		d = n[1:]
	}
	if len(d) < 5 {
		return nil
	}
	out := []string{d}
	if len(d) > 10 {
		out = append(out, d[len(d)-10:])
	}
	if len(d) > 7 {
		out = append(out, d[len(d)-7:])
	}
	if strings.HasPrefix(strings.TrimSpace(p), "+") {
		if nat := phone.NationalNumber("+" + d); len(nat) >= 5 && !slices.Contains(out, nat) {
			out = append(out, nat)
		}
	}
	return out
}

// maxDoc bounds one conversation's search document.
const maxDoc = 64 << 10

// reindex rebuilds the search document of one conversation inside the caller's transaction.
func reindex(ctx context.Context, tx querier, convID int64) error {
	return reindexFrom(ctx, tx, convID, 0)
}

// reindexFrom is reindex when every message before message from was already in an earlier
// document of this conversation (0: not known, every word of the document is added to
// search_terms). Only the words of the newer messages and of the conversation's own fields can
// be new to search_terms: an older body's words were added when that earlier document was written
// (and search_terms only ever grows). A long thread's document is up to 64 KB; the rebuild then
// adds the words of its new messages instead of splitting and looking up the whole document again.
func reindexFrom(ctx context.Context, tx querier, convID, from int64) error {
	doc, terms, _, err := buildDoc(ctx, tx, convID, from)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO conversation_search(rowid, doc) VALUES(?, ?)`, convID, doc); err != nil {
		return fmt.Errorf("inbox: indexing conversation %d: %w", convID, err)
	}
	if err := addTerms(ctx, tx, terms); err != nil {
		return fmt.Errorf("inbox: indexing conversation %d: %w", convID, err)
	}
	return nil
}

// buildDoc reads what conversation convID's search document holds and answers its text (docText),
// the text whose words may be new to search_terms (reindexFrom), and the size of what it holds as
// written (the conversation's fields and message bodies, up to maxDoc).
func buildDoc(ctx context.Context, tx querier, convID, from int64) (doc, terms string, size int, err error) {
	var parts []string
	var phones []string
	var summary, next, ext, lname, lphone, lemail, lext, cname, cphone, cemail, ccompany, ccity, cnotes string
	// A phone by its stored international form where it has one: read in the business's country
	// when it was typed (NormalizePhone), which the typed text alone no longer says.
	err = tx.QueryRowContext(ctx, `SELECT c.summary, c.next_action, c.external_id, l.name, coalesce(nullif(l.phone_e164,''), l.phone), l.email, coalesce(l.external_id,''),
		coalesce(cu.name,''), coalesce(nullif(cu.phone_e164,''), cu.phone, ''), coalesce(cu.email,''), coalesce(cu.company,''), coalesce(cu.city,''), coalesce(cu.notes,'')
		FROM conversations c JOIN leads l ON l.id = c.lead_id
		LEFT JOIN customers cu ON cu.id = coalesce(c.customer_id, l.customer_id)
		WHERE c.id = ?`, convID).Scan(&summary, &next, &ext, &lname, &lphone, &lemail, &lext, &cname, &cphone, &cemail, &ccompany, &ccity, &cnotes)
	if err != nil {
		return "", "", 0, fmt.Errorf("inbox: indexing conversation %d: %w", convID, err)
	}
	parts = append(parts, lname, lemail, lext, ext, summary, next, cname, cemail, ccompany, ccity, cnotes)
	phones = append(phones, phoneTerms(lphone)...)
	phones = append(phones, phoneTerms(cphone)...)
	parts = append(parts, strings.Join(phones, " "))
	var tags string
	_ = tx.QueryRowContext(ctx, `SELECT coalesce(group_concat(t.name, ' '),'') FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.conversation_id = ?`, convID).Scan(&tags)
	parts = append(parts, tags)
	own := len(parts) // the conversation's own fields
	size = 0
	for _, p := range parts {
		size += len(p)
	}
	fresh := 0 // bodies of message from and later
	rows, err := tx.QueryContext(ctx, `SELECT id, body FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 300`, convID)
	if err != nil {
		return "", "", 0, fmt.Errorf("inbox: indexing conversation %d: %w", convID, err)
	}
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return "", "", 0, fmt.Errorf("inbox: indexing conversation %d: %w", convID, err)
		}
		if size+len(body) > maxDoc {
			break
		}
		size += len(body)
		parts = append(parts, body)
		if from > 0 && id >= from {
			fresh++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", "", 0, fmt.Errorf("inbox: indexing conversation %d: %w", convID, err)
	}
	// The bodies of message from and later are the newest, so they follow the conversation's own
	// fields at the head of parts.
	k := len(parts)
	if from > 0 {
		k = own + fresh
	}
	doc, head := docText(parts, k)
	return doc, doc[:head], size, nil
}

// asciiSep marks the ASCII bytes that are not letters or digits: SQLite's unicode61 tokenizer (the
// search index's) and searchWords both split words there.
var asciiSep = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
	}
	return t
}()

// docText is the text of a search document holding parts: each of their words once, folded, in the
// order they first appear, separated by spaces; head is how much of it the first k parts give (the
// text of parts[:k]). The index is only ever asked whether a conversation holds words (each quoted
// on its own, the last maybe a prefix: compileSearch), never where or how often, so a long thread's
// document need not hold the same word a hundred times: it was up to 64 KB tokenized for every
// rebuild, and a regular customer's thread repeats itself (greetings, product names, the same
// question, quoted replies). The pieces kept are the runs of bytes between ASCII separators, where
// the tokenizer splits too; whatever else it splits a run at stays inside the run, so the document
// holds exactly the words of the whole text (FuzzDocTextHoldsTheSameWords), and Fold of a run is the
// run's part of Fold of the whole (it maps each character on its own, ASCII separators to
// themselves). A word written in two ways ("Merhaba", "merhaba") may be kept twice. Only the order
// of runs is not kept, which a query word would notice only if the tokenizer split it in two: at a
// letter newer than the tokenizer's Unicode 6.1 tables, inside a word searchWords keeps whole.
func docText(parts []string, k int) (doc string, head int) {
	seen := map[string]struct{}{}
	var b []byte
	for n, p := range parts {
		if n == k {
			head = len(b)
		}
		for i := 0; i < len(p); {
			for i < len(p) && asciiSep[p[i]] {
				i++
			}
			j := i
			for j < len(p) && !asciiSep[p[j]] {
				j++
			}
			if j == i {
				break
			}
			w := p[i:j]
			i = j
			if _, ok := seen[w]; ok {
				continue
			}
			seen[w] = struct{}{}
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = appendFold(b, w)
		}
	}
	if k >= len(parts) {
		head = len(b)
	}
	return string(b), head
}

// ReindexLead rebuilds the search documents of every conversation of a lead; rooms that change a
// lead's or customer's name, phone or email call it in the same transaction.
func ReindexLead(ctx context.Context, tx *sql.Tx, leadID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM conversations WHERE lead_id = ?`, leadID)
	if err != nil {
		return fmt.Errorf("inbox: reindexing lead %d: %w", leadID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := reindex(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// parseSearch turns what a person typed into folded search words; prefix reports that the last
// word may be the start of a longer one (it is, unless the query is empty). A query that is mostly
// a phone number becomes one digit word, with a leading trunk "0" or the international "00"
// removed so that it meets the indexed national-number suffix, also while only its start is typed.
func parseSearch(q string) (words []string, prefix bool) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, false
	}
	if isPhoneLike(q) {
		d := phone.Digits(q)
		switch {
		case strings.HasPrefix(q, "+"):
			if n := NormalizePhone(q, ""); n != "" { // with its "+": no country to guess
				d = n[1:]
			}
		case strings.HasPrefix(d, "00"):
			d = d[2:]
		case d[0] == '0' && len(d) <= 11:
			// The trunk "0" of a national number ("0532 111", typed as it is said), whole or
			// begun: the index holds the number without it.
			d = d[1:]
		}
		return []string{d}, true
	}
	words = searchWords(Fold(q))
	return words, len(words) > 0
}

// searchWords splits folded text into the words the index holds: runs of letters and digits,
// which is how FTS5's unicode61 tokenizer splits it too.
func searchWords(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// maxExpansion is how many whole words a typed prefix may stand for. A longer list (a prefix of a
// letter or two, or the first digits of a phone) stays an FTS5 prefix term: correct, but then the
// list cannot check conversations one at a time and materializes the matches instead.
const maxExpansion = 48

// search is a compiled inbox query.
type search struct {
	expr  string // FTS5 MATCH expression over folded text; every word quoted, no syntax from users
	exact bool   // only whole words: one conversation can be checked cheaply
	none  bool   // the typed prefix starts no indexed word: nothing can match
}

// compileSearch builds the MATCH expression for q, expanding the last word into the indexed words
// it is a prefix of (search_terms, 00012). An empty query gives a zero search; a query of signs
// alone ("%", "_", "*", quotes), which holds no word the index could meet, matches nothing: it
// is not taken as no search at all, which listed every conversation under a search box saying "%".
func compileSearch(ctx context.Context, q Querier, text string) (search, error) {
	words, prefix := parseSearch(text)
	if len(words) == 0 {
		return search{none: strings.TrimSpace(text) != ""}, nil
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + w + `"`
	}
	s := search{exact: true}
	if prefix {
		last := words[len(words)-1]
		full, err := expandPrefix(ctx, q, last, maxExpansion+1)
		if err != nil {
			return search{}, err
		}
		switch {
		case len(full) == 0:
			return search{none: true}, nil
		case len(full) > maxExpansion:
			parts[len(parts)-1] = `"` + last + `"*`
			s.exact = false
		case len(full) == 1:
			parts[len(parts)-1] = `"` + full[0] + `"`
		default:
			for i := range full {
				full[i] = `"` + full[i] + `"`
			}
			parts[len(parts)-1] = "(" + strings.Join(full, " OR ") + ")"
		}
	}
	s.expr = strings.Join(parts, " AND ")
	return s, nil
}

// SearchCondition is the inbox search for other rooms' lists of conversations (the integration
// API): an SQL condition on the conversation id column named col, with its arguments, meaning
// "matches what was typed" exactly as in the inbox (folded letters, phones, message text,
// the last word a prefix). none=true means nothing can match.
func SearchCondition(ctx context.Context, q Querier, col, text string) (cond string, args []any, none bool, err error) {
	s, err := compileSearch(ctx, q, text)
	if err != nil || s.none || s.expr == "" {
		return "", nil, s.none, err
	}
	return col + ` IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)`, []any{s.expr}, false, nil
}

// expandPrefix lists up to limit indexed words that start with p, in order.
func expandPrefix(ctx context.Context, q Querier, p string, limit int) ([]string, error) {
	// In SQLite's binary order every word starting with p sorts between p and p+U+10FFFF.
	rows, err := q.QueryContext(ctx, `SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?`, p, p+"\U0010FFFF", limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: expanding search prefix: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("inbox: expanding search prefix: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// addTerms records the distinct words of a folded search document in search_terms.
func addTerms(ctx context.Context, tx querier, doc string) error {
	seen := map[string]bool{}
	var list []string
	for _, w := range searchWords(doc) {
		if !seen[w] {
			seen[w] = true
			list = append(list, w)
		}
	}
	if len(list) == 0 {
		return nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO search_terms(term) SELECT value FROM json_each(?)`, string(b))
	return err
}

// isPhoneLike: at least five digits and nothing but digits, spaces and + - ( ) . /
func isPhoneLike(q string) bool {
	n := 0
	for _, r := range i18n.ASCIIDigits(q) {
		switch {
		case r >= '0' && r <= '9':
			n++
		case strings.ContainsRune(" +-().//", r):
		default:
			return false
		}
	}
	return n >= 5
}
