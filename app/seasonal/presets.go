package seasonal

import (
	"slices"
	"time"

	"highvibe/app/hours"
)

// Preset is a campaign the owner adds with one click: its name is the catalog key
// seasonal.preset.<Key>, written into the campaign in the owner's language when added (the name
// is then the owner's to change).
type Preset struct {
	Key       string
	Rule      string
	Month     int
	Day       int
	Weekday   time.Weekday
	Nth       int
	Holiday   string // RuleDates: the religious holiday of the Turkish holidays preset (app/hours) whose first days are the dates
	LeadDays  int
	UpliftPct int
	Niches    []string // the built-in niches that see it first
}

// Lunar reports whether the preset's dates come from the holiday data rather than a rule.
func (p Preset) Lunar() bool { return p.Rule == RuleDates }

// Presets are the ready-made campaigns, the most common first. The uplifts are starting points
// (a flower shop sells several times a usual week before Valentine's Day); the owner sets their
// own from their own weeks.
var Presets = []Preset{
	{Key: "valentines", Rule: RuleFixed, Month: 2, Day: 14, LeadDays: 14, UpliftPct: 300, Niches: []string{"cicekci"}},
	{Key: "mothers_day", Rule: RuleNthWeekday, Month: 5, Weekday: time.Sunday, Nth: 2, LeadDays: 14, UpliftPct: 250,
		Niches: []string{"cicekci", "balci_aricilik", "kadin_koc", "default"}},
	{Key: "womens_day", Rule: RuleFixed, Month: 3, Day: 8, LeadDays: 7, UpliftPct: 80, Niches: []string{"cicekci", "kadin_koc"}},
	{Key: "teachers_day", Rule: RuleFixed, Month: 11, Day: 24, LeadDays: 7, UpliftPct: 60, Niches: []string{"cicekci"}},
	{Key: "new_year", Rule: RuleFixed, Month: 1, Day: 1, LeadDays: 14, UpliftPct: 50,
		Niches: []string{"cicekci", "balci_aricilik", "kadin_koc", "default"}},
	{Key: "fathers_day", Rule: RuleNthWeekday, Month: 6, Weekday: time.Sunday, Nth: 3, LeadDays: 7, UpliftPct: 40,
		Niches: []string{"cicekci", "balci_aricilik"}},
	{Key: "ramazan_bayrami", Rule: RuleDates, Holiday: "Ramazan Bayramı", LeadDays: 10, UpliftPct: 60,
		Niches: []string{"cicekci", "balci_aricilik", "default"}},
	{Key: "kurban_bayrami", Rule: RuleDates, Holiday: "Kurban Bayramı", LeadDays: 10, UpliftPct: 30,
		Niches: []string{"cicekci", "balci_aricilik", "default"}},
	{Key: "spring_season", Rule: RuleFixed, Month: 3, Day: 15, LeadDays: 30, UpliftPct: 40, Niches: []string{"parke_tas", "muteahhit"}},
	{Key: "autumn_finish", Rule: RuleFixed, Month: 10, Day: 1, LeadDays: 21, UpliftPct: 20, Niches: []string{"parke_tas", "muteahhit"}},
	{Key: "spring_listings", Rule: RuleFixed, Month: 4, Day: 1, LeadDays: 21, UpliftPct: 25, Niches: []string{"emlakci"}},
	{Key: "moving_season", Rule: RuleFixed, Month: 6, Day: 15, LeadDays: 30, UpliftPct: 40, Niches: []string{"emlakci"}},
	{Key: "new_honey", Rule: RuleFixed, Month: 8, Day: 15, LeadDays: 14, UpliftPct: 30, Niches: []string{"balci_aricilik"}},
	{Key: "back_to_routine", Rule: RuleFixed, Month: 9, Day: 15, LeadDays: 14, UpliftPct: 30, Niches: []string{"kadin_koc"}},
}

// PresetByKey finds a preset.
func PresetByKey(key string) (Preset, bool) {
	i := slices.IndexFunc(Presets, func(p Preset) bool { return p.Key == key })
	if i < 0 {
		return Preset{}, false
	}
	return Presets[i], true
}

// ForNiche splits the presets into the niche's own (first) and the others; a niche without
// presets of its own (a custom one) gets the default niche's.
func ForNiche(niche string) (own, other []Preset) {
	if !slices.ContainsFunc(Presets, func(p Preset) bool { return slices.Contains(p.Niches, niche) }) {
		niche = "default"
	}
	for _, p := range Presets {
		if slices.Contains(p.Niches, niche) {
			own = append(own, p)
		} else {
			other = append(other, p)
		}
	}
	return own, other
}

// Campaign is the campaign the preset adds, named name (the preset's name in the owner's
// language). A lunar preset takes the dates the holidays data knows (hours: the Turkish
// holidays preset).
func (p Preset) Campaign(name string) *Campaign {
	c := &Campaign{Name: name, Rule: p.Rule, Month: p.Month, Day: p.Day, Weekday: p.Weekday, Nth: p.Nth,
		LeadDays: p.LeadDays, UpliftPct: p.UpliftPct, Preset: p.Key}
	if p.Lunar() {
		c.Dates = slices.Clone(hours.ReligiousFirstDays("tr")[p.Holiday])
	}
	return c
}

// LunarUntil is the last year the lunar presets have dates for.
func LunarUntil() int { return hours.PresetUntil("tr") }
