package ai

import "testing"

// TestBuiltinTextsInSixLanguages: every text the builtin writes to a customer (each persona's
// questions, greeting and refusal, a custom niche's refusal) exists in the panel's six languages,
// so a question added in Turkish and English only fails here instead of reaching a German
// customer in English.
func TestBuiltinTextsInSixLanguages(t *testing.T) {
	check := func(where string, m map[string]string) {
		for _, l := range replyLangs {
			if m[l] == "" {
				t.Errorf("%s: no %s text (en: %q)", where, l, m["en"])
			}
		}
	}
	for id, p := range personas {
		for _, q := range p.Questions {
			check(id+" question "+q.Covers, q.Text)
		}
		check(id+" greeting", p.Greeting)
		if p.Refusal != nil {
			check(id+" refusal", p.Refusal)
		}
	}
	for _, l := range replyLangs {
		if w := waitWords[l]; w.price == "" || w.and == "" {
			t.Errorf("no words for what waits in %s", l)
		}
	}
}
