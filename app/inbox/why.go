package inbox

import (
	"encoding/json"
	"strings"
)

// WhyGroup is one score's reasons as the conversation page lists them ("why did the assistant
// say this", guide: 10-recommendations.md): Label is a catalog key, Signals are the stored reasons as they are, Items
// the same reasons ready to be worded in the viewer's language.
type WhyGroup struct {
	Label   string
	Signals []string
	Items   []WhyItem
}

// WhyItem is one reason. The trained assistant (builtin-3) stores "f3|decision|kind|words": the
// customer's words, the kind of signal (a catalog key under inbox.why.kind.) and the decision it
// pushed (under inbox.why.dec.). Anything else is a code or text shown through inbox.reason.
type WhyItem struct {
	Text                  string
	Decision, Kind, Words string
}

func whyItem(s string) WhyItem {
	p := strings.SplitN(s, "|", 4)
	if len(p) == 4 && p[0] == "f3" && p[1] != "" && p[2] != "" {
		return WhyItem{Text: s, Decision: p[1], Kind: p[2], Words: p[3]}
	}
	return WhyItem{Text: s}
}

// whyOrder is the order of the reason groups on the page, with the catalog key of each title.
var whyOrder = []struct{ key, label string }{
	{"urgency", "inbox.score.urgency"},
	{"intent", "inbox.why.intent"},
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
			wg := WhyGroup{Label: g.label, Signals: m[g.key]}
			for _, s := range m[g.key] {
				wg.Items = append(wg.Items, whyItem(s))
			}
			out = append(out, wg)
		}
	}
	return out
}
