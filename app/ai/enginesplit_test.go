package ai

import (
	"reflect"
	"testing"
)

// The pure parts analyze is made of, checked with plain text.

func TestQualify(t *testing.T) {
	cases := []struct {
		text      string
		wantScore int
		wantArea  float64
	}{
		{"tamam", 10, 0},
		{"120 m2", 35, 120},
		{"bahçe 120 m2", 45, 120},
		{"600 m2", 45, 600},
	}
	for _, c := range cases {
		var reasons []string
		tx := newText(c.text)
		q := qualify(PersonaFor(""), tx, lowerTR(c.text), c.text, readSignals(tx), func(v string) { reasons = append(reasons, v) })
		if q.score != c.wantScore || q.area != c.wantArea {
			t.Errorf("%q: score %d area %v (reasons %v), want %d %v", c.text, q.score, q.area, reasons, c.wantScore, c.wantArea)
		}
		if c.wantArea > 0 && !q.covered["area"] {
			t.Errorf("%q: area not marked covered", c.text)
		}
	}
}

func TestSentiment(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"tamam", 60},
		{"tamam!!!", 50},
	}
	for _, c := range cases {
		tx := newText(c.text)
		if got := sentiment(tx, c.text, readSignals(tx), func(string) {}); got != c.want {
			t.Errorf("%q: %d, want %d", c.text, got, c.want)
		}
	}
}

func TestSummary(t *testing.T) {
	cases := []struct {
		lang    string
		area    float64
		named   []string
		handoff bool
		want    string
	}{
		{"tr", 0, nil, false, "tr"},
		{"en", 120.5, []string{"paver", "curb"}, false, "en · 120.5 m² · paver · curb"},
		{"other", 0, nil, true, "other · handoff: low_confidence"},
	}
	for _, c := range cases {
		if got := summary(c.lang, c.area, c.named, c.handoff, "low_confidence"); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
