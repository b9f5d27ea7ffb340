package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
)

// The lead's own changes made from the leads pages (app/leads): a card moved on the pipeline
// board, the expected value, the linked customer, two leads of one person merged. The leads room
// reads; every write to leads and conversations stays here. Each change is one transaction with
// one action-log row (provider lead_pipeline) carrying the before→after values.

// LeadStages are the lead stages in the board's order: four steps, then the two outcomes.
var LeadStages = []string{"new", "contacted", "qualified", "proposal", "won", "lost"}

// stateForStage is the conversation state a board move gives the lead's conversation: the state
// the conversation form would set to bring the lead to that stage.
var stateForStage = map[string]string{"contacted": "contacted", "qualified": "qualified", "proposal": "offer", "won": "won", "lost": "lost"}

// LeadActor is who changes a lead (for the action log).
type LeadActor struct {
	UserID int64
	Name   string
}

// CheckLeadMove applies the conversation form's stage rules (followLeadStage) to a move of a lead
// from one stage to another; othersOpen is how many of the lead's conversations would still be
// open or won besides the one the move closes. It returns nil when allowed, or a fault saying why:
//
//   - the steps new → contacted → qualified → proposal are taken forwards only;
//   - a won or lost lead keeps its outcome for the steps (reopen its conversation in the inbox);
//   - won can be reached from anywhere;
//   - lost only when no other conversation of the lead is still open or won.
func CheckLeadMove(from, to string, othersOpen int) error {
	if !slices.Contains(LeadStages, to) {
		return fault.InvalidField("stage", "validation.choice")
	}
	switch to {
	case "won":
		return nil
	case "lost":
		if othersOpen > 0 {
			return fault.Conflict("leads.error.lost_open", othersOpen)
		}
		return nil
	}
	cur, open := stageRank[from]
	if !open {
		return fault.Conflict("leads.error.closed")
	}
	if stageRank[to] <= cur {
		return fault.Conflict("leads.error.backwards")
	}
	return nil
}

// leadRow is the part of a lead a change reads first.
type leadRow struct {
	ID                                int64
	Name, Phone, PhoneE164, Email     string
	Stage, Source, LostReason         string
	ConsentVersion                    string
	ConsentAt, CustomerID, MergedInto int64
	Value                             int64
	UTM                               [5]string
	CreatedAt                         int64
}

func readLeadRow(ctx context.Context, q Querier, id int64) (*leadRow, error) {
	l := &leadRow{}
	err := q.QueryRowContext(ctx, `SELECT id, name, phone, phone_e164, email, stage, source, lost_reason, consent_version,
		coalesce(consent_at,0), coalesce(customer_id,0), coalesce(merged_into,0), expected_value,
		utm_source, utm_medium, utm_campaign, utm_term, utm_content, created_at FROM leads WHERE id = ?`, id).
		Scan(&l.ID, &l.Name, &l.Phone, &l.PhoneE164, &l.Email, &l.Stage, &l.Source, &l.LostReason, &l.ConsentVersion,
			&l.ConsentAt, &l.CustomerID, &l.MergedInto, &l.Value, &l.UTM[0], &l.UTM[1], &l.UTM[2], &l.UTM[3], &l.UTM[4], &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: reading lead %d: %w", id, err)
	}
	return l, nil
}

