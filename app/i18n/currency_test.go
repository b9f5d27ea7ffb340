package i18n

import "testing"

// TestCurrency: real ISO 4217 codes in use pass, also those newer than golang.org/x/text's data;
// made-up, withdrawn, non-tender and badly written ones do not.
func TestCurrency(t *testing.T) {
	for _, c := range []string{"TRY", "EUR", "USD", "GBP", "SAR", "AED", "CHF", "JPY", "XOF", "MRU", "VES", "SLE"} {
		if !Currency(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"ABC", "XYZ", "QQQ", "XXX", "XTS", "XAU", "XDR", "TRL", "DEM", "try", "Try", "", "TR", "TRYY", "T Y"} {
		if Currency(c) {
			t.Errorf("%q accepted", c)
		}
	}
}

// TestRecordCurrency: a record may be in a withdrawn national currency (old Turkish lira), never
// in a made-up code or one of ISO 4217's codes for no money.
func TestRecordCurrency(t *testing.T) {
	for _, c := range []string{"TRY", "EUR", "XOF", "XAF", "MRU", "TRL", "DEM", "FRF"} {
		if !RecordCurrency(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"ABC", "XYZ", "QQQ", "XXX", "XTS", "XAU", "XDR", "XEU", "trl", "", "TR", "TRYY"} {
		if RecordCurrency(c) {
			t.Errorf("%q accepted", c)
		}
	}
}
