package i18n

import (
	"strings"
	"sync"

	"golang.org/x/text/currency"
)

// tender is every currency that is legal tender somewhere today by golang.org/x/text's CLDR data
// (currency.Query), read once on first use.
var tender = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for it := currency.Query(); it.Next(); {
		m[it.Unit().String()] = true
	}
	return m
})

// newerCodes are ISO 4217 codes introduced after the CLDR release golang.org/x/text carries,
// which currency.ParseISO refuses as unknown: the Mauritanian ouguiya (2018), the Venezuelan
// bolívar soberano (2018) and digital (2021), the Sierra Leonean leone (2022), Zimbabwe Gold
// (2024) and the Caribbean guilder (2025).
var newerCodes = map[string]bool{"MRU": true, "VES": true, "VED": true, "SLE": true, "ZWG": true, "XCG": true}

// Currency says whether code, as stored (three capital letters), is a currency a business can
// price in: an ISO 4217 code currency.ParseISO recognises that is legal tender somewhere today —
// not "ABC" or "XYZ", not a withdrawn one such as TRL or DEM, not the "no currency" and test
// codes, a fund or a metal (XXX, XTS, XAU) — or one newer than the library's data.
func Currency(code string) bool {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return false
	}
	if _, err := currency.ParseISO(code); err != nil {
		return newerCodes[code]
	}
	return tender()[code]
}

// RecordCurrency says whether code can stand on a record of what happened (an order, an invoice):
// a currency in use (Currency), or a national currency since withdrawn (TRL, DEM), since an
// order or invoice from before 2005 was priced in old Turkish lira. Codes ISO 4217 keeps for no
// money at all — the "X" codes of tests, metals, funds and old units of account (XXX, XTS, XAU,
// XEU) — are refused unless they are in use (XOF, XAF).
func RecordCurrency(code string) bool {
	if Currency(code) {
		return true
	}
	if len(code) != 3 || strings.ToUpper(code) != code || code[0] == 'X' {
		return false
	}
	_, err := currency.ParseISO(code)
	return err == nil
}
