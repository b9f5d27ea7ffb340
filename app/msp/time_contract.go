package msp

// Which contract a time entry's time counts against (msp_time_entries.contract_id, tenant
// migration 00055; guide 44-msp-contracts-and-time.md). It is decided by Covering when the time is
// logged or changed, and decided again whenever what Covering reads changes — one of the client's
// contracts (created, changed, ended) or the ticket's client, site or device — but only for the
// entries of months still open for billing. A month closed for billing (monthLocked: the end of
// CloseDay of the next month, unless an owner reopened it) keeps its time counted against each
// contract as it was billed, so its figures (time used, overage, unbilled hours) do not move
// when a contract or a ticket is edited later. The pages (Usage, monthBillable) read the stored
// decision, never Covering over today's contracts.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Recount is what deciding again the contracts of some entries did: how many entries of open
// months now count elsewhere, and how many entries (and minutes) of months closed for billing
// would count elsewhere now but stay as they were billed.
type Recount struct {
	Moved       int
	Kept        int
	KeptMinutes int
}

// recountEntries decides again the contract each entry selected by where (on msp_time_entries e)
// counts against, inside the caller's transaction: Covering among its client's contracts as they
// are now, with its ticket's site and device. With closed nil every selected entry is decided (a
// new entry); otherwise the entries closed(day) reports are left as they are and counted in Kept
// when they would count against another contract now — or, with ticketClient, for another client:
// the ticket's, which moveTicketTime gave the open entries.
func recountEntries(ctx context.Context, tx *sql.Tx, closed func(day string) bool, ticketClient bool, where string, args ...any) (Recount, error) {
	var res Recount
	rows, err := tx.QueryContext(ctx, `SELECT e.id, e.work_day, e.minutes, coalesce(e.client_id,0), coalesce(e.contract_id,0),
		CASE WHEN e.ticket_id IS NULL THEN coalesce(e.client_id,0) ELSE coalesce(t.client_id,0) END,
		coalesce(t.site_id,0), coalesce(t.device_id,0)
		FROM msp_time_entries e LEFT JOIN msp_tickets t ON t.id = e.ticket_id WHERE `+where, args...)
	if err != nil {
		return res, fmt.Errorf("msp: time contracts: %w", err)
	}
	type entry struct {
		id                                 int64
		day                                string
		minutes                            int
		client, contract, owner, site, dev int64
	}
	var es []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.day, &e.minutes, &e.client, &e.contract, &e.owner, &e.site, &e.dev); err != nil {
			rows.Close()
			return res, fmt.Errorf("msp: time contracts: %w", err)
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("msp: time contracts: %w", err)
	}
	byClient := map[int64][]*Contract{}
	contractsOf := func(client int64) ([]*Contract, error) {
		if client == 0 {
			return nil, nil
		}
		if cs, ok := byClient[client]; ok {
			return cs, nil
		}
		cs, err := Contracts(ctx, tx, client)
		byClient[client] = cs
		return cs, err
	}
	for _, e := range es {
		locked := closed != nil && closed(e.day)
		client := e.client
		if locked && ticketClient {
			client = e.owner // what it would count for now
		}
		cs, err := contractsOf(client)
		if err != nil {
			return res, err
		}
		var want int64
		if c := Covering(cs, client, e.site, e.dev, e.day); c != nil {
			want = c.ID
		}
		switch {
		case locked:
			if want != e.contract || client != e.client {
				res.Kept++
				res.KeptMinutes += e.minutes
			}
		case want != e.contract:
			if _, err := tx.ExecContext(ctx, `UPDATE msp_time_entries SET contract_id = ? WHERE id = ?`, nullID(want), e.id); err != nil {
				return res, fmt.Errorf("msp: time contract: %w", err)
			}
			res.Moved++
		}
	}
	return res, nil
}

// openMonths is the check recountEntries leaves closed months alone with: whether an entry's day
// lies in a month closed for billing today (the tenant's) and not reopened.
func openMonths(ctx context.Context, tx *sql.Tx) (func(day string) bool, error) {
	today, _, err := Today(ctx, tx, time.Now())
	if err != nil {
		return nil, err
	}
	locked, _, err := LockedFunc(ctx, tx, today)
	return locked, err
}

// recountClient decides again the contracts of a client's time of open months (after one of its
// contracts changed), inside the caller's transaction.
func recountClient(ctx context.Context, tx *sql.Tx, clientID int64) (Recount, error) {
	locked, err := openMonths(ctx, tx)
	if err != nil {
		return Recount{}, err
	}
	return recountEntries(ctx, tx, locked, false, `e.client_id = ?`, clientID)
}

// recountTicket decides again the contracts of a ticket's time of open months (after its client,
// site or device changed), inside the caller's transaction.
func recountTicket(ctx context.Context, tx *sql.Tx, ticketID int64) (Recount, error) {
	locked, err := openMonths(ctx, tx)
	if err != nil {
		return Recount{}, err
	}
	return recountEntries(ctx, tx, locked, true, `e.ticket_id = ?`, ticketID)
}

// countEntry decides the contract of one entry just written (logged, clocked, changed or
// imported), whatever its month.
func countEntry(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := recountEntries(ctx, tx, nil, false, `e.id = ?`, id)
	return err
}