// liveLead reads a lead that still stands on its own (not merged into another one).
func liveLead(ctx context.Context, q Querier, id int64) (*leadRow, error) {
	l, err := readLeadRow(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if l.MergedInto != 0 {
		return nil, fault.Conflict("leads.error.merged")
	}
	return l, nil
}

func logLead(ctx context.Context, tx *sql.Tx, a LeadActor, action, summary string, convID int64, payload map[string]any) error {
	_, err := audit.Write(ctx, tx, audit.Entry{Provider: "lead_pipeline", ActionType: action, Summary: summary, ModelName: "human-review",
		ActorUserID: a.UserID, ActorName: a.Name, ConversationID: convID, Payload: payload})
	return err
}

// CheckLeadStage says, without changing anything, whether MoveLeadStage would move the lead to
// stage to from a page that showed it at shown: nil when it would move, the refusal it would give
// otherwise (moved meanwhile, merged, the stage rules). ok is false when there is nothing to move
// (the lead already stands at to). The board asks before it loses a lead and asks only when the
// move would happen.
func (s *Service) CheckLeadStage(ctx context.Context, db *tenantdb.DB, leadID int64, to, shown string) (ok bool, err error) {
	l, err := liveLead(ctx, db.Read, leadID)
	if err != nil {
		return false, err
	}
	if to == l.Stage {
		return false, nil
	}
	if shown != "" && shown != l.Stage {
		return false, fault.Conflict("leads.error.moved_meanwhile")
	}
	var notLost int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE lead_id = ? AND state <> 'lost'`, leadID).Scan(&notLost); err != nil {
		return false, fmt.Errorf("inbox: lead check: %w", err)
	}
	if err := CheckLeadMove(l.Stage, to, max(notLost-1, 0)); err != nil {
		return false, err
	}
	return true, nil
}

// MoveLeadStage moves a lead to stage to, following the conversation form's rules (CheckLeadMove):
// the lead's conversation takes the state that stage stands for (contacted, qualified, offer, won,
// lost) when that moves it forward, the lead follows it as it does on the form (followLeadStage),
// and a lead without a conversation moves on its own. note, when moving to lost, is why the deal
// was lost (the lead's lost reason, as the form's internal note); a lead already lost takes the
// reason without a move (the board asks for it before the move, the lead page's form afterwards). It
// says what it did. shown, when not "", is the stage the page the move was made on showed the lead
// at: a lead moved since (by another person, another tab, a quote accepted) is not moved from a
// stage it has left: the move is refused (409) and nothing changes, unless the lead already stands
// where the move would take it.
func (s *Service) MoveLeadStage(ctx context.Context, slug string, db *tenantdb.DB, leadID int64, to, note, shown string, a LeadActor) (LeadMove, error) {
	var m LeadMove
	var convID int64
	if note != "" && to != "lost" {
		// The reason is kept only for a lost lead: dropping what was typed would lose it unseen.
		return m, fault.InvalidField("note", "leads.error.note_not_lost")
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		m = LeadMove{}
		l, err := liveLead(ctx, tx, leadID)
		if err != nil {
			return err
		}
		m.From = l.Stage
		from := l.Stage
		if to == from {
			if to != "lost" || note == "" || clip(note, 500) == l.LostReason {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `UPDATE leads SET lost_reason = ?, updated_at = ? WHERE id = ?`, clip(note, 500), tenantdb.Now(), leadID); err != nil {
				return fmt.Errorf("inbox: lost reason: %w", err)
			}
			m.Reason = true
			return logLead(ctx, tx, a, "lead_lost_reason_set", "lost reason given", 0, map[string]any{"lead_id": leadID,
				"updated_by_user_id": a.UserID, "before": map[string]any{"lost_reason": l.LostReason}, "after": map[string]any{"lost_reason": clip(note, 500)}})
		}
		// A page drawn before the lead moved does not move it from a stage it has left (a double
		// tap that asks for the stage it now stands at was answered above: nothing to do).
		if shown != "" && shown != from {
			return fault.Conflict("leads.error.moved_meanwhile")
		}
		m.Moved = true
		// The conversation the move goes through: the newest one not lost (an open one first).
		var convState string
		var notLost int
		err = tx.QueryRowContext(ctx, `SELECT id, state, (SELECT count(*) FROM conversations WHERE lead_id = ?1 AND state <> 'lost')
			FROM conversations WHERE lead_id = ?1 AND state <> 'lost' ORDER BY state IN ('won'), last_message_at DESC, id DESC LIMIT 1`, leadID).
			Scan(&convID, &convState, &notLost)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("inbox: lead move: %w", err)
		}
		others := max(notLost-1, 0)
		if err := CheckLeadMove(from, to, others); err != nil {
			return err
		}
		before := map[string]any{"lead_stage": from}
		after := map[string]any{"lead_stage": to}
		if convID != 0 {
			state := stateForStage[to]
			if state == "won" || state == "lost" || stateRank[state] > stateRank[convState] {
				if _, err := tx.ExecContext(ctx, `UPDATE conversations SET state = ?, updated_at = ? WHERE id = ?`, state, tenantdb.Now(), convID); err != nil {
					return fmt.Errorf("inbox: lead move: %w", err)
				}
				before["state"], after["state"] = convState, state
				if _, _, err := followLeadStage(ctx, tx, leadID, convID, state); err != nil {
					return err
				}
				if err := reindex(ctx, tx, convID); err != nil {
					return err
				}
			}
		}
		// The conversation's state may already stand for a later step than the lead showed.
		var now string
		if err := tx.QueryRowContext(ctx, `SELECT stage FROM leads WHERE id = ?`, leadID).Scan(&now); err != nil {
			return fmt.Errorf("inbox: lead move: %w", err)
		}
		if now != to {
			// Moved without its conversation (none, or one already further on): the rooms that
			// follow the funnel hear of it as of a conversation's change (OnStageChange).
			if err := writeLeadStage(ctx, tx, leadID, now, to); err != nil {
				return err
			}
			if err := tellStageChange(ctx, tx, StageChange{LeadID: leadID, ConversationID: convID, State: stateForStage[to], From: now, To: to}); err != nil {
				return err
			}
		}
		if to == "lost" && note != "" && clip(note, 500) != l.LostReason {
			if _, err := tx.ExecContext(ctx, `UPDATE leads SET lost_reason = ? WHERE id = ?`, clip(note, 500), leadID); err != nil {
				return fmt.Errorf("inbox: lost reason: %w", err)
			}
			before["lost_reason"], after["lost_reason"] = l.LostReason, clip(note, 500)
			m.Reason = true
		}
		return logLead(ctx, tx, a, "lead_stage_moved", "lead moved on the pipeline", convID,
			map[string]any{"lead_id": leadID, "updated_by_user_id": a.UserID, "before": before, "after": after})
	})
	if err == nil && convID != 0 && m.Moved {
		s.publish(slug, live.Event{Kind: "conversation", ConversationID: convID})
	}
	return m, err
}

// LeadMove is what MoveLeadStage did: the stage before, whether the lead moved and whether its
// lost reason was written.
type LeadMove struct {
	From          string
	Moved, Reason bool
}

// SetLeadValue sets what the lead is expected to bring (whole units of the business's currency).
func SetLeadValue(ctx context.Context, db *tenantdb.DB, leadID, value int64, a LeadActor) error {
	if value < 0 || value > 1_000_000_000_000 {
		return fault.InvalidField("expected_value", "leads.error.amount")
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		l, err := liveLead(ctx, tx, leadID)
		if err != nil || l.Value == value {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET expected_value = ?, updated_at = ? WHERE id = ?`, value, tenantdb.Now(), leadID); err != nil {
			return fmt.Errorf("inbox: lead value: %w", err)
		}
		return logLead(ctx, tx, a, "lead_value_set", "expected value set", 0, map[string]any{"lead_id": leadID,
			"updated_by_user_id": a.UserID, "before": map[string]any{"expected_value": l.Value}, "after": map[string]any{"expected_value": value}})
	})
}

