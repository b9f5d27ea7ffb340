package words

import (
	"strconv"
	"strings"
	"time"

	"highvibe/app/i18n"
)

// Provider names the writer of an action-log row (whatsapp_webhook → "WhatsApp").
func Provider(p string) i18n.Phrase {
	if has("logs.provider." + p) {
		return i18n.P("logs.provider." + p)
	}
	return text(p)
}

// Action names what an action-log row records (recommendation_approved → "Recommendation
// approved").
func Action(a string) i18n.Phrase {
	if has("words.log.action." + a) {
		return i18n.P("words.log.action." + a)
	}
	return text(a)
}

// LogSummary words the details of an action-log row beyond its action: the assistant's scores
// and summary, a review's quality, the kind of recommendation decided, a name a person gave.
// Rows whose action says it all get nothing; the stored English summary stays in the record
// (the integration API returns it) but is not shown as page text. A row of an action this
// package has no words for shows its summary as stored.
func LogSummary(action, summary, payload string) []i18n.Phrase {
	switch action {
	case "ai_triage":
		if m := reScores.FindStringSubmatch(summary); m != nil {
			return append([]i18n.Phrase{i18n.P("words.log.scores", num(m[1]), num(m[2]), num(m[3]))}, Summary(m[4])...)
		}
	case "ai_review":
		if m := reQual.FindStringSubmatch(summary); m != nil {
			return append([]i18n.Phrase{i18n.P("words.log.quality", num(m[1]))}, Review(m[2])...)
		}
	case "recommendation_approved", "recommendation_rejected", "recommendation_executed", "draft_sent":
		var p struct {
			ActionType string `json:"action_type"`
		}
		if decode(payload, &p) && has("approvals.type_"+p.ActionType) {
			return []i18n.Phrase{i18n.P("approvals.type_" + p.ActionType)}
		}
	case "template_saved", "template_deleted":
		if name, ok := strings.CutPrefix(summary, "template "); ok {
			return []i18n.Phrase{quoted("words.log.named", name)}
		}
	case "product_created", "product_updated", "product_activated", "product_deactivated":
		if summary != "" {
			return []i18n.Phrase{quoted("words.log.named", summary)}
		}
	case "history_imported":
		var p struct {
			Messages int `json:"messages"`
		}
		if decode(payload, &p) && p.Messages > 0 {
			return []i18n.Phrase{i18n.P("words.log.history", p.Messages)}
		}
	case "handoff":
		var p struct {
			Reason string `json:"reason"`
		}
		if decode(payload, &p) && p.Reason != "" {
			return Reasons(p.Reason)
		}
	case "refresh": // app/analytics: what made the KPI snapshot and its main numbers
		if m := reKPI.FindStringSubmatch(summary); m != nil {
			var out []i18n.Phrase
			if has("words.log.kpi." + m[1]) {
				out = append(out, i18n.P("words.log.kpi."+m[1]))
			}
			paid, _ := strconv.ParseFloat(m[3], 64)
			return append(out, i18n.P("words.log.kpi.leads", num(m[2])), i18n.P("words.log.kpi.paid", i18n.Money{Amount: paid, Currency: m[4]}),
				i18n.P("words.log.kpi.recs", num(m[5])))
		}
	case "restore": // highvibe restore went back in time: the log's rows it left out
		var p struct {
			Newest int64 `json:"restored_newest"`
			Head   int64 `json:"previous_head_id"`
		}
		if decode(payload, &p) && p.Head > p.Newest {
			return []i18n.Phrase{i18n.P("words.log.restore_gap", p.Newest+1, p.Head)}
		}
	case "audit_key_rotated": // highvibe audit rotate-key
		var p struct {
			Generation int `json:"generation"`
		}
		if decode(payload, &p) && p.Generation > 0 {
			return []i18n.Phrase{i18n.P("words.log.key_generation", p.Generation)}
		}
	case "ad_spend_saved": // app/conversions: which campaign, which month, removed or not
		var p struct {
			Campaign string `json:"campaign"`
			Month    string `json:"month"`
			Removed  bool   `json:"removed"`
		}
		if decode(payload, &p) && p.Campaign != "" {
			out := []i18n.Phrase{quoted("words.log.ad_spend", p.Campaign)}
			if p.Month != "" {
				out = append(out, i18n.P("words.log.ad_spend_month", i18n.Month(p.Month)))
			}
			if p.Removed {
				out = append(out, i18n.P("words.log.ad_spend_removed"))
			}
			return out
		}
	case "list_exported": // app/export: which list, in which format, with its search words and filters
		var p struct {
			List    string            `json:"list"`
			Format  string            `json:"format"`
			Filters map[string]string `json:"filters"`
		}
		if decode(payload, &p) && has("export.sheet."+p.List) {
			out := []i18n.Phrase{i18n.P("export.sheet." + p.List)}
			if has("export." + p.Format) {
				out = append(out, i18n.P("export."+p.Format))
			}
			if q := strings.TrimSpace(p.Filters["q"]); q != "" {
				out = append(out, quoted("words.log.export_search", q))
			}
			for k := range p.Filters {
				if k != "q" {
					out = append(out, i18n.P("words.log.export_filtered"))
					break
				}
			}
			return out
		}
	}
	switch action {
	case "conversation_update", "conversation_contacted", "lead_stage_moved": // app/inbox: what changed
		return changes(action, payload)
	case "sla_breached_response", "sla_breached_resolution": // app/msp: the ticket it is about
		var p struct {
			Ref string `json:"ref"`
		}
		if decode(payload, &p) && p.Ref != "" {
			return []i18n.Phrase{text(p.Ref)}
		}
	case "sla_breached_late":
		var p struct {
			Targets []string `json:"targets"`
		}
		if decode(payload, &p) && len(p.Targets) > 0 {
			return []i18n.Phrase{i18n.P("sla.log.late", len(p.Targets))}
		}
	}
	if !has("words.log.action."+action) && summary != "" {
		return []i18n.Phrase{text(summary)} // a writer this package does not know yet: its text as stored
	}
	return nil
}

