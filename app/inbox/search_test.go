package inbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"highvibe/app/fold"
	"highvibe/app/live"
)

// pageIDs reads up to three pages of f and returns the ids in order, so the plans can be compared.
func pageIDs(t *testing.T, q Querier, f Filter) []int64 {
	t.Helper()
	var out []int64
	for page := 0; page < 3; page++ {
		rows, next, err := List(context.Background(), q, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, r.ID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out
}

// TestSearchPlansAgree: the three ways List answers a search (sorted matches, one-at-a-time
// checks, walk against gathered matches) return the same pages for every benchmark filter and a
// few more searches, including the cursor pages.
func TestSearchPlansAgree(t *testing.T) {
	db := openDB(t)
	seedBench(t, db, 400)
	filters := append([]struct {
		name string
		f    Filter
	}(nil), benchFilters...)
	for _, q := range []string{"merhaba", "mutf", "tadilat", "garanti sure", "teklif pahali", "ayse", "a", "5", "user1"} {
		for _, st := range []string{"", "won", "open"} {
			for _, sort := range []string{"newest", "urgency", "waiting"} {
				filters = append(filters, struct {
					name string
					f    Filter
				}{fmt.Sprintf("q=%s/state=%s/sort=%s", q, st, sort), Filter{Q: q, State: st, Sort: sort, Limit: 7}})
			}
		}
	}
	for _, tc := range filters {
		narrow, broad := tc.f, tc.f
		narrow.broadMatch = 1 << 30 // every match fetched and sorted: the reference
		want := pageIDs(t, db.Read, narrow)
		broad.broadMatch = -1 // every search counts as broad: checked one at a time or walked
		got := pageIDs(t, db.Read, broad)
		if !slices.Equal(got, want) {
			t.Errorf("%s: broad plan %v, narrow plan %v", tc.name, got, want)
		}
	}
	// A search must actually find things for the comparison to mean anything.
	if n := len(pageIDs(t, db.Read, Filter{Q: "merhaba", Limit: 7})); n != 21 {
		t.Fatalf("merhaba found %d conversations over three pages, want 21", n)
	}
}

// TestSearchPrefixWords: the last typed word is a prefix of indexed words, new words become
// findable as soon as their message is stored, and a prefix of nothing matches nothing.
func TestSearchPrefixWords(t *testing.T) {
	db := openDB(t)
	s := &Service{Live: live.NewHub(), Channels: FakeChannels()}
	ctx := context.Background()
	for _, in := range []Inbound{
		{Channel: "whatsapp", ExternalID: "905321112233", Phone: "+90 532 111 22 33", Name: "Gülşen Aksoy", Body: "Zımpara ve cila ne kadar?"},
		{Channel: "webchat", ExternalID: "tok-1", Name: "Deniz", Body: "Zımparalama sonrası vernik"},
		{Channel: "call", Name: "Ömer", Body: "Mermer merdiven"},
	} {
		if _, err := s.Ingest(ctx, "acme", db, in); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		q    string
		want int
	}{
		{"zimp", 2}, {"ZIMPARA", 2}, {"zımparal", 1}, {"zimpara cila", 1}, {"cila zimp", 1},
		{"mer", 1}, {"merdivenler", 0}, {"zzq", 0}, {"gulsen", 1}, {"532 111", 1},
		// A phone as it is said in Turkey, with its trunk 0, found while it is still being typed.
		{"0532 111", 1}, {"0 (532) 11", 1}, {"0532 111 22 33", 1}, {"0090 532 111", 1}, {"0533 111", 0},
	}
	for _, tc := range tests {
		rows, _, err := List(ctx, db.Read, Filter{Q: tc.q})
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		if len(rows) != tc.want {
			t.Errorf("%q: %d conversations, want %d", tc.q, len(rows), tc.want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM search_terms WHERE term IN ('zimpara', 'zimparalama', 'vernik', 'gulsen')`); n != 4 {
		t.Errorf("search_terms holds %d of the 4 new words", n)
	}
}

// FuzzSearch: whatever a person types compiles to an expression FTS5 accepts.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"cavus", "(532) 123-45-67", `"quoted" OR x*`, "NEAR(a b)", "İstanbul'da", "a-b", "\x00", "^col:x", "١٢٣٤٥"} {
		f.Add(s)
	}
	db := openDB(f)
	s := &Service{Live: live.NewHub(), Channels: FakeChannels()}
	if _, err := s.Ingest(context.Background(), "acme", db, Inbound{Channel: "call", Name: "Ayşe Çavuş", Phone: "0532 123 45 67", Body: "Merhaba mutfak"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, _, err := List(context.Background(), db.Read, Filter{Q: q}); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
	})
}

// TestBatchAddsTheWordsOfNewMessages: a batch leaves its conversations' search documents to the
// inbox_search job (search_pending), which adds to search_terms only the words of the messages
// stored since the document was last built and of the conversation's own fields (reindexFrom), and
// that is enough: every word of every search document is still in search_terms, and the new words
// are found by their prefix.
func TestBatchAddsTheWordsOfNewMessages(t *testing.T) {
	db := openDB(t)
	s := &Service{Live: live.NewHub(), Channels: FakeChannels()}
	ctx := context.Background()
	if _, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321112233", Phone: "+905321112233",
		Name: "Gülşen Aksoy", Body: "Traverten basamak fiyatı nedir?"}); err != nil {
		t.Fatal(err)
	}
	err := s.IngestBatch(ctx, "acme", db, func(b *Batch) error {
		for _, in := range []Inbound{
			{Channel: "whatsapp", ExternalID: "905321112233", Phone: "+905321112233", ProviderMessageID: "wamid.1", Body: "Süpürgelik de lazım"},
			{Channel: "whatsapp", ExternalID: "905321112233", Phone: "+905321112233", ProviderMessageID: "wamid.2", Body: "Harpuşta ölçüsü 30 cm"},
			{Channel: "whatsapp", ExternalID: "905449998877", Phone: "+905449998877", ProviderMessageID: "wamid.3", Name: "Necmettin Kocabıyık", Body: ""},
		} {
			if _, err := b.Ingest(in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows, _, err := List(ctx, db.Read, Filter{Q: "harpusta"}); err != nil || len(rows) != 0 {
		t.Fatalf("the batch's words are found before the inbox_search job ran: %d conversations (%v)", len(rows), err)
	}
	if n := count(t, db, `SELECT count(*) FROM search_pending`); n != 2 {
		t.Fatalf("%d conversations wait for their search document, want 2", n)
	}
	if n, err := IndexPendingNow(ctx, db); err != nil || n != 2 {
		t.Fatalf("IndexPendingNow rebuilt %d documents (%v), want 2", n, err)
	}
	if n := count(t, db, `SELECT count(*) FROM search_pending`); n != 0 {
		t.Fatalf("%d conversations still wait after the rebuild", n)
	}
	if n := count(t, db, `SELECT count(*) FROM search_terms WHERE term IN ('supurgelik', 'harpusta', 'olcusu', 'necmettin', 'kocabiyik', 'text', 'traverten')`); n != 7 {
		t.Errorf("search_terms holds %d of the 7 words", n)
	}
	for q, want := range map[string]int{"harpu": 1, "supurgel": 1, "kocab": 1, "travert": 1, "gulsen harpusta": 1} {
		rows, _, err := List(ctx, db.Read, Filter{Q: q})
		if err != nil || len(rows) != want {
			t.Errorf("%q: %d conversations (%v), want %d", q, len(rows), err, want)
		}
	}
	if _, err := db.Write.Exec(`CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, conversation_search, 'row')`); err != nil {
		t.Fatal(err)
	}
	var missing string
	if err := db.Write.QueryRow(`SELECT coalesce(group_concat(term, ' '), '') FROM temp.words WHERE term NOT IN (SELECT term FROM search_terms)`).Scan(&missing); err != nil {
		t.Fatal(err)
	}
	if missing != "" {
		t.Errorf("words of search documents missing from search_terms: %s", missing)
	}
}

// foldRunes is Fold as it was written first, rune by rune through the tables: the reference the
// ASCII fast path must agree with.
func foldRunes(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'I', 'İ':
			b.WriteByte('i')
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := fold.Map[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzFold: Fold gives what the rune-by-rune reference gives, invalid UTF-8 included.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Çavuş IŞIK İstanbul", "ABC xyz 123 {}~", "Ölçü: 12,5 × 7,3 m; eğim %2 🌧️", "مرحبا", "\xff\xfeA\xc3", "ÀÉÎÕÜ ß ẞ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldRunes(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkFold(b *testing.B) {
	doc := strings.Repeat("Merhaba; bahçe, garaj yolu ve havuz kenarı için ayrı ayrı teklif rica ediyorum. Ölçüler ektedir. ", 600)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		Fold(doc)
	}
}

// FuzzDocTextHoldsTheSameWords: a search document of each word once (docText) gives the search index
// exactly the words the whole folded text gives it, as SQLite's tokenizer splits them (the index's
// own options), and search_terms exactly the words searchWords finds in the whole text, and the
// head of it those of its first parts. Parts are separated by "|" in the input.
func FuzzDocTextHoldsTheSameWords(f *testing.F) {
	for _, s := range []string{
		"Ayşe Çavuş|ayse@example.com|905321234567 5321234567 1234567|Merhaba, 800 m² kilit parke 8 cm için fiyat alabilir miyim? 2 haftada teslim — stok var mı?|Merhaba; MERHABA merhaba.",
		"Teşekkürler 🙏🏽 yarın ararım|ok|OK|Fiyat çok yüksek, başka firma %12 daha ucuz verdi 😕",
		"re\u0301sume\u0301 resume e\u0301 \u0301a|İSTANBUL Istanbul ıstanbul ß SS|a—b a–b a_b a'b Ayşe'nin",
		"مرحبا بكم مرحبا|東京タワー 東京|Ა Ⴀ ა|\xff\xfeA\xc3 A\xc3|zero\u200dwidth\u200cjoiner 12,5×7,3 ½ Ⅻ",
		"", "|||", "   ", "[image]|[text] [image]",
	} {
		f.Add(s)
	}
	db := openDB(f)
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.whole USING fts5(doc, content='', contentless_delete=1)`,
		`CREATE VIRTUAL TABLE temp.distinct_words USING fts5(doc, content='', contentless_delete=1)`,
		`CREATE VIRTUAL TABLE temp.whole_v USING fts5vocab(temp, whole, 'row')`,
		`CREATE VIRTUAL TABLE temp.distinct_v USING fts5vocab(temp, distinct_words, 'row')`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			f.Fatal(err)
		}
	}
	terms := func(t *testing.T, table, doc string) string {
		if _, err := db.Write.Exec(`DELETE FROM temp.` + table + ` WHERE rowid = 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write.Exec(`INSERT INTO temp.`+table+`(rowid, doc) VALUES(1, ?)`, doc); err != nil {
			t.Fatal(err)
		}
		var out string
		v := map[string]string{"whole": "whole_v", "distinct_words": "distinct_v"}[table]
		if err := db.Write.QueryRow(`SELECT coalesce(group_concat(term, ' '), '') FROM (SELECT term FROM temp.` + v + ` ORDER BY term)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	wordSet := func(s string) []string {
		w := searchWords(s)
		slices.Sort(w)
		return slices.Compact(w)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.Split(s, "|")
		whole := Fold(strings.Join(parts, "\n"))
		distinct, _ := docText(parts, len(parts))
		if k := len(parts) / 2; k > 0 {
			head := Fold(strings.Join(parts[:k], "\n"))
			d, n := docText(parts, k)
			if a, b := wordSet(head), wordSet(d[:n]); !slices.Equal(a, b) {
				t.Fatalf("%q: searchWords %q from the first %d parts but %q from the head of %q", s, a, k, b, d)
			}
		}
		if a, b := terms(t, "whole", whole), terms(t, "distinct_words", distinct); a != b {
			t.Fatalf("%q: the index holds %q from the whole text but %q from %q", s, a, b, distinct)
		}
		if a, b := wordSet(whole), wordSet(distinct); !slices.Equal(a, b) {
			t.Fatalf("%q: searchWords %q from the whole text but %q from %q", s, a, b, distinct)
		}
	})
}
