package ai

import (
	"context"
	"strings"

	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// greetStart answers a customer who only opened the chat (channel.KindStart: Telegram's Start
// button sends "/start") with the business's chat greeting, the one the website widget shows,
// in place of a triage: "/start" carries no words to read, and read as a message it was taken
// for an English date question — an English "a member of our team will check this" to a Turkish
// business's customer, a handoff and a delivery-date recommendation in the approval queue for
// every new Telegram chat. The greeting goes in the language of the customer's Telegram app when
// Telegram says it (a Russian app gets English, the catalogs having no Russian). Nothing is
// scored, flagged or recommended. Outside business hours the
// acknowledgement goes instead, as for any message; a start already answered is not greeted.
func (a *Assistant) greetStart(ctx context.Context, slug string, db *tenantdb.DB, t *platform.Tenant, conv *inbox.Conversation,
	msg *inbox.Message, send bool) (*Outcome, error) {
	ah, err := a.checkAfterHours(ctx, slug, db, t, conv, msg, send, a.now())
	if err != nil {
		return nil, err
	}
	out := &Outcome{Skipped: "start", Model: BuiltinModel, AfterHours: ah.mode, Ack: ah.ack}
	if !send || ah.blocksReply() {
		return out, nil
	}
	later, err := inbox.Messages(ctx, db.Read, conv.ID, msg.ID, 50)
	if err != nil || answeredBesides(later, ah.ack) {
		return out, err
	}
	history, err := earlierInbound(ctx, db, conv.ID, msg.ID)
	if err != nil {
		return out, err
	}
	id, err := a.Inbox.AddMessage(ctx, slug, db, conv.ID, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", AuthorName: AssistantName,
		Body: StartGreeting(t, customerLang(t, conv, msg, history)), At: a.sentAt()}, "ai_triage")
	if err != nil {
		return out, err
	}
	out.Sent = id
	return out, nil
}

// StartGreeting is the greeting a customer who opens the chat gets: the business's own (Settings →
// Business profile, "Chat widget greeting") in lang where the owner wrote one in it, else their
// main one, else the widget's default greeting with the business's name in lang, the customer's
// language as customerLang tells it (their messenger app's while they have written nothing).
func StartGreeting(t *platform.Tenant, lang string) string {
	if g, _ := t.InLanguage("greeting", lang); strings.TrimSpace(g) != "" {
		return strings.TrimSpace(g)
	}
	if !i18n.Supported(lang) {
		lang = t.PrimaryLocale
	}
	return i18n.For(lang).T("widget.default_greeting", t.Name)
}
