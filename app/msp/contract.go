package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Kinds of contract.
const (
	ContractManaged     = "managed"      // managed service: a monthly fee with hours included
	ContractBlock       = "block"        // a block of hours: hours included per month
	ContractPerIncident = "per_incident" // each incident billed on its own; no hours included
)

// ContractKinds lists the kinds in the order the form offers them.
var ContractKinds = []string{ContractManaged, ContractBlock, ContractPerIncident}

// Currencies a contract's price may be in.
var Currencies = []string{"TRY", "EUR", "USD", "GBP"}

// Derived statuses of a contract.
const (
	ContractScheduled  = "scheduled"   // starts later
	ContractActive     = "active"      // running
	ContractEndingSoon = "ending_soon" // ends within RenewalLead
	ContractEnded      = "ended"       // its last day has passed, or the owner ended it
)

// RenewalLead is how long before a contract's last day its renewal is recommended (and the
// contract shows as ending soon).
const RenewalLead = 30 * 24 * time.Hour

const renewalDays = 30

// Contract is an agreement with a client. Days are YYYY-MM-DD in the tenant's zone; the last day
// (EndsOn) is included.
type Contract struct {
	ID, ClientID     int64
	Kind             string
	StartsOn, EndsOn string
	MonthlyMinutes   int   // hours included per month, in minutes (0: none)
	PriceCents       int64 // per month (managed), per block (block) or per incident
	Currency         string
	Notes            string
	EndedAt          int64 // ended early by the owner (0: not)
	EndedByName      string
	RenewalFor       string // the end day a renewal recommendation was raised for
	CreatedAt        int64
	UpdatedAt        int64
	SiteIDs          []int64 // covered sites
	DeviceIDs        []int64 // covered devices
	ClientName       string  // filled by the reads
}

// Status is the contract's derived status on day (YYYY-MM-DD, the tenant's today).
func (c *Contract) Status(day string) string {
	switch {
	case c.EndedAt != 0 || day > c.EndsOn:
		return ContractEnded
	case day < c.StartsOn:
		return ContractScheduled
	case daysBetween(day, c.EndsOn) <= renewalDays:
		return ContractEndingSoon
	}
	return ContractActive
}

// HasHours reports whether the contract includes hours each month.
func (c *Contract) HasHours() bool { return c.Kind != ContractPerIncident && c.MonthlyMinutes > 0 }

// Price is the price as a number of currency units.
func (c *Contract) Price() float64 { return float64(c.PriceCents) / 100 }

// Covers reports whether the contract names the site or the device among what it covers.
func (c *Contract) Covers(siteID, deviceID int64) bool {
	return (deviceID != 0 && slices.Contains(c.DeviceIDs, deviceID)) || (siteID != 0 && slices.Contains(c.SiteIDs, siteID))
}

// runsOn reports whether day lies within the contract's days.
func (c *Contract) runsOn(day string) bool { return c.StartsOn <= day && day <= c.EndsOn }

