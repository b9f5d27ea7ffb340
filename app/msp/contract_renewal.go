package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// JobRenewal raises a contract's renewal recommendation RenewalLead before its last day.
const JobRenewal = "msp_contract_renewal"

// RenewalClock is the local time of day (minutes after midnight) the reminder comes due: 09:00.
const RenewalClock = 9 * 60

// RegisterContractJobs hands the runner the contracts' jobs (housekeeping lane). moduleOn, when
// set, tells whether a tenant has the MSP module on: while it is off no reminder is raised (the
// contract is out of sight; saving it again once the module is back plans the reminder anew).
func RegisterContractJobs(r *jobs.Runner, moduleOn func(ctx context.Context, slug string) (bool, error)) {
	r.HandleIn(jobs.LaneHousekeeping, JobRenewal, func(ctx context.Context, j *jobs.Job) error {
		if moduleOn != nil {
			on, err := moduleOn(ctx, j.Tenant)
			if err != nil {
				return err
			}
			if !on {
				return nil
			}
		}
		return HandleRenewal(ctx, j)
	})
}

// RenewalDue is when a contract whose last day is endsOn (YYYY-MM-DD) comes due for its renewal
// reminder: 30 days before that day, at 09:00 in loc.
func RenewalDue(endsOn string, loc *time.Location) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, endsOn, loc)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year(), d.Month(), d.Day()-renewalDays, RenewalClock/60, RenewalClock%60, 0, 0, loc), nil
}

type renewalJob struct {
	ContractID int64  `json:"contract_id"`
	EndsOn     string `json:"ends_on"`
}

// planRenewalTx queues the renewal reminder of a contract ending on endsOn, in the caller's
// transaction: one job per contract and end day (a changed end day queues a new one; the old one
// finds the day changed and does nothing). Due now when the 30 days have begun; nothing when the
// contract has ended or its reminder for that day was already raised.
func planRenewalTx(ctx context.Context, tx *sql.Tx, id int64, endsOn string, now time.Time) error {
	var raisedFor string
	if err := tx.QueryRowContext(ctx, `SELECT renewal_for FROM msp_contracts WHERE id = ?`, id).Scan(&raisedFor); err != nil {
		return fmt.Errorf("msp: renewal: %w", err)
	}
	loc, err := hoursdb.Zone(ctx, tx)
	if err != nil {
		return err
	}
	if raisedFor == endsOn || endsOn < now.In(loc).Format(time.DateOnly) {
		return nil
	}
	at, err := RenewalDue(endsOn, loc)
	if err != nil {
		return err
	}
	if at.Before(now) {
		at = now
	}
	_, err = jobs.Enqueue(ctx, tx, JobRenewal, renewalJob{ContractID: id, EndsOn: endsOn},
		jobs.Options{RunAt: at, DedupeKey: fmt.Sprintf("%s:%d:%s", JobRenewal, id, endsOn)})
	return err
}

// RenewalWords is a renewal recommendation's kind and parameters: its title names the contract's
// type and client, its summary the last day (a calendar day, written as the reader's date) and the
// days left.
func RenewalWords(kind, client, endsOn string, left int) words.Rec {
	return words.Rec{Key: "msp_time.rec.renewal_" + kind, TitleArgs: []any{client}, Day: endsOn, SummaryArgs: []any{left}}
}

// HandleRenewal is the JobRenewal handler: a decision recommendation ("renew the contract with
// …") in the approval queue, linking to the contract — once per contract and end day, and only
// while the contract still ends that day and has not been ended.
func HandleRenewal(ctx context.Context, j *jobs.Job) error {
	var p renewalJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return j.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := ContractByID(ctx, tx, p.ContractID)
		if errors.Is(err, tenantdb.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		today, _, err := Today(ctx, tx, time.Now())
		if err != nil {
			return err
		}
		if c.EndedAt != 0 || c.EndsOn != p.EndsOn || c.RenewalFor == c.EndsOn || today > c.EndsOn {
			return nil
		}
		left := daysBetween(today, c.EndsOn)
		// Pages word it from Words in the reader's language (the end day as a date of that
		// language); Title and Summary are its English form, for the API and the action log.
		w := RenewalWords(c.Kind, c.ClientName, c.EndsOn, left)
		en := i18n.For("en")
		recID, created, err := approvals.Create(ctx, tx, approvals.New{
			Title: en.Say(w.Title()), Summary: en.Say(w.Summary()[0]),
			RecommendedAction: fmt.Sprintf("/app/msp/contracts/%d/", c.ID),
			Priority:          "medium", ActionType: "follow_up", Confidence: 1, ModelName: "builtin-msp",
			DedupeKey: fmt.Sprintf("msp_renewal:%d:%s", c.ID, c.EndsOn),
			Words:     w.JSON()})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE msp_contracts SET renewal_for = ? WHERE id = ?`, c.EndsOn, c.ID); err != nil {
			return fmt.Errorf("msp: renewal: %w", err)
		}
		if !created {
			return nil
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "contract_renewal_recommended", Summary: c.ClientName + " " + c.EndsOn,
			ModelName: "builtin-msp", Payload: map[string]any{"contract_id": c.ID, "recommendation_id": recID, "ends_on": c.EndsOn}})
		return err
	})
}
