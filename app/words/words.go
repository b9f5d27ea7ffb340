// Package words turns what the product stores as codes and parameters (the assistant's summaries,
// signals and recommendations, action-log rows, system notes) into [i18n.Phrase] values that a
// page says in the viewer's language. The database keeps codes; pages never print them (guide:
// 18-language.md). Rows written before a code existed are read by the same rules where their
// text has a fixed shape, and otherwise shown as they were written (in the tenant's language).
package words

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"highvibe/app/i18n"
)

// en answers whether a catalog key exists (every key has an English message).
var en = i18n.For("en")

func has(key string) bool { return en.Has(key) }

// text is a piece of stored text shown as it is: the customer's or an operator's words, or an
// older row's prose.
func text(s string) i18n.Phrase { return i18n.Phrase{Key: "words.text", Args: []any{s}} }

// quoted is a phrase about the customer's own words, which the page shows quoted and untranslated.
func quoted(key, words string) i18n.Phrase {
	return i18n.Phrase{Key: key, Quote: strings.TrimSpace(words)}
}

// Term is the label of a product or topic key of the assistant's personas (lock_paver → "Kilit
// parke"); an unknown key is kept as it is.
func Term(key string) i18n.Phrase {
	if has("words.term." + key) {
		return i18n.P("words.term." + key)
	}
	return text(key)
}

// Reason is the label of a handoff reason code.
func Reason(code string) i18n.Phrase {
	code = strings.TrimSpace(code)
	if has("inbox.reason." + code) {
		return i18n.P("inbox.reason." + code)
	}
	return text(code)
}

// Reasons labels a ", "-separated list of handoff reason codes.
func Reasons(list string) []i18n.Phrase {
	var out []i18n.Phrase
	for _, r := range strings.Split(list, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, Reason(r))
		}
	}
	return out
}

// Language names a language code the assistant stored in the reader's language ("Turkish" on an
// English page, "İngilizce" on a Turkish one: the language's own name, "Türkçe" or "English", was
// foreign text on every other page), or "another language".
func Language(code string) i18n.Phrase {
	code = strings.TrimPrefix(strings.TrimSpace(code), "lang_")
	if i18n.Supported(code) {
		if has("inbox.reason.lang_" + code) {
			return i18n.P("inbox.reason.lang_" + code)
		}
		return text(i18n.LangName(code))
	}
	if code == "other" || code == "mixed" {
		return i18n.P("inbox.reason.lang_other")
	}
	return text(code)
}

var (
	reArea   = regexp.MustCompile(`^(\d+(?:[.,]\d+)?) ?m²$`)
	reCounts = regexp.MustCompile(`^(\d+) inbound, (\d+) outbound$`)
	reAnswer = regexp.MustCompile(`^(\d+)/(\d+) questions answered$`)
	// reKPI is the KPI snapshot's stored summary (app/analytics: Refresh).
	reKPI    = regexp.MustCompile(`^snapshot \d+ built \(([a-z_]+)\): (\d+) leads, paid ([0-9.]+) ([A-Z]{3}), ROI [^,]*, (\d+) new recommendations$`)
	reScores = regexp.MustCompile(`^urgency (\d+), qualification (\d+), sentiment (\d+); ?(.*)$`)
	reQual   = regexp.MustCompile(`^quality (\d+): ?(.*)$`)
	reTrail  = regexp.MustCompile(` \(([+-]?\d+)\)$`)
)

func num(s string) i18n.Num {
	f, _ := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	return i18n.Num{V: f, Decimals: -1}
}