func daysBetween(from, to string) int {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// Today is the tenant's current day (YYYY-MM-DD) in its zone.
func Today(ctx context.Context, q hoursdb.Querier, now time.Time) (string, *time.Location, error) {
	loc, err := hoursdb.Zone(ctx, q)
	if err != nil {
		return "", nil, err
	}
	return now.In(loc).Format(time.DateOnly), loc, nil
}

const contractCols = `id, client_id, kind, starts_on, ends_on, monthly_minutes, price_cents, currency, notes, coalesce(ended_at,0),
	ended_by_name, renewal_for, created_at, updated_at`

func scanContract(sc interface{ Scan(...any) error }) (*Contract, error) {
	c := &Contract{}
	err := sc.Scan(&c.ID, &c.ClientID, &c.Kind, &c.StartsOn, &c.EndsOn, &c.MonthlyMinutes, &c.PriceCents, &c.Currency, &c.Notes,
		&c.EndedAt, &c.EndedByName, &c.RenewalFor, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// ContractByID reads one contract with what it covers and its client's name; tenantdb.ErrNotFound
// when absent.
func ContractByID(ctx context.Context, q Querier, id int64) (*Contract, error) {
	c, err := scanContract(q.QueryRowContext(ctx, `SELECT `+contractCols+` FROM msp_contracts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("msp: read contract: %w", err)
	}
	if err := fillContracts(ctx, q, []*Contract{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// Contracts lists the contracts, of one client when clientID > 0, latest end first.
func Contracts(ctx context.Context, q Querier, clientID int64) ([]*Contract, error) {
	query, args := `SELECT `+contractCols+` FROM msp_contracts ORDER BY ends_on DESC, id DESC LIMIT 1000`, []any{}
	if clientID > 0 {
		query, args = `SELECT `+contractCols+` FROM msp_contracts WHERE client_id = ? ORDER BY ends_on DESC, id DESC`, []any{clientID}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: contracts: %w", err)
	}
	defer rows.Close()
	var out []*Contract
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, fmt.Errorf("msp: contracts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: contracts: %w", err)
	}
	return out, fillContracts(ctx, q, out)
}

// fillContracts reads the covered sites and devices and the client names of cs.
func fillContracts(ctx context.Context, q Querier, cs []*Contract) error {
	if len(cs) == 0 {
		return nil
	}
	byID := map[int64]*Contract{}
	var ids, clients []int64
	for _, c := range cs {
		byID[c.ID] = c
		ids = append(ids, c.ID)
		clients = append(clients, c.ClientID)
	}
	ph, args := placeholders(ids)
	for _, t := range []struct {
		query string
		add   func(c *Contract, id int64)
	}{
		{`SELECT contract_id, site_id FROM msp_contract_sites WHERE contract_id IN (` + ph + `) ORDER BY site_id`,
			func(c *Contract, id int64) { c.SiteIDs = append(c.SiteIDs, id) }},
		{`SELECT contract_id, device_id FROM msp_contract_devices WHERE contract_id IN (` + ph + `) ORDER BY device_id`,
			func(c *Contract, id int64) { c.DeviceIDs = append(c.DeviceIDs, id) }},
	} {
		rows, err := q.QueryContext(ctx, t.query, args...)
		if err != nil {
			return fmt.Errorf("msp: contract coverage: %w", err)
		}
		for rows.Next() {
			var cid, id int64
			if err := rows.Scan(&cid, &id); err != nil {
				rows.Close()
				return fmt.Errorf("msp: contract coverage: %w", err)
			}
			t.add(byID[cid], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("msp: contract coverage: %w", err)
		}
	}
	names, err := clientNames(ctx, q, clients)
	if err != nil {
		return err
	}
	for _, c := range cs {
		c.ClientName = names[c.ClientID]
	}
	return nil
}

// ContractInput is what the contract form sends, as typed.
type ContractInput struct {
	ClientID           int64
	Kind               string
	StartsOn, EndsOn   string
	Hours, Price       string // "10", "7,5"; "1500", "1.500,50"
	Currency, Notes    string
	SiteIDs, DeviceIDs []int64
	monthlyMin         int
	priceCents         int64
	form               url.Values // the edit form with its was_ boxes, merged with the stored contract in the save
}

// parseAmount reads a contract's hours or price as typed in any of the panel's languages
// (i18n.ParseFixed, two decimals): "7,5", "1.500" and "1,500" (thousands), "1.500,50", "1,500.50";
// "" is 0.
func parseAmount(s string) (float64, bool) { return parseMoneyIn(s, "") }

// parseMoneyIn is parseAmount for a price in currency: its own marks may stand before or after
// the number ("1.500 TL", "€ 90"), as i18n.ParseAmount reads them.
func parseMoneyIn(s, currency string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	// A minus sign makes a negative number, which the callers refuse with their own range
	// ("enter a price of zero or more"), not "enter a number".
	sign := 1.0
	for _, minus := range []string{"-", "\u2212"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			s, sign = strings.TrimSpace(rest), -1
			break
		}
	}
	n, ok := i18n.ParseAmount(s, currency)
	if !ok {
		return 0, false
	}
	return sign * float64(n) / 100, true
}

// maxPrice is the largest contract price, in whole units of its currency.
const maxPrice = 10_000_000_000

// tooLarge reports whether s, which parseMoneyIn refused, is a number written well that is only
// too large to keep (i18n.AmountTooLarge); negative when a minus sign stands before it.
func tooLarge(s, currency string) (large, negative bool) {
	s = strings.TrimSpace(s)
	for _, minus := range []string{"-", "\u2212"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			s, negative = strings.TrimSpace(rest), true
			break
		}
	}
	return i18n.AmountTooLarge(s, currency), negative
}

// priceCurrency is the currency a price's limit is written in: the form's own, when it is one.
func priceCurrency(c string) string {
	if slices.Contains(Currencies, c) {
		return c
	}
	return ""
}

// validDay reports whether s is a YYYY-MM-DD day of the years 2000-2100: a year such as 0000 or
// 9999 is a slip on the date field, not a contract's day.
func validDay(s string) bool {
	d, err := time.Parse(time.DateOnly, s)
	return err == nil && d.Year() >= 2000 && d.Year() <= 2100
}

func (in *ContractInput) validate() fault.Fields {
	var f fault.Fields
	if in.ClientID == 0 {
		f.Add("client", "validation.required")
	}
	if !slices.Contains(ContractKinds, in.Kind) {
		f.Add("kind", "validation.choice")
	}
	in.StartsOn, in.EndsOn = i18n.ASCIIDigits(strings.TrimSpace(in.StartsOn)), i18n.ASCIIDigits(strings.TrimSpace(in.EndsOn))
	switch {
	case in.StartsOn == "":
		f.Add("starts_on", "validation.required")
	case !validDay(in.StartsOn):
		f.Add("starts_on", "validation.date")
	}
	switch {
	case in.EndsOn == "":
		f.Add("ends_on", "validation.required")
	case !validDay(in.EndsOn):
		f.Add("ends_on", "validation.date")
	case validDay(in.StartsOn) && in.EndsOn < in.StartsOn:
		f.Add("ends_on", "msp_time.err.end_before_start")
	}
	h, ok := parseAmount(in.Hours)
	if large, _ := tooLarge(in.Hours, ""); !ok && large {
		h, ok = math.Inf(1), true // out of range, said as such below
	}
	switch {
	case !ok:
		f.Add("hours", "msp_time.err.number")
	case h < 0 || h > 744:
		f.Add("hours", "validation.range", 0, 744)
	case in.Kind == ContractPerIncident:
		in.monthlyMin = 0
	case h == 0 && slices.Contains([]string{ContractManaged, ContractBlock}, in.Kind):
		f.Add("hours", "msp_time.err.hours_needed")
	default:
		in.monthlyMin = int(math.Round(h * 60))
	}
	p, ok := parseMoneyIn(in.Price, in.Currency)
	if large, negative := tooLarge(in.Price, in.Currency); !ok && large {
		p, ok = math.Inf(1), true // too large, said as such below with the limit
		if negative {
			p = -1
		}
	}
	switch {
	case p > maxPrice:
		// Written well but too large: the limit, in the form's number style and currency.
		f.Add("price", "msp_time.err.price_max", web.Amount{Units: maxPrice, Currency: priceCurrency(in.Currency)})
	case !ok:
		f.Add("price", "msp_time.err.number")
	case p < 0:
		f.Add("price", "msp_time.err.price")
	default:
		in.priceCents = int64(math.Round(p * 100))
	}
	if !slices.Contains(Currencies, in.Currency) {
		f.Add("currency", "validation.choice")
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if len([]rune(in.Notes)) > 4000 {
		f.Add("notes", "validation.too_long", 4000)
	}
	return f
}

// checkCoverage checks that every covered site and device is the client's.
func (in *ContractInput) checkCoverage(ctx context.Context, q Querier, f *fault.Fields) error {
	in.SiteIDs, in.DeviceIDs = uniq(in.SiteIDs), uniq(in.DeviceIDs)
	for _, id := range in.SiteIDs {
		s, err := SiteByID(ctx, q, id)
		if errors.Is(err, tenantdb.ErrNotFound) || (err == nil && s.ClientID != in.ClientID) {
			f.Add("sites", "msp_time.err.site_client")
			break
		} else if err != nil {
			return err
		}
	}
	for _, id := range in.DeviceIDs {
		d, err := DeviceByID(ctx, q, id)
		if errors.Is(err, tenantdb.ErrNotFound) || (err == nil && d.ClientID != in.ClientID) {
			f.Add("devices", "msp_time.err.device_client")
			break
		} else if err != nil {
			return err
		}
	}
	return nil
}

func uniq(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ErrContractEnded: an ended contract no longer changes (a renewal is a new contract).
var ErrContractEnded = fault.Sentinel(fault.KindConflict, "msp_time.err.contract_ended", "msp: contract has ended")

// SaveContract creates (id 0) or changes a contract with what it covers, writes the action log
// and plans its renewal reminder, in one transaction. Bad input returns field errors and stores
// nothing; an ended contract refuses (ErrContractEnded).
func SaveContract(ctx context.Context, db *tenantdb.DB, id int64, in ContractInput, a Actor) (int64, error) {
	id, _, err := SaveContractRecounted(ctx, db, id, in, a)
	return id, err
}

// SaveContractRecounted is SaveContract, saying what it did to the client's time: the time of
// months open for billing is counted again by the client's contracts as they are now (the days,
// kind and coverage saved); the time of months closed for billing stays counted as it was billed,
// and Recount.Kept says how much of it would count elsewhere now.
func SaveContractRecounted(ctx context.Context, db *tenantdb.DB, id int64, in ContractInput, a Actor) (int64, Recount, error) {
	var rc Recount
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var old *Contract
		if id != 0 {
			var err error
			if old, err = ContractByID(ctx, tx, id); err != nil {
				return err
			}
			if old.EndedAt != 0 {
				return ErrContractEnded
			}
			if err := in.keepUntouched(old); err != nil {
				return err // changed meanwhile by someone else too: nothing stored, the form says what
			}
			in.ClientID = old.ClientID // a contract stays with its client
		}
		f := in.validate()
		if in.ClientID != 0 {
			if _, err := ClientByID(ctx, tx, in.ClientID); errors.Is(err, tenantdb.ErrNotFound) {
				f.Add("client", "msp_time.err.client")
			} else if err != nil {
				return err
			}
		}
		if err := in.checkCoverage(ctx, tx, &f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := tenantdb.Now()
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO msp_contracts(client_id, kind, starts_on, ends_on, monthly_minutes, price_cents,
				currency, notes, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)`, in.ClientID, in.Kind, in.StartsOn, in.EndsOn,
				in.monthlyMin, in.priceCents, in.Currency, in.Notes, now, now)
			if err != nil {
				return fmt.Errorf("msp: insert contract: %w", err)
			}
			id, _ = res.LastInsertId()
			// The new-contract form, sent once: a resend opens the first contract.
			if err := web.SpendOnce(ctx, tx, id, "/app/msp/contracts/"+strconv.FormatInt(id, 10)+"/"); err != nil {
				return err
			}
		} else {
			if old.MonthlyMinutes != in.monthlyMin {
				if err := changeAllowance(ctx, tx, old, in.monthlyMin); err != nil {
					return err
				}
			}
			if old.PriceCents != in.priceCents || old.Currency != in.Currency {
				if err := changePrice(ctx, tx, old, in.priceCents, in.Currency); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE msp_contracts SET kind = ?, starts_on = ?, ends_on = ?, monthly_minutes = ?,
				price_cents = ?, currency = ?, notes = ?, updated_at = ? WHERE id = ?`, in.Kind, in.StartsOn, in.EndsOn, in.monthlyMin,
				in.priceCents, in.Currency, in.Notes, now, id); err != nil {
				return fmt.Errorf("msp: update contract: %w", err)
			}
			for _, q := range []string{`DELETE FROM msp_contract_sites WHERE contract_id = ?`, `DELETE FROM msp_contract_devices WHERE contract_id = ?`} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return fmt.Errorf("msp: contract coverage: %w", err)
				}
			}
		}
		for _, s := range in.SiteIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO msp_contract_sites(contract_id, site_id) VALUES(?,?)`, id, s); err != nil {
				return fmt.Errorf("msp: contract site: %w", err)
			}
		}
		for _, d := range in.DeviceIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO msp_contract_devices(contract_id, device_id) VALUES(?,?)`, id, d); err != nil {
				return fmt.Errorf("msp: contract device: %w", err)
			}
		}
		// The client's time of open months counts by the contracts as saved; closed months keep theirs.
		var err error
		if rc, err = recountClient(ctx, tx, in.ClientID); err != nil {
			return err
		}
		action := "contract_created"
		if old != nil {
			action = "contract_changed"
		}
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: action, Summary: in.Kind + " " + in.StartsOn + " – " + in.EndsOn,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"contract_id": id,
				"client_id": in.ClientID, "kind": in.Kind, "starts_on": in.StartsOn, "ends_on": in.EndsOn, "monthly_minutes": in.monthlyMin,
				"price_cents": in.priceCents, "currency": in.Currency, "sites": in.SiteIDs, "devices": in.DeviceIDs,
				"time_entries_recounted": rc.Moved, "time_entries_kept_closed": rc.Kept}}); err != nil {
			return err
		}
		return planRenewalTx(ctx, tx, id, in.EndsOn, time.Now())
	})
	if err != nil {
		return 0, Recount{}, err
	}
	return id, rc, nil
}

// changeAllowance records a change of c's hours included to minutes, inside the caller's
// transaction: it applies from this month (the tenant's) on; the months before keep the hours they
// had, whether or not their time is still open for corrections (an upgrade agreed now is not the
// last month's).
func changeAllowance(ctx context.Context, tx *sql.Tx, c *Contract, minutes int) error {
	today, _, err := Today(ctx, tx, time.Now())
	if err != nil {
		return err
	}
	from := today[:7]
	if from <= c.StartsOn[:7] {
		// The contract starts this month or later: the new hours are its hours from the start.
		_, err := tx.ExecContext(ctx, `DELETE FROM msp_contract_allowances WHERE contract_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("msp: contract hours: %w", err)
		}
		return nil
	}
	// The hours so far, from the first month, unless earlier changes already say them.
	if _, err := tx.ExecContext(ctx, `INSERT INTO msp_contract_allowances(contract_id, month, monthly_minutes)
		SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM msp_contract_allowances WHERE contract_id = ?)`,
		c.ID, c.StartsOn[:7], c.MonthlyMinutes, c.ID); err != nil {
		return fmt.Errorf("msp: contract hours: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM msp_contract_allowances WHERE contract_id = ? AND month >= ?`, c.ID, from); err != nil {
		return fmt.Errorf("msp: contract hours: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO msp_contract_allowances(contract_id, month, monthly_minutes) VALUES(?, ?, ?)`,
		c.ID, from, minutes); err != nil {
		return fmt.Errorf("msp: contract hours: %w", err)
	}
	return nil
}

// allowance is a change of a contract's hours included: Minutes a month from Month (YYYY-MM) on.
type allowance struct {
	Month   string
	Minutes int
}

// allowances reads the hours c included from each month on (see changeAllowance), oldest first.
func allowances(ctx context.Context, q Querier, c *Contract) ([]allowance, error) {
	rows, err := q.QueryContext(ctx, `SELECT month, monthly_minutes FROM msp_contract_allowances WHERE contract_id = ? ORDER BY month`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("msp: contract hours: %w", err)
	}
	defer rows.Close()
	var out []allowance
	for rows.Next() {
		var a allowance
		if err := rows.Scan(&a.Month, &a.Minutes); err != nil {
			return nil, fmt.Errorf("msp: contract hours: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// includedIn is the minutes c included in month (YYYY-MM), given its changes (allowances).
func includedIn(c *Contract, changes []allowance, month string) int {
	n := c.MonthlyMinutes
	for _, ch := range changes {
		if ch.Month <= month {
			n = ch.Minutes
		}
	}
	return n
}

// EndContract ends a contract early: its last day becomes today (the tenant's), or stays when
// that is earlier; a scheduled contract that never started ends on its first day. Time logged
// after that day no longer counts against it.
func EndContract(ctx context.Context, db *tenantdb.DB, id int64, a Actor) (*Contract, error) {
	var c *Contract
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = ContractByID(ctx, tx, id); err != nil {
			return err
		}
		if c.EndedAt != 0 {
			return ErrContractEnded
		}
		today, _, err := Today(ctx, tx, time.Now())
		if err != nil {
			return err
		}
		end := min(c.EndsOn, max(today, c.StartsOn))
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_contracts SET ends_on = ?, ended_at = ?, ended_by_name = ?, updated_at = ? WHERE id = ?`,
			end, now, a.Name, now, id); err != nil {
			return fmt.Errorf("msp: end contract: %w", err)
		}
		c.EndsOn, c.EndedAt, c.EndedByName, c.UpdatedAt = end, now, a.Name, now
		// Time logged after the last day no longer counts against it (open months only).
		if _, err := recountClient(ctx, tx, c.ClientID); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "contract_ended", Summary: c.Kind + " → " + end,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"contract_id": id,
				"client_id": c.ClientID, "ends_on": end}})
		return err
	})
	return c, err
}

// Covering picks the contract that covers work for a client on day: among the client's contracts
// running that day, the one naming the ticket's device or site (the device first), else the
// client's managed contract; nil when none. Ties go to the contract that started last.
func Covering(cs []*Contract, clientID, siteID, deviceID int64, day string) *Contract {
	var bySite, managed *Contract
	newer := func(a, b *Contract) bool {
		return b == nil || a.StartsOn > b.StartsOn || (a.StartsOn == b.StartsOn && a.ID > b.ID)
	}
	var byDevice *Contract
	for _, c := range cs {
		if c.ClientID != clientID || !c.runsOn(day) {
			continue
		}
		if deviceID != 0 && slices.Contains(c.DeviceIDs, deviceID) && newer(c, byDevice) {
			byDevice = c
		}
		if siteID != 0 && slices.Contains(c.SiteIDs, siteID) && newer(c, bySite) {
			bySite = c
		}
		if c.Kind == ContractManaged && newer(c, managed) {
			managed = c
		}
	}
	switch {
	case byDevice != nil:
		return byDevice
	case bySite != nil:
		return bySite
	}
	return managed
}

// CoveringTicket is the contract covering a ticket's work on day (nil: none, or no client).
func CoveringTicket(ctx context.Context, q Querier, t *Ticket, day string) (*Contract, error) {
	if t.ClientID == 0 {
		return nil, nil
	}
	cs, err := Contracts(ctx, q, t.ClientID)
	if err != nil {
		return nil, err
	}
	return Covering(cs, t.ClientID, t.SiteID, t.DeviceID, day), nil
}

// MonthUsage is the time counted against a contract in one calendar month.
type MonthUsage struct {
	Month       string // YYYY-MM
	Billable    int    // minutes
	NonBillable int    // minutes
	Included    int    // minutes
}

// Over reports whether the month's billable time exceeds the hours included.
func (u MonthUsage) Over() bool { return u.Included > 0 && u.Billable > u.Included }

// OverBy is how many billable minutes lie beyond the hours included.
func (u MonthUsage) OverBy() int { return max(0, u.Billable-u.Included) }

// Left is how many included minutes remain.
func (u MonthUsage) Left() int { return max(0, u.Included-u.Billable) }

// Percent is the share of the included hours used, 0–100+.
func (u MonthUsage) Percent() int {
	if u.Included == 0 {
		return 0
	}
	return u.Billable * 100 / u.Included
}

// Bar is the usage meter's width, capped at 100 %.
func (u MonthUsage) Bar() int { return min(100, u.Percent()) }

// Months lists the contract's months up to the one holding day (at most n), newest first.
func (c *Contract) Months(day string, n int) []string {
	return monthsBack(c.StartsOn[:7], min(c.EndsOn, max(day, c.StartsOn))[:7], n)
}

// monthsBack lists the months from last back to first (YYYY-MM), at most n.
func monthsBack(first, last string, n int) []string {
	var out []string
	t, err := time.Parse("2006-01", last)
	if err != nil {
		return nil
	}
	for len(out) < n {
		m := t.Format("2006-01")
		if m < first {
			break
		}
		out = append(out, m)
		t = t.AddDate(0, -1, 0)
	}
	return out
}

// UsageMonths lists the months the contract's page shows (at most n, newest first): the
// contract's months up to the one holding day, and also the months outside its days that time
// still counts against it in — time of a month closed for billing stays counted against the
// contract it was billed to when its days are changed later.
func UsageMonths(ctx context.Context, q Querier, c *Contract, day string, n int) ([]string, error) {
	first, last := c.StartsOn[:7], min(c.EndsOn, max(day, c.StartsOn))[:7]
	var lo, hi sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT min(work_day), max(work_day) FROM msp_time_entries WHERE contract_id = ?`, c.ID).
		Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("msp: contract months: %w", err)
	}
	if lo.Valid && len(lo.String) >= 7 && lo.String[:7] < first {
		first = lo.String[:7]
	}
	if hi.Valid && len(hi.String) >= 7 && hi.String[:7] > last {
		last = hi.String[:7]
	}
	return monthsBack(first, last, n), nil
}

// Usage sums the time that counts against c in each of months (YYYY-MM): the entries whose time
// counts against it (msp_time_entries.contract_id, see recountEntries), so that a month closed
// for billing shows what was billed even after the contract or a ticket changed.
func Usage(ctx context.Context, q Querier, c *Contract, months []string) ([]MonthUsage, error) {
	out := make([]MonthUsage, len(months))
	idx := map[string]int{}
	if len(months) == 0 {
		return out, nil
	}
	// The hours each month included: the last change made before or in it, else the contract's.
	changes, err := allowances(ctx, q, c)
	if err != nil {
		return nil, err
	}
	for i, m := range months {
		out[i] = MonthUsage{Month: m, Included: includedIn(c, changes, m)}
		idx[m] = i
	}
	lo, hi := slices.Min(months)+"-01", slices.Max(months)+"-31"
	rows, err := q.QueryContext(ctx, `SELECT work_day, minutes, billable FROM msp_time_entries
		WHERE contract_id = ? AND work_day BETWEEN ? AND ?`, c.ID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("msp: contract usage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var minutes int
		var billable bool
		if err := rows.Scan(&day, &minutes, &billable); err != nil {
			return nil, fmt.Errorf("msp: contract usage: %w", err)
		}
		i, ok := idx[day[:7]]
		if !ok {
			continue
		}
		if billable {
			out[i].Billable += minutes
		} else {
			out[i].NonBillable += minutes
		}
	}
	return out, rows.Err()
}
