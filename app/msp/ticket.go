package msp

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// Statuses of a ticket, in the order a ticket usually goes through them.
const (
	StatusNew               = "new"
	StatusOpen              = "open"
	StatusWaitingCustomer   = "waiting_customer"
	StatusWaitingThirdParty = "waiting_third_party"
	StatusResolved          = "resolved"
	StatusClosed            = "closed"
)

// Statuses lists every status in board order (the kanban's columns).
var Statuses = []string{StatusNew, StatusOpen, StatusWaitingCustomer, StatusWaitingThirdParty, StatusResolved, StatusClosed}

// transitions is THE status graph: where a ticket may go from each status. Nothing goes back to
// new; a resolved ticket may be reopened (the customer says it is not fixed) or closed; a closed
// ticket is final (a new problem is a new ticket).
var transitions = map[string][]string{
	StatusNew:               {StatusOpen, StatusWaitingCustomer, StatusWaitingThirdParty, StatusResolved, StatusClosed},
	StatusOpen:              {StatusWaitingCustomer, StatusWaitingThirdParty, StatusResolved, StatusClosed},
	StatusWaitingCustomer:   {StatusOpen, StatusWaitingThirdParty, StatusResolved, StatusClosed},
	StatusWaitingThirdParty: {StatusOpen, StatusWaitingCustomer, StatusResolved, StatusClosed},
	StatusResolved:          {StatusOpen, StatusClosed},
	StatusClosed:            {},
}

// CanMove reports whether a ticket in status from may move to status to.
func CanMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// Next lists the statuses a ticket in status from may move to, in board order.
func Next(from string) []string {
	var out []string
	for _, s := range Statuses {
		if CanMove(from, s) {
			out = append(out, s)
		}
	}
	return out
}

// ValidStatus reports whether s is a ticket status.
func ValidStatus(s string) bool { return slices.Contains(Statuses, s) }

// Priorities, most urgent first.
const (
	P1 = "p1" // critical: business stopped
	P2 = "p2" // high: many people or a key system affected
	P3 = "p3" // normal
	P4 = "p4" // low: a request, no hurry
)

// Priorities lists the priorities, most urgent first.
var Priorities = []string{P1, P2, P3, P4}

// Categories of a ticket.
var Categories = []string{"hardware", "software", "network", "email", "account", "security", "printing", "backup", "other"}

// DeviceKinds are the kinds of device (asset) a client has.
var DeviceKinds = []string{"desktop", "laptop", "server", "network", "printer", "phone", "storage", "other"}

// Ticket is one ticket. Times are Unix milliseconds (UTC), shown in the tenant's zone.
type Ticket struct {
	ID, Number                       int64
	Subject, Description             string
	ClientID, SiteID, DeviceID       int64 // 0: none
	LeadID, ConversationID           int64 // 0: none
	Category, Priority, Status       string
	AssigneeID                       int64 // 0: nobody
	CreatedByName                    string
	CreatedAt, UpdatedAt, StatusAt   int64
	ResolvedAt, ClosedAt             int64  // 0: not (yet)
	ClientName, SiteName, DeviceName string // filled by the reads that join them
}

// Ref is the ticket's number as people say it: T-000123.
func (t *Ticket) Ref() string { return FormatNumber(t.Number) }

// FormatNumber writes a ticket number as T-000123.
func FormatNumber(n int64) string { return fmt.Sprintf("T-%06d", n) }

// Open reports whether the ticket is still being worked (not resolved or closed).
func (t *Ticket) Open() bool { return t.Status != StatusResolved && t.Status != StatusClosed }

// Event is one line of a ticket's timeline.
type Event struct {
	ID, TicketID   int64
	Kind           string // created status assigned priority note reply linked edited
	From, To, Body string
	MessageID      int64
	ActorID        int64
	ActorName      string
	CreatedAt      int64
}

// Actor is the person acting on a ticket.
type Actor struct {
	UserID int64
	Name   string
}

// Querier reads inside or outside a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ValidPriority reports whether p is a priority.
func ValidPriority(p string) bool { return slices.Contains(Priorities, p) }
