package hours

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// holidaysTR is the Turkish public holidays preset, with its sources written in the file.
//
//go:embed holidays_tr.json
var holidaysTR []byte

// holidayKey prefixes a preset day's key in the file: "hours.holiday.new_year" is its name in
// the catalog, in every language (the file's name is the official Turkish one).
const holidayKey = "hours.holiday."

type presetFile struct {
	Fixed []struct {
		MD   string `json:"md"`
		Name string `json:"name"`
		Key  string `json:"key"`
		Half bool   `json:"half"`
	} `json:"fixed"`
	FromYear  int `json:"from_year"`
	UntilYear int `json:"until_year"`
	Religious []struct {
		Name string   `json:"name"`
		Key  string   `json:"key"`
		Eve  string   `json:"eve"`
		Days []string `json:"days"`
	} `json:"religious"`
}

// presetDays lists every closed and half day of a preset, sorted by date; a full holiday on the
// same date as an eve wins (23 April 2029 is both). The data is embedded and checked by tests, so
// a broken file is a programming error.
func presetDays(preset string) []ClosedDay {
	if preset != "tr" {
		return nil
	}
	var f presetFile
	if err := json.Unmarshal(holidaysTR, &f); err != nil {
		panic(fmt.Sprintf("hours: holidays_tr.json: %v", err))
	}
	byDate := map[string]ClosedDay{}
	add := func(d ClosedDay) {
		if old, ok := byDate[d.Date]; ok && !old.Half {
			return
		}
		byDate[d.Date] = d
	}
	for y := f.FromYear; y <= f.UntilYear; y++ {
		for _, d := range f.Fixed {
			add(ClosedDay{Date: strconv.Itoa(y) + "-" + d.MD, Name: d.Name, Key: holidayKey + d.Key, Half: d.Half})
		}
	}
	for _, r := range f.Religious {
		add(ClosedDay{Date: r.Eve, Name: r.Name + " arifesi", Key: holidayKey + r.Key + "_eve", Half: true})
		for _, d := range r.Days {
			add(ClosedDay{Date: d, Name: r.Name, Key: holidayKey + r.Key})
		}
	}
	out := make([]ClosedDay, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// PresetDays lists the closed and half days of a preset ("tr"), sorted by date, for the settings
// page to show.
func PresetDays(preset string) []ClosedDay { return presetDays(preset) }

// PresetUntil is the last year a preset covers (0 for an unknown preset): after it the owner adds
// the religious holidays as custom closed days until the data is extended.
func PresetUntil(preset string) int {
	if preset != "tr" {
		return 0
	}
	var f presetFile
	if err := json.Unmarshal(holidaysTR, &f); err != nil {
		return 0
	}
	return f.UntilYear
}

// ReligiousFirstDays lists the first day (YYYY-MM-DD, sorted) of each religious holiday of a
// preset ("tr") by its name in the preset ("Ramazan Bayramı", "Kurban Bayramı"), from the same
// data as the closed days: the seasonal calendar's lunar campaigns take their dates from here.
func ReligiousFirstDays(preset string) map[string][]string {
	if preset != "tr" {
		return nil
	}
	var f presetFile
	if err := json.Unmarshal(holidaysTR, &f); err != nil {
		panic(fmt.Sprintf("hours: holidays_tr.json: %v", err))
	}
	out := map[string][]string{}
	for _, r := range f.Religious {
		if len(r.Days) > 0 {
			out[r.Name] = append(out[r.Name], r.Days[0])
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}