// Summary reads the assistant's conversation summary, stored as " · "-separated codes
// ("tr · 800 m² · lock_paver · handoff: stock, date"): the language, the area, the products and
// topics named, the handoff reasons.
func Summary(s string) []i18n.Phrase {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []i18n.Phrase
	for i, part := range strings.Split(s, " · ") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case i == 0 && (i18n.Supported(part) || part == "other" || part == "mixed"):
			out = append(out, i18n.P("words.summary.lang", Language(part)))
		case reArea.MatchString(part):
			out = append(out, i18n.P("words.summary.area", num(reArea.FindStringSubmatch(part)[1])))
		case strings.HasPrefix(part, "handoff: "):
			out = append(out, i18n.P("words.summary.handoff", Reasons(strings.TrimPrefix(part, "handoff: "))))
		case has("words.term." + part):
			out = append(out, Term(part))
		default:
			out = append(out, text(part))
		}
	}
	return out
}

// Review reads the stored review of a conversation: the summary it was made from, then
// "N inbound, M outbound; signal; signal." (the review's own signals are fixed codes).
func Review(s string) []i18n.Phrase {
	s = strings.TrimSpace(s)
	var out []i18n.Phrase
	if i := strings.LastIndex(s, " — "); i >= 0 {
		out = append(out, Summary(s[:i])...)
		s = s[i+len(" — "):]
	}
	for _, sig := range strings.Split(strings.TrimSuffix(s, "."), "; ") {
		sig = strings.TrimSpace(sig)
		if m := reCounts.FindStringSubmatch(sig); m != nil {
			replies, _ := strconv.Atoi(m[2])
			out = append(out, i18n.P("words.review.counts", num(m[1]), i18n.Count{Key: "words.review.replies", N: replies}))
		} else if m := reAnswer.FindStringSubmatch(sig); m != nil {
			out = append(out, i18n.P("words.review.answered", num(m[1]), num(m[2])))
		} else if k := reviewSignals[sig]; k != "" {
			out = append(out, i18n.P("words.review."+k))
		} else if sig != "" {
			out = append(out, text(sig))
		}
	}
	return out
}

var reviewSignals = map[string]string{
	"no reply yet": "no_reply", "first reply within 5 min": "first_5m", "first reply within 1 h": "first_1h",
	"first reply within 24 h": "first_24h", "first reply after more than a day": "first_late",
	"rude wording": "rude", "polite tone": "polite", "neutral tone": "neutral",
}

// Signal words one stored reason of a score ("area: 200 m²", "product: lock_paver",
// "complaint: kırıl", "lang_tr", "price"): the customer's own words are quoted, codes labelled.
func Signal(s string) i18n.Phrase {
	s = strings.TrimSpace(s)
	if m := reTrail.FindStringSubmatch(s); m != nil { // builtin-2's urgency weight, "(+20)"
		s = strings.TrimSuffix(s, m[0])
	}
	return signal(s)
}

func signal(s string) i18n.Phrase {
	if strings.HasPrefix(s, "lang_") || i18n.Supported(s) || s == "other" {
		return Language(s)
	}
	if has("inbox.reason." + s) {
		return i18n.P("inbox.reason." + s)
	}
	if k := fixedSignals[s]; k != "" {
		return i18n.P("words.sig." + k)
	}
	key, val, ok := strings.Cut(s, ": ")
	if !ok {
		return text(s)
	}
	switch key {
	case "area", "large job":
		if m := reArea.FindStringSubmatch(val); m != nil {
			return i18n.P("words.sig.area", num(m[1]))
		}
	case "thickness":
		return i18n.P("words.sig.thickness", num(strings.TrimSuffix(val, " cm")))
	case "product":
		var terms []i18n.Phrase
		for _, k := range strings.Split(val, ", ") {
			terms = append(terms, Term(k))
		}
		return i18n.P("words.sig.product", terms)
	}
	if k := quotedSignals[key]; k != "" {
		return quoted("words.sig."+k, val)
	}
	if has("words.term." + key) { // a persona topic and the customer's word for it
		ph := quoted("words.sig.topic", val)
		ph.Args = []any{Term(key)}
		return ph
	}
	return text(s)
}

var fixedSignals = map[string]string{
	"contact details given": "contact", "many exclamation marks": "exclaim",
}

