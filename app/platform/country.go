package platform

import "highvibe/app/phone"

// Country is what a business made for a country starts with: the panel's and the customers'
// language, the currency of its prices, the time zone its hours and dates are read in. Its phone
// region is the country itself. The owner changes any of them later in the settings.
type Country struct {
	Locale, Currency, Zone string
}

// countries are the starting values of the countries a business may be made for (phone.Regions):
// each country's own language where the panel speaks it (English for the Netherlands, the United
// Kingdom and the United States, French for Belgium, German for Switzerland, Arabic for Morocco),
// its currency, and its time zone (the capital's; the United States' Eastern time, which the
// owner changes on the business hours page for a business elsewhere).
var countries = map[string]Country{
	"TR": {"tr", "TRY", "Europe/Istanbul"},
	"DE": {"de", "EUR", "Europe/Berlin"},
	"AT": {"de", "EUR", "Europe/Vienna"},
	"CH": {"de", "CHF", "Europe/Zurich"},
	"NL": {"en", "EUR", "Europe/Amsterdam"},
	"BE": {"fr", "EUR", "Europe/Brussels"},
	"FR": {"fr", "EUR", "Europe/Paris"},
	"ES": {"es", "EUR", "Europe/Madrid"},
	"GB": {"en", "GBP", "Europe/London"},
	"US": {"en", "USD", "America/New_York"},
	"SA": {"ar", "SAR", "Asia/Riyadh"},
	"AE": {"ar", "AED", "Asia/Dubai"},
	"QA": {"ar", "QAR", "Asia/Qatar"},
	"KW": {"ar", "KWD", "Asia/Kuwait"},
	"EG": {"ar", "EGP", "Africa/Cairo"},
	"MA": {"ar", "MAD", "Africa/Casablanca"},
}

// Countries are the countries a business may be made for, in the order the console offers them.
var Countries = phone.Regions

// CountryDefaults is what a business made for code ("DE") starts with; false for a country the
// product does not offer.
func CountryDefaults(code string) (Country, bool) {
	c, ok := countries[code]
	return c, ok
}