// SetLeadEmail sets the lead's e-mail address as a person typed it (the lead page), kept as
// channel.LowerEmail keeps addresses; "" removes it. An address mail cannot use ("x@", a name
// with it, over 254 characters) is a field error and nothing changes. One action-log row holds the
// address before and after; the lead's conversations are reindexed so the inbox search finds them
// by it. Replies on the lead's e-mail conversations go to it while the customer has not mailed
// from one (channel.Info.Recipient).
func SetLeadEmail(ctx context.Context, db *tenantdb.DB, leadID int64, email string, a LeadActor) error {
	email = channel.LowerEmail(email)
	if email != "" {
		if !channel.ValidEmail(email) {
			return fault.InvalidField("lead_email", channel.EmailProblem(email, "validation.email"))
		}
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		l, err := liveLead(ctx, tx, leadID)
		if err != nil || l.Email == email {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET email = ?, updated_at = ? WHERE id = ?`, email, tenantdb.Now(), leadID); err != nil {
			return fmt.Errorf("inbox: lead e-mail: %w", err)
		}
		if err := ReindexLead(ctx, tx, leadID); err != nil {
			return err
		}
		return logLead(ctx, tx, a, "lead_email_set", "e-mail address changed", 0, map[string]any{"lead_id": leadID,
			"updated_by_user_id": a.UserID, "before": map[string]any{"email": l.Email}, "after": map[string]any{"email": email}})
	})
}

// PhoneTaken refuses a phone number another lead already has (SetLeadPhone): LeadID is that lead
// (the one it was merged into, when it was merged), Name, Phone and Email what the lead page names
// it by (web.Who's rule: a lead without a name by its number). Nothing is stored; the lead page
// links to it and offers an owner the merge.
type PhoneTaken struct {
	LeadID             int64
	Name, Phone, Email string // as stored: the page names the lead by web.Who's rule
}

func (e *PhoneTaken) Error() string { return fmt.Sprintf("inbox: phone number is lead %d's", e.LeadID) }

// Fault is the field error the lead page shows beside the number.
func (e *PhoneTaken) Fault() *fault.Error {
	return fault.InvalidField("lead_phone", "leads.error.phone_taken", e.LeadID)
}

// WhatsAppNumber reports whether e164 is the WhatsApp account of one of the lead's conversations:
// a WhatsApp conversation is keyed on the customer's number (its thread key is the number's
// digits), and once it is closed the customer's next message finds its lead by that number. Such
// a number is the channel's identity and is not changed on the lead page (SetLeadPhone).
func WhatsAppNumber(ctx context.Context, q Querier, leadID int64, e164 string) (bool, error) {
	if e164 == "" {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE lead_id = ? AND channel = 'whatsapp' AND external_id = ?`,
		leadID, strings.TrimPrefix(e164, "+")).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("inbox: lead's WhatsApp number: %w", err)
	}
	return n > 0, nil
}