// changes words a conversation's or a lead's before → after (app/inbox): the state move, or
// "Marked Contacted after the first reply" when a reply reaching the customer made it (reason
// first_reply); the lead's stage move; the message the save added, or the one that made the move;
// then the other fields in the order the conversation page shows its controls: who it is assigned
// to, the assistant's mode, the handoff, the next step and its due time, the tags, the lost reason
// (the operator's own words quoted). Values that are no known state or stage are left out rather
// than shown as codes.
func changes(action, payload string) []i18n.Phrase {
	var p struct {
		Reason    string         `json:"reason"`
		MessageID int64          `json:"message_id"`
		B         map[string]any `json:"before"`
		A         map[string]any `json:"after"`
	}
	if !decode(payload, &p) {
		return nil
	}
	str := func(m map[string]any, k string) (string, bool) { v, ok := m[k].(string); return v, ok }
	move := func(key, prefix string) i18n.Phrase {
		from, _ := str(p.B, key)
		to, _ := str(p.A, key)
		if from == "" || to == "" || from == to || !has(prefix+from) || !has(prefix+to) {
			return i18n.Phrase{}
		}
		return i18n.P("words.log."+key, i18n.P(prefix+from), i18n.P(prefix+to))
	}
	var out []i18n.Phrase
	add := func(ph i18n.Phrase) {
		if ph.Key != "" {
			out = append(out, ph)
		}
	}
	firstReply := p.Reason == "first_reply"
	if firstReply && action == "conversation_update" {
		add(i18n.P("words.log.action.conversation_contacted"))
	} else if !firstReply {
		add(move("state", "inbox.state."))
	}
	add(move("lead_stage", "analytics.stage."))
	if firstReply && p.MessageID > 0 {
		add(i18n.P("words.log.message_ref", p.MessageID))
	}
	if id, ok := p.A["message_id"].(float64); ok && id > 0 {
		if d, _ := str(p.A, "direction"); has("words.log.action.message_" + d) {
			add(i18n.P("words.log.action.message_" + d))
		}
	}
	if v, ok := p.A["assigned_user_id"]; ok {
		if n, _ := v.(float64); n == 0 {
			add(i18n.P("words.log.conv.unassigned"))
		} else if name, _ := str(p.A, "assigned_name"); name != "" {
			add(i18n.P("words.log.conv.assigned", name))
		} else {
			add(i18n.P("words.log.conv.reassigned"))
		}
	}
	if m, ok := str(p.A, "ai_mode"); ok && has("inbox.ai."+m) {
		add(i18n.P("words.log.conv.ai_mode", i18n.P("inbox.ai."+m)))
	}
	if h, ok := p.A["handoff_required"].(bool); ok {
		if h {
			add(i18n.P("words.log.conv.handoff_on"))
		} else {
			add(i18n.P("words.log.conv.handoff_off"))
		}
	}
	if n, ok := str(p.A, "next_action"); ok {
		if n = strings.TrimSpace(n); n != "" {
			add(quoted("words.log.conv.next_action", n))
		} else {
			add(i18n.P("words.log.conv.next_action_cleared"))
		}
	}
	if v, ok := p.A["next_action_due_at"].(float64); ok {
		if v > 0 {
			add(i18n.P("words.log.conv.due", i18n.When{T: time.UnixMilli(int64(v))}))
		} else {
			add(i18n.P("words.log.conv.due_cleared"))
		}
	}
	if tags, ok := p.A["tags"].([]any); ok {
		names := make([]string, 0, len(tags))
		for _, t := range tags {
			if s, ok := t.(string); ok && s != "" {
				names = append(names, s)
			}
		}
		if len(names) > 0 {
			add(quoted("words.log.conv.tags", strings.Join(names, ", ")))
		} else {
			add(i18n.P("words.log.conv.tags_cleared"))
		}
	}
	if r, ok := str(p.A, "lost_reason"); ok {
		if r = strings.TrimSpace(r); r != "" {
			add(quoted("words.log.conv.lost_reason", r))
		} else {
			add(i18n.P("words.log.action.lead_lost_reason_set"))
		}
	}
	return out
}
