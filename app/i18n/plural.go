package i18n

// pluralCategories are the CLDR plural category names, used as key suffixes: "<key>.one".
var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// pluralCategory returns the CLDR plural category of n in lang. English, Turkish, German and
// Spanish distinguish 1 from everything else; French treats 0 like 1; Arabic has six forms
// (CLDR: 0 zero, 1 one, 2 two, n%100 in 3–10 few, n%100 in 11–99 many, else other).
func pluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch base(lang) {
	case "ar":
		switch m := n % 100; {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11 && m <= 99:
			return "many"
		}
		return "other"
	case "fr":
		if n <= 1 {
			return "one"
		}
		return "other"
	}
	if n == 1 {
		return "one"
	}
	return "other"
}

// categoriesOf lists the plural forms a language's catalog must provide for every plural key.
// "zero" is optional everywhere except Arabic, where it is a real grammatical form.
func categoriesOf(lang string) []string {
	if lang == "ar" {
		return pluralCategories
	}
	return []string{"one", "other"}
}
