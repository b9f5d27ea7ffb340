package conversions

import "testing"

// An ad spend amount is read like every other amount of the panel (i18n.ParseFixed): a number no
// language writes — "1.2345", "1.2.50" — is refused instead of having its dots dropped (12.345,00).
func TestSpendAmountReadAsTyped(t *testing.T) {
	for in, want := range map[string]int64{"1.250,50": 125050, "1,250.50": 125050, "1.250": 125000, "1,250": 125000, "1250.5": 125050, "12,5": 1250, "0": 0} {
		if got, ok := parseMoney(in, "TRY"); !ok || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"1.2345", "1.2.50", "1,2,3", "-5", "", "abc"} {
		if got, ok := parseMoney(in, "TRY"); ok {
			t.Errorf("%q read as %d", in, got)
		}
	}
}
