package ai

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// afterHours is what the business hours say about one customer message (guide: 35-business-hours.md).
type afterHours struct {
	closed bool
	mode   string // hours.ModeAnswer, ModeAck or ModeSilent; "" while open
	ack    int64  // message id of the acknowledgement sent, 0 = none
	note   string // why no acknowledgement went out, for the action log
}

// blocksReply says whether the assistant's usual reply is held back: only "answer" lets it through.
func (a afterHours) blocksReply() bool { return a.closed && a.mode != hours.ModeAnswer }

// checkAfterHours decides, from the tenant's business hours at the time the customer wrote, whether
// the business was closed, and — unless the mode is silent, the message was already answered or
// send is false — sends the acknowledgement once per conversation per closed period. A closed
// period is named by the opening that ends it, so a second message in the same night gets no second
// acknowledgement, and the first message of the next closed period gets one again. On a channel
// with a reply window (WhatsApp's 24 hours) the acknowledgement goes only while the window is open.
func (a *Assistant) checkAfterHours(ctx context.Context, slug string, db *tenantdb.DB, t *platform.Tenant, conv *inbox.Conversation,
	msg *inbox.Message, send bool, now time.Time) (afterHours, error) {
	s, err := hoursdb.Schedule(ctx, db.Read)
	if err != nil || s == nil {
		return afterHours{}, err
	}
	wrote := time.UnixMilli(msg.CreatedAt)
	if s.Open(wrote) {
		return afterHours{}, nil
	}
	// Written while closed, but the business has opened since (a triage late after a restart or
	// behind a long queue): "we are closed right now" would be untrue and the people it promises
	// are there, so the message is handled as one of the opening hours — the assistant's usual
	// reply, not silence.
	if s.Open(now) {
		return afterHours{note: "after hours: written while closed, open again when handled: handled as in opening hours"}, nil
	}
	cfg := s.Config()
	ah := afterHours{closed: true, mode: cfg.AfterHours}
	if ah.mode == hours.ModeSilent || !send {
		return ah, nil
	}
	if info, ok := a.Inbox.Channels.Info(conv.Channel); ok && !info.WindowOpen(conv.LastInboundAt, now) {
		ah.note = "after hours: reply window closed, no acknowledgement"
		return ah, nil
	}
	later, err := inbox.Messages(ctx, db.Read, conv.ID, msg.ID, 50)
	if err != nil || answered(later) {
		return ah, err
	}
	history, err := earlierInbound(ctx, db, conv.ID, msg.ID) // the language they wrote earlier, if any
	if err != nil {
		return ah, err
	}
	opens, found := s.NextOpen(wrote)
	if !found {
		opens = time.Time{}
	}
	var first bool
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		first, err = hoursdb.ClaimAck(ctx, tx, conv.ID, opens, now)
		return err
	}); err != nil {
		return ah, err
	}
	if !first {
		ah.note = "after hours: already acknowledged in this closed period"
		return ah, nil
	}
	// "Leave your name and phone" is not asked of a customer who gave a way to reach them
	// (the widget's form, an earlier message) or writes a phone number in this message.
	known := phoneIn(msg.Body)
	if l, err := inbox.LeadByID(ctx, db.Read, conv.LeadID); err == nil && l != nil && (phoneIn(l.Phone) || l.Email != "") {
		known = true
	}
	body := ackText(s, cfg, t, conv, msg, history, wrote, now, known)
	id, err := a.Inbox.AddMessage(ctx, slug, db, conv.ID, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", AuthorName: AssistantName, Body: body, At: a.sentAt()}, "ai_triage")
	if err != nil {
		// Forget the claim so the next message of this period tries again.
		_ = db.InTx(ctx, func(tx *sql.Tx) error { return hoursdb.ReleaseAck(ctx, tx, conv.ID, opens) })
		return ah, err
	}
	ah.ack = id
	return ah, nil
}

// ackText is the acknowledgement: the out-of-office message during that period, else the owner's
// own text, else the catalog's sentence with the next opening, in the customer's language. The
// owner writes both texts in the business's language, so they go only to a customer writing it;
// any other customer gets the catalog's sentence in theirs (during an out-of-office period it
// names the day the business opens again). The opening is named as seen when it is sent (now),
// not when the customer wrote: a message written at 23:59 and acknowledged at 00:00 is answered
// "today from 09:00", not "tomorrow".
func ackText(s *hours.Schedule, cfg hours.Config, t *platform.Tenant, conv *inbox.Conversation, msg *inbox.Message, history []string,
	wrote, now time.Time, known bool) string {
	lang := customerLang(t, conv, msg, history)
	ownLang := lang == t.PrimaryLocale
	away, awayText := s.AwayAt(wrote)
	switch {
	case away && strings.TrimSpace(awayText) != "":
		if ownLang {
			return awayText
		}
	case strings.TrimSpace(cfg.AckMessage) != "" && ownLang:
		return cfg.AckMessage
	}
	p := i18n.For(lang)
	body := p.T("hours.ack.later")
	if when := s.NextOpeningWords(p.Lang, p.T, p.Date, now); when != "" {
		body = p.T("hours.ack.default", when)
	}
	if cfg.AfterHours == hours.ModeAnswer && !known {
		body += " " + p.T("hours.ack.details")
	}
	return body
}

// phoneIn reports whether text carries a phone number: ten or more digits in one run that only
// spaces, dashes, dots, brackets or a leading + break up ("0533 123 45 67", "+90 (533) 123-4567").
func phoneIn(text string) bool {
	digits := 0
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			digits++
			if digits >= 10 {
				return true
			}
		case strings.ContainsRune(" -.()+", r):
		default:
			digits = 0
		}
	}
	return false
}

// customerLang is the language to greet or acknowledge in: the message's when it is one of the
// panel's six (the acknowledgement and the greeting are in every catalog), English when the
// customer clearly writes another (Russian, another script: not the business's Turkish); while
// their words do not tell (a Start, a photo, "ok") and none of their earlier messages (history)
// did, their messenger app's language (appLanguage: Telegram's), English for one the catalogs do
// not have; else the conversation's when it is a panel language, else the business's own.
func customerLang(t *platform.Tenant, conv *inbox.Conversation, msg *inbox.Message, history []string) string {
	switch l := WrittenIn(ownWords(msg.Body)); {
	case l == "other":
		return "en"
	case i18n.Supported(l):
		return l
	case conv.Language == "other": // the assistant read their earlier words as another language
		return "en"
	}
	if app := appLanguage(msg); app != "" && !toldIn(history) {
		if i18n.Supported(app) {
			return app
		}
		return "en"
	}
	if i18n.Supported(conv.Language) {
		return conv.Language
	}
	return t.PrimaryLocale
}

// appLanguage is the language the customer's messenger app is set to, as the channel stored it
// with the message (inbox.NoteLanguage: Telegram's language_code, "ru"), "" when not known.
func appLanguage(msg *inbox.Message) string {
	return languageCode(msg.Notes().Channel[inbox.NoteLanguage])
}

// toldIn reports whether the customer's messages say which language they write.
func toldIn(msgs []string) bool {
	return WrittenIn(strings.Join(ownHistory(msgs), "\n")) != ""
}