var quotedSignals = map[string]string{
	"site": "site", "asks price": "price", "information request": "info", "complaint": "complaint",
	"positive": "positive", "negative": "negative", "urgent word": "urgent", "angry or unhappy": "angry",
	"legal threat": "legal_threat", "no rush": "calm", "signal": "word",
}

// Model names the model a record names: the assistant built in, the KPI computation, a person's
// review; a provider's model name ("gpt-4o-mini") is a name and stays as it is.
func Model(name string) i18n.Phrase {
	switch {
	case name == "":
		return i18n.Phrase{}
	case strings.HasPrefix(name, "builtin-"):
		return builtinModel(strings.TrimPrefix(name, "builtin-"))
	case strings.HasPrefix(name, "analytics-"):
		return i18n.P("words.model.analytics")
	case name == "human-review":
		return i18n.P("words.model.human")
	case name == "customer": // what the customer did on a page of theirs (a quote accepted, a visit confirmed)
		return i18n.P("words.model.customer")
	case name == "builtin": // the assistant, without a version (a handoff it raised)
		return i18n.P("words.model.builtin_named")
	case name == "system": // the product's own timers (a visit's reminder)
		return i18n.P("words.model.system")
	case name == "sla-policy":
		return i18n.P("words.model.sla")
	case name == "demo-seed":
		return i18n.P("words.model.demo")
	}
	return text(name)
}

// builtinNamed are the built-in producers that are not a version of the assistant's model:
// each has a name of its own ("builtin-seasonal" reads "Seasonal calendar", not a version).
var builtinNamed = map[string]string{
	"seasonal": "words.model.seasonal", "followups": "words.model.followups",
	"inventory": "words.model.inventory", "msp": "words.model.msp",
	"quote": "words.model.quote", "visits": "words.model.visits",
}

// builtinVariants are the assistant's models for one task, named with their version
// ("builtin-3-tickets": the ticket assistant, v3).
var builtinVariants = map[string]string{"tickets": "words.model.tickets"}

// builtinModel words what follows "builtin-": a version ("3"), a version and a task
// ("3-tickets"), or a named producer ("seasonal"). An unknown name reads as the built-in
// assistant without a version rather than as a made-up one.
func builtinModel(rest string) i18n.Phrase {
	if key, ok := builtinNamed[rest]; ok {
		return i18n.P(key)
	}
	ver, task, _ := strings.Cut(rest, "-")
	if !isVersion(ver) {
		return i18n.P("words.model.builtin_named")
	}
	if task == "" {
		return i18n.P("words.model.builtin", ver)
	}
	if key, ok := builtinVariants[task]; ok {
		return i18n.P(key, ver)
	}
	return i18n.P("words.model.builtin", ver)
}

func isVersion(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

// AssistantName is the author name the assistant's records carry (ai.AssistantName); it is
// worded per page rather than shown as stored.
const AssistantName = "Asistan"

// SystemName is the actor name of what the product did by itself (a draft withdrawn when its
// follow-up stopped or its customer was erased); it is worded per page ("Automatic").
const SystemName = "system"

// Actor names who did something: a person's name stays, the assistant and the product itself are
// worded.
func Actor(name string, userID int64) i18n.Phrase {
	if userID == 0 && name == AssistantName {
		return i18n.P("inbox.author.ai")
	}
	if userID == 0 && name == SystemName {
		return i18n.P("words.actor.system")
	}
	return text(name)
}

// Event words a system note the product wrote into a conversation (an approval decision):
// event is its code, params its parameters.
func Event(event string, params map[string]string) i18n.Phrase {
	if !has("words.event." + event) {
		return text(event)
	}
	return i18n.P("words.event."+event, params["actor"])
}

// decode is json.Unmarshal that reports failure as false.
func decode(s string, v any) bool { return s != "" && json.Unmarshal([]byte(s), v) == nil }
