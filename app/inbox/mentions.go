package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"slices"
	"strings"

	"highvibe/app/platform"
)

// mentionRE finds "@name" where a username may stand: at the start or after a character that
// cannot be part of a username (so an e-mail address in a note is not a mention).
var mentionRE = regexp.MustCompile(`(^|[^A-Za-z0-9._@-])@([A-Za-z0-9._@-]{2,64})`)

// mentionToken is one "@name" in a text: where it is and the member it names.
type mentionToken struct {
	start, end int // byte offsets of "@name" in the text
	userID     int64
}

// scanMentions finds the tenant members a text names with "@username" (case-insensitive; a
// sentence's full stop after the name is not part of it). Disabled members are not mentioned.
func scanMentions(text string, members []platform.Membership) []mentionToken {
	var out []mentionToken
	for _, m := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		at, name := m[4]-1, text[m[4]:m[5]]
		for cand := name; len(cand) >= 2; cand = cand[:len(cand)-1] {
			i := slices.IndexFunc(members, func(mb platform.Membership) bool { return !mb.Disabled && strings.EqualFold(mb.Username, cand) })
			if i >= 0 {
				out = append(out, mentionToken{start: at, end: m[4] + len(cand), userID: members[i].UserID})
				break
			}
			if !strings.ContainsAny(cand[len(cand)-1:], ".-_@") {
				break // only trailing punctuation is tried away
			}
		}
	}
	return out
}

// FindMentions lists, once each, the members an internal note mentions.
func FindMentions(text string, members []platform.Membership) []int64 {
	var ids []int64
	for _, t := range scanMentions(text, members) {
		if !slices.Contains(ids, t.userID) {
			ids = append(ids, t.userID)
		}
	}
	return ids
}

// writeMentions records who a note mentions, in the note's transaction.
func writeMentions(ctx context.Context, q querier, msgID, convID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := q.ExecContext(ctx, `INSERT INTO mentions(message_id, conversation_id, user_id) VALUES(?,?,?) ON CONFLICT DO NOTHING`,
			msgID, convID, id); err != nil {
			return fmt.Errorf("inbox: mention: %w", err)
		}
	}
	return nil
}

// mentionsIn reads who each note of a conversation mentions: message id → user ids.
func mentionsIn(ctx context.Context, q Querier, convID int64) (map[int64][]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT message_id, user_id FROM mentions WHERE conversation_id = ? ORDER BY message_id, user_id`, convID)
	if err != nil {
		return nil, fmt.Errorf("inbox: mentions: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var m, u int64
		if err := rows.Scan(&m, &u); err != nil {
			return nil, fmt.Errorf("inbox: mentions: %w", err)
		}
		out[m] = append(out[m], u)
	}
	return out, rows.Err()
}

// mentionHTML is a note's text, escaped, with each recorded mention shown as the member's name in
// a chip (the name they go by, else their login: a note is written, and matched, with logins); the
// rest of the text stays exactly as typed.
func mentionHTML(text string, ids []int64, members []platform.Membership) template.HTML {
	var b strings.Builder
	last := 0
	for _, t := range scanMentions(text, members) {
		if !slices.Contains(ids, t.userID) {
			continue
		}
		login := text[t.start+1 : t.end]
		name := login
		for _, m := range members {
			if m.UserID == t.userID {
				login, name = m.Username, m.Name()
			}
		}
		b.WriteString(html.EscapeString(text[last:t.start]))
		// The chip reads as the person goes by; its title keeps the login, which is what a
		// colleague types to mention them.
		b.WriteString(`<span class="mention" data-user-id="` + fmt.Sprint(t.userID) + `" title="@` + html.EscapeString(login) + `">@<bdi>` +
			html.EscapeString(name) + `</bdi></span>`)
		last = t.end
	}
	b.WriteString(html.EscapeString(text[last:]))
	return template.HTML(b.String()) // #nosec G203: every piece of the text is escaped above
}

// mentionMembers is the picker's list of the tenant's active members, as JSON for the composer:
// each by login, with the name they go by when they gave one.
func mentionMembers(members []platform.Membership) string {
	type opt struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`            // the login, which the note is written with
		Label string `json:"label,omitempty"` // the name they go by, shown beside it
	}
	out := []opt{}
	for _, m := range members {
		if !m.Disabled {
			out = append(out, opt{m.UserID, m.Username, m.DisplayName})
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}
