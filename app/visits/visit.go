package visits

import (
	"context"
	"database/sql"
	"time"
)

// Statuses of a visit. proposed → confirmed (only after the date's recommendation was approved
// in the approval queue) → done | no_show | cancelled; a new date on a confirmed visit sends it
// back to proposed with a new recommendation; cancelling is allowed from proposed and confirmed.
const (
	StatusProposed  = "proposed"
	StatusConfirmed = "confirmed"
	StatusDone      = "done"
	StatusNoShow    = "no_show"
	StatusCancelled = "cancelled"
)

// Statuses lists every status in the order a visit goes through them.
var Statuses = []string{StatusProposed, StatusConfirmed, StatusDone, StatusNoShow, StatusCancelled}

// Customer answers on the public page (/v/…) or recorded by an operator from a reply.
const (
	AnswerAccepted   = "accepted"
	AnswerReschedule = "reschedule"
)

// Visit is one site visit (keşif). Times are Unix milliseconds (UTC); they are shown in the
// tenant's zone.
type Visit struct {
	ID, LeadID, ConversationID int64
	Status                     string
	StartsAt                   int64
	DurationMin                int
	Address, MapURL, Note      string
	ProposedBy                 string // "" (a person) or "assistant"
	RecommendationID           int64
	ApprovedByName             string
	ApprovedAt                 int64
	ConfirmedMessageID         int64
	CustomerAnswer             string // "", accepted, reschedule
	CustomerAnswerAt           int64
	Token                      string
	// Outcome, filled after the visit.
	MeasuredAreaDM2    int64 // m² × 100; valid when HasMeasuredArea
	HasMeasuredArea    bool
	Surface            string
	AccessNotes        string
	OutcomeNotes       string
	QuoteID            int64
	DoneAt             int64
	RemindedCustomerAt int64
	RemindedAssigneeAt int64
	CreatedByName      string
	CreatedAt          int64
	UpdatedAt          int64

	Assignees []int64 // platform user ids, ascending
	Photos    []int64 // media attachment ids, ascending
}

// Start is the visit's start as a time (UTC; use .In(zone) to show it).
func (v *Visit) Start() time.Time { return time.UnixMilli(v.StartsAt).UTC() }

// End is when the visit is planned to end.
func (v *Visit) End() time.Time { return v.Start().Add(time.Duration(v.DurationMin) * time.Minute) }

// Open reports whether the visit is still planned (proposed or confirmed).
func (v *Visit) Open() bool { return v.Status == StatusProposed || v.Status == StatusConfirmed }

// MeasuredArea is the measured area in m² (0 when not measured).
func (v *Visit) MeasuredArea() float64 { return float64(v.MeasuredAreaDM2) / 100 }

// AssignedTo reports whether user goes to this visit.
func (v *Visit) AssignedTo(user int64) bool {
	for _, a := range v.Assignees {
		if a == user {
			return true
		}
	}
	return false
}

// Querier is a *sql.DB or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Actor is the person (or the assistant) acting on a visit.
type Actor struct {
	UserID int64
	Name   string
}
