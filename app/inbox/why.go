package inbox

import "encoding/json"

// WhyGroup is one score's reasons as the conversation page lists them ("why did the assistant
// say this", SPEC §7): Label is a catalog key, Signals are the assistant's own words for what
// fired, with the points each added where it has them ("urgent word: acil (+40)").
type WhyGroup struct {
	Label   string
	Signals []string
}

// whyOrder is the order of the reason groups on the page, with the catalog key of each title.
var whyOrder = []struct{ key, label string }{
	{"urgency", "inbox.score.urgency"},
	{"qualification", "inbox.score.qualification"},
	{"sentiment", "inbox.score.sentiment"},
	{"handoff", "inbox.handoff"},
	{"language", "inbox.why.language"},
}

// Why reads a conversation's stored score reasons (JSON: group → signals) into the page's groups;
// unknown groups are left out, and unreadable JSON gives nothing rather than an error page.
func Why(scoreReasons string) []WhyGroup {
	var m map[string][]string
	if json.Unmarshal([]byte(scoreReasons), &m) != nil {
		return nil
	}
	var out []WhyGroup
	for _, g := range whyOrder {
		if len(m[g.key]) > 0 {
			out = append(out, WhyGroup{Label: g.label, Signals: m[g.key]})
		}
	}
	return out
}
