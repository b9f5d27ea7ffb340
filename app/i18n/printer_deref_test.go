package i18n

import "testing"

// TestFormatDereferencesOptionalNumbers: an optional score (*int) passed to a catalog message
// prints as its value; the inbox list once showed "Aciliyet 40484976395544", the pointer's address.
func TestFormatDereferencesOptionalNumbers(t *testing.T) {
	n := 72
	var none *int
	cases := []struct {
		args []any
		want string
	}{
		{[]any{&n}, "Aciliyet 72"},
		{[]any{none}, "Aciliyet 0"},
		{[]any{n}, "Aciliyet 72"},
	}
	for _, c := range cases {
		if got := format("Aciliyet %d", c.args); got != c.want {
			t.Errorf("format(%v) = %q, want %q", c.args, got, c.want)
		}
	}
}
