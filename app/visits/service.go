package visits

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"net/url"
	"slices"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// Limits of a booking, as the schema checks them.
const (
	MinDuration = 15
	MaxDuration = 720
	maxAddress  = 500
	maxNote     = 2000
)

// Errors a person can act on.
var (
	// ErrNotOpen: the visit is done, a no-show or cancelled; it no longer changes.
	ErrNotOpen = fault.Sentinel(fault.KindConflict, "visits.err.not_open", "visits: visit is closed")
)

// Booking is what the booking form (or the assistant) asks for.
type Booking struct {
	ConversationID int64
	Start          time.Time
	DurationMin    int
	Address, Note  string
	Assignees      []int64
	ProposedBy     string // "" a person, "assistant"
	// Members are the user ids that may be assigned (the tenant's active members); nil skips the check.
	Members []int64
}

// validate returns the booking's field errors in the user's language (nothing is stored then).
func (b *Booking) validate(now time.Time) error {
	var f fault.Fields
	b.Address, b.Note = strings.TrimSpace(b.Address), strings.TrimSpace(b.Note)
	if b.Start.IsZero() {
		f.Add("start", "visits.err.start_required")
	} else if b.Start.Before(now.Add(-time.Minute)) {
		f.Add("start", "visits.err.start_past")
	}
	if b.DurationMin < MinDuration || b.DurationMin > MaxDuration {
		f.Add("duration", "visits.err.duration", MinDuration, MaxDuration)
	}
	if len([]rune(b.Address)) > maxAddress {
		f.Add("address", "validation.too_long", maxAddress)
	}
	if len([]rune(b.Note)) > maxNote {
		f.Add("note", "validation.too_long", maxNote)
	}
	slices.Sort(b.Assignees)
	b.Assignees = slices.Compact(b.Assignees)
	if len(b.Assignees) == 0 {
		f.Add("assignees", "visits.err.assignees")
	}
	if b.Members != nil {
		for _, a := range b.Assignees {
			if !slices.Contains(b.Members, a) {
				f.Add("assignees", "visits.err.assignees")
			}
		}
	}
	return f.Err()
}

// MapURL is a map search for an address (empty for an empty address): it opens the map app on a
// phone and the map site on a computer.
func MapURL(address string) string {
	address = strings.TrimSpace(address)
	if address == "" {
		return ""
	}
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(address)
}

// newToken is the secret part of a customer's link: 120 random bits.
func newToken() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Book stores a proposed visit for a conversation's lead and puts its date in the approval queue
// (proposeTx), in one transaction with its action log. Bad input returns field errors and stores
// nothing; an unknown conversation is tenantdb.ErrNotFound.
func Book(ctx context.Context, db *tenantdb.DB, b Booking, a Actor) (*Visit, error) {
	if err := b.validate(time.Now()); err != nil {
		return nil, err
	}
	var v *Visit
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = bookTx(ctx, tx, b, a)
		return err
	})
	return v, err
}

func bookTx(ctx context.Context, tx *sql.Tx, b Booking, a Actor) (*Visit, error) {
	c, err := inbox.ConversationByID(ctx, tx, b.ConversationID)
	if err != nil {
		return nil, err
	}
	v := &Visit{LeadID: c.LeadID, ConversationID: c.ID, Status: StatusProposed, StartsAt: b.Start.UnixMilli(), DurationMin: b.DurationMin,
		Address: b.Address, MapURL: MapURL(b.Address), Note: b.Note, ProposedBy: b.ProposedBy, Token: newToken(),
		CreatedByName: a.Name, Assignees: b.Assignees}
	if err := insertTx(ctx, tx, v); err != nil {
		return nil, err
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_booked", Summary: v.Address,
		ModelName: modelOf(v), ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
		Payload: map[string]any{"visit_id": v.ID, "starts_at": v.StartsAt, "duration_min": v.DurationMin, "assignees": v.Assignees,
			"address": v.Address, "proposed_by": v.ProposedBy}}); err != nil {
		return nil, err
	}
	if err := proposeTx(ctx, tx, v, a); err != nil {
		return nil, err
	}
	return v, nil
}
