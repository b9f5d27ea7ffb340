package api

import "testing"

// How an import reads a number, with and without the decimal option.
func TestImportNumberFormats(t *testing.T) {
	cases := []struct {
		in      string
		machine bool
		dec     byte
		want    float64
		key     string
	}{
		{"1250", false, 0, 1250, ""},
		{"2500.50", false, 0, 2500.5, ""},
		{"12,5", false, 0, 12.5, ""},
		{"1.250,50", false, 0, 1250.5, ""},
		{"1,250.50", false, 0, 1250.5, ""},
		{"1 250,50", false, 0, 1250.5, ""},
		{"1.250.000", false, 0, 1250000, ""},
		{"1,250,000.75", false, 0, 1250000.75, ""},
		{"0.125", false, 0, 0.125, ""},
		{"1250.000", false, 0, 1250, ""},
		{"-3,5", false, 0, -3.5, ""},
		{"1.250", false, 0, 0, "api.row.number_ambiguous|1.250"},
		{"1,250", false, 0, 0, "api.row.number_ambiguous|1,250"},
		{"-12.500", false, 0, 0, "api.row.number_ambiguous|-12.500"},
		{"1.250", false, ',', 1250, ""},
		{"1.250", false, '.', 1.25, ""},
		{"1,250", false, '.', 1250, ""},
		{"1,250", false, ',', 1.25, ""},
		{"1.250,50", false, ',', 1250.5, ""},
		{"1,250.50", false, ',', 0, "api.row.number_comma"},
		{"1.250,50", false, '.', 0, "api.row.number_point"},
		{"12.50.0", false, 0, 0, "api.row.number"},
		{"1.2.3", false, 0, 0, "api.row.number"},
		{"12,", false, 0, 0, "api.row.number"},
		{"çok", false, 0, 0, "api.row.number"},
		{"-", false, 0, 0, "api.row.number"},
		{"1.250", true, ',', 1.25, ""}, // a JSON number is machine-written whatever the option
		{"1e3", false, 0, 1000, ""},
		{"NaN", false, 0, 0, "api.row.number"},
		{"true", false, 0, 0, "api.row.number"},
	}
	for _, c := range cases {
		got, key := numberFormat{decimal: c.dec}.read(c.in, c.machine)
		if got != c.want || key != c.key {
			t.Errorf("read(%q, machine %v, decimal %q) = %v %q, want %v %q", c.in, c.machine, c.dec, got, key, c.want, c.key)
		}
	}
}
