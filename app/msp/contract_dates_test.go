package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A contract's first and last day must be days of a real business year: a slip on the year of the
// date field (0000, 0001, 9999) is refused next to the field, in the person's language, and nothing
// is stored. A contract from 0001-01-01 to 9999-12-31 used to be saved (and every month of it
// reported on).
func TestContractDatesYearIsSane(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	post := func(from, to string) *http.Response {
		r := te.owner.Post("/app/msp/contracts/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"block"},
			"starts_on": {from}, "ends_on": {to}, "hours": {"10"}, "price": {"1000"}, "currency": {"TRY"}})
		if r.StatusCode == http.StatusUnprocessableEntity && !strings.Contains(r.Body, "Geçerli bir tarih girin.") {
			t.Errorf("%s..%s: 422 without the Turkish date message", from, to)
		}
		return r.Response
	}
	for _, c := range [][2]string{{"0000-01-01", "0001-01-01"}, {"0001-01-01", "9999-12-31"}, {"2026-01-01", "9999-12-31"}, {"1999-12-31", "2026-12-31"}, {"2026-01-01", "2101-01-01"}} {
		if r := post(c[0], c[1]); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s..%s: %d, want 422", c[0], c[1], r.StatusCode)
		}
	}
	if n := te.count(t, `SELECT count(*) FROM msp_contracts`); n != 0 {
		t.Errorf("%d contracts stored from refused forms", n)
	}
	if r := post("2026-01-01", "2026-12-31"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a good contract: %d", r.StatusCode)
	}
}

// A negative price or number of hours is refused with what is wrong ("a price of zero or more",
// "between 0 and 744"), in the person's language, not with "enter a number" beside a number.
func TestContractNegativeAmountsSayWhy(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	r := te.owner.Post("/app/msp/contracts/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"block"},
		"starts_on": {"2026-01-01"}, "ends_on": {"2026-12-31"}, "hours": {"-3"}, "price": {"-5"}, "currency": {"TRY"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.StatusCode)
	}
	if !strings.Contains(r.Body, "Sıfır ya da daha büyük bir fiyat girin.") || strings.Contains(r.Body, "Bir sayı girin.") {
		t.Errorf("the negative price or hours are not told why: %s", r.Body)
	}
	if !strings.Contains(r.Body, `value="-5"`) || !strings.Contains(r.Body, `value="-3"`) {
		t.Error("what was typed is not kept")
	}
	if n := te.count(t, `SELECT count(*) FROM msp_contracts`); n != 0 {
		t.Errorf("%d contracts stored", n)
	}
}

// A price or number of hours written well but too large to keep is refused with the limit, in the
// person's number style and the contract's currency, not with "enter a number" beside a number:
// 99999999999999 said "Enter a number", and 99999999999 "Enter a price of zero or more".
func TestContractTooLargeAmountsSayTheLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ lang, cur, limit, number, hours string }{
		{"tr", "TRY", "10.000.000.000 ₺", "Bir sayı girin.", "0 ile 744 arasında"},
		{"en", "USD", "$10,000,000,000", "Enter a number.", "between 0 and 744"},
	} {
		te := newTimeEnv(t, false, c.lang)
		for _, price := range []string{"99999999999999", "99999999999", "10.000.000.001", "999999999999999999999999"} {
			r := te.owner.Post("/app/msp/contracts/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"block"},
				"starts_on": {"2026-01-01"}, "ends_on": {"2026-12-31"}, "hours": {"99999999999999"}, "price": {price}, "currency": {c.cur}})
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s price %s: status %d, want 422", c.lang, price, r.StatusCode)
			}
			if !strings.Contains(r.Body, c.limit) || strings.Contains(r.Body, c.number) {
				t.Errorf("%s price %s: the limit %q is not said (or \"enter a number\" is): %s", c.lang, price, c.limit, r.Doc(t).Find("form").Text())
			}
			if !strings.Contains(r.Body, c.hours) {
				t.Errorf("%s hours 99999999999999: the range is not said", c.lang)
			}
		}
		if r := te.owner.Post("/app/msp/contracts/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"block"},
			"starts_on": {"2026-01-01"}, "ends_on": {"2026-12-31"}, "hours": {"10"}, "price": {"12abc"}, "currency": {c.cur}}); !strings.Contains(r.Body, c.number) {
			t.Errorf("%s price 12abc: not \"enter a number\"", c.lang)
		}
		if n := te.count(t, `SELECT count(*) FROM msp_contracts`); n != 0 {
			t.Errorf("%d contracts stored", n)
		}
	}
}