// SetLeadPhone sets the lead's phone number as a person typed it (the lead page), normalised the
// way ingest normalises every arriving number (NormalizePhone: a number without a country code is
// read in region, the business's country) and kept in that international form; "" removes it. Nothing changes when:
//   - it is no phone number (or over 40 characters): a field error;
//   - the lead's present number is its WhatsApp account (WhatsAppNumber): a field error saying so;
//   - another lead has the number (*PhoneTaken): ingest would find that one by it, so two leads
//     would share one customer's number.
//
// One action-log row holds the number before and after; the lead's conversations are reindexed so
// the inbox search finds them by the new number.
func SetLeadPhone(ctx context.Context, db *tenantdb.DB, leadID int64, phone, region string, a LeadActor) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := SetLeadPhoneTx(ctx, tx, leadID, phone, region, a)
		return err
	})
}

// PhoneChange is what SetLeadPhoneTx stored: the lead's number before and after (E.164, "" for
// none) and the CRM customer the lead is linked to (0: none). Changed is false when nothing was.
type PhoneChange struct {
	Before, After string
	CustomerID    int64
	Changed       bool
}

// SetLeadPhoneTx is SetLeadPhone inside the caller's transaction, so the caller can carry the
// change on (the lead page gives a linked customer the corrected number: crm.FollowLeadPhone).
func SetLeadPhoneTx(ctx context.Context, tx *sql.Tx, leadID int64, phone, region string, a LeadActor) (PhoneChange, error) {
	phone = strings.TrimSpace(phone)
	e164 := NormalizePhone(phone, region)
	if phone != "" && (e164 == "" || utf8.RuneCountInString(phone) > 40) {
		return PhoneChange{}, fault.InvalidField("lead_phone", "leads.error.phone")
	}
	var ch PhoneChange
	err := func() error {
		l, err := liveLead(ctx, tx, leadID)
		if err != nil || l.Phone == e164 && l.PhoneE164 == e164 {
			return err
		}
		if wa, err := WhatsAppNumber(ctx, tx, leadID, l.PhoneE164); err != nil || wa {
			if err == nil {
				err = fault.InvalidField("lead_phone", "leads.error.phone_whatsapp")
			}
			return err
		}
		if e164 != "" {
			taken := &PhoneTaken{}
			err := tx.QueryRowContext(ctx, `SELECT o.id, o.name, o.phone, o.email FROM leads l JOIN leads o ON o.id = coalesce(l.merged_into, l.id)
				WHERE l.phone_e164 = ? AND l.phone_e164 <> '' AND coalesce(l.merged_into, l.id) <> ? ORDER BY l.id DESC LIMIT 1`, e164, leadID).
				Scan(&taken.LeadID, &taken.Name, &taken.Phone, &taken.Email)
			if err == nil {
				return taken
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("inbox: lead phone: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET phone = ?, phone_e164 = ?, updated_at = ? WHERE id = ?`, e164, e164, tenantdb.Now(), leadID); err != nil {
			return fmt.Errorf("inbox: lead phone: %w", err)
		}
		if err := ReindexLead(ctx, tx, leadID); err != nil {
			return err
		}
		ch = PhoneChange{Before: l.PhoneE164, After: e164, CustomerID: l.CustomerID, Changed: true}
		return logLead(ctx, tx, a, "lead_phone_set", "phone number changed", 0, map[string]any{"lead_id": leadID,
			"updated_by_user_id": a.UserID, "before": map[string]any{"phone": l.Phone, "phone_e164": l.PhoneE164},
			"after": map[string]any{"phone": e164, "phone_e164": e164}})
	}()
	if err != nil {
		return PhoneChange{}, err
	}
	return ch, nil
}

// LinkLeadCustomer links the lead to CRM customer customerID (0 unlinks) inside the caller's
// transaction (the caller may have just created the customer in it), with its action-log row.
func LinkLeadCustomer(ctx context.Context, tx *sql.Tx, leadID, customerID int64, a LeadActor) error {
	l, err := liveLead(ctx, tx, leadID)
	if err != nil || l.CustomerID == customerID {
		return err
	}
	if err := SetLeadCustomer(ctx, tx, leadID, customerID); err != nil {
		return err
	}
	return logLead(ctx, tx, a, "lead_customer_linked", "lead linked to a customer", 0, map[string]any{"lead_id": leadID,
		"updated_by_user_id": a.UserID, "before": map[string]any{"customer_id": l.CustomerID}, "after": map[string]any{"customer_id": customerID}})
}

// outcomeRank orders stages for a merge: the kept lead takes the furthest of the two.
var outcomeRank = map[string]int{"new": 0, "contacted": 1, "qualified": 2, "proposal": 3, "lost": -1, "won": 5}

// MergeLeads merges lead drop into lead keep (the same person reached the business twice): drop's
// conversations move to keep, keep takes what it lacks from drop (name, phone, e-mail, customer,
// consent, campaign) and the further stage and larger expected value of the two, and drop points
// at keep from then on (leads merged into drop earlier too). drop's quotes, visits, tickets and
// orders stay on it and are shown on keep's page. One action-log row holds both leads before and
// keep after. Merging is not undone. Merging a lead already merged into keep does nothing and is
// no error: a double tap, or a second tab, asked for what is done.
func MergeLeads(ctx context.Context, db *tenantdb.DB, keepID, dropID int64, a LeadActor) error {
	if keepID == dropID {
		return fault.InvalidField("merge_id", "leads.error.merge_self")
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		keep, err := liveLead(ctx, tx, keepID)
		if err != nil {
			return err
		}
		if l, err := readLeadRow(ctx, tx, dropID); err == nil && l.MergedInto == keepID {
			return nil // already merged into keep: a second tap of the same merge
		}
		drop, err := liveLead(ctx, tx, dropID)
		if errors.Is(err, tenantdb.ErrNotFound) {
			return fault.InvalidField("merge_id", "leads.error.merge_unknown")
		}
		if err != nil {
			return err
		}
		out := *keep
		fill := func(dst *string, src string) {
			if *dst == "" {
				*dst = src
			}
		}
		fill(&out.Name, drop.Name)
		if out.Phone == "" {
			out.Phone, out.PhoneE164 = drop.Phone, drop.PhoneE164
		}
		fill(&out.Email, drop.Email)
		if out.CustomerID == 0 {
			out.CustomerID = drop.CustomerID
		}
		if out.ConsentAt == 0 && drop.ConsentAt != 0 {
			out.ConsentAt, out.ConsentVersion = drop.ConsentAt, drop.ConsentVersion
		}
		if out.UTM == [5]string{} {
			out.UTM = drop.UTM
		}
		out.Value = max(out.Value, drop.Value)
		if keep.Stage == "lost" && drop.Stage != "lost" || outcomeRank[drop.Stage] > outcomeRank[keep.Stage] && keep.Stage != "won" {
			out.Stage = drop.Stage
		}
		if out.Stage == "lost" {
			fill(&out.LostReason, drop.LostReason)
		}
		out.CreatedAt = min(keep.CreatedAt, drop.CreatedAt)
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET name=?, phone=?, phone_e164=?, email=?, customer_id=?, consent_version=?, consent_at=?,
			utm_source=?, utm_medium=?, utm_campaign=?, utm_term=?, utm_content=?, expected_value=?, lost_reason=?, created_at=?, updated_at=? WHERE id=?`,
			out.Name, out.Phone, out.PhoneE164, out.Email, nullID(out.CustomerID), out.ConsentVersion, nullID(out.ConsentAt),
			out.UTM[0], out.UTM[1], out.UTM[2], out.UTM[3], out.UTM[4], out.Value, out.LostReason, out.CreatedAt, tenantdb.Now(), keepID); err != nil {
			return fmt.Errorf("inbox: merge leads: %w", err)
		}
		if err := writeLeadStage(ctx, tx, keepID, keep.Stage, out.Stage); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET lead_id = ?, updated_at = ? WHERE lead_id = ?`, keepID, tenantdb.Now(), dropID)
		if err != nil {
			return fmt.Errorf("inbox: merge leads: %w", err)
		}
		moved, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET merged_into = ?, updated_at = ? WHERE id = ? OR merged_into = ?`,
			keepID, tenantdb.Now(), dropID, dropID); err != nil {
			return fmt.Errorf("inbox: merge leads: %w", err)
		}
		if err := ReindexLead(ctx, tx, keepID); err != nil {
			return err
		}
		return logLead(ctx, tx, a, "lead_merged", "two leads of one person merged", 0, map[string]any{
			"lead_id": keepID, "merged_lead_id": dropID, "updated_by_user_id": a.UserID, "conversations_moved": moved,
			"before": map[string]any{"kept": keep.fields(), "merged": drop.fields()}, "after": out.fields()})
	})
}

// fields are the lead's values an action-log row records.
func (l *leadRow) fields() map[string]any {
	return map[string]any{"id": l.ID, "name": l.Name, "phone": l.Phone, "email": l.Email, "stage": l.Stage, "source": l.Source,
		"customer_id": l.CustomerID, "expected_value": l.Value, "utm_campaign": l.UTM[2], "lost_reason": l.LostReason}
}
