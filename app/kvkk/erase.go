// Package kvkk handles a data subject's requests (guide: 49-exports-and-kvkk.md): the owner's page
// of one person with "export everything about this person" (JSON and a readable HTML summary) and
// "erase", which masks the person everywhere while every figure stays. Each room erases its own
// tables through its exported EraseLeadTx; this room calls them in order in one transaction of
// the tenant file, records the erasure in the action log with who and why, and has the log mask
// its own rows. It owns one table, kvkk_erasing, which holds a row only inside an erasure's
// transaction: the schema's immutability rules (decided recommendations, sent quotes, the action
// log) yield to nothing else.
package kvkk

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"highvibe/app/analytics"
	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/conversions"
	"highvibe/app/crm"
	"highvibe/app/erasure"
	"highvibe/app/followups"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/media"
	"highvibe/app/msp"
	"highvibe/app/notify"
	"highvibe/app/quotes"
	"highvibe/app/tenantdb"
	"highvibe/app/visits"
	"highvibe/app/web"
)

// Step is one room's part of an erasure: its EraseLeadTx, run in the erasure's transaction; the
// count it returns is recorded (how many of its records were the person's).
type Step struct {
	Room  string
	Erase func(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error)
	// Preread, for a room with a table too large to test row by row while the erasure holds the
	// tenant's writer, finds the person's rows on a read connection first (erasure.Seen).
	Preread func(ctx context.Context, q erasure.Reader, s *erasure.Subject) error
}

// Steps are the rooms an erasure goes through, in order. The inbox comes last: its search
// documents are rebuilt from what the others left (the linked customer is folded in). A room
// with a table that can hold a person adds its line here.
func Steps() []Step {
	return []Step{
		{"crm", crm.EraseLeadTx, nil},
		// Follow-ups before the queue: their sequences stop for the erasure ("no consent") and
		// withdraw their drafts themselves; the queue's withdrawal of what is left would stop
		// them first as "draft rejected".
		{"followups", followups.EraseLeadTx, nil},
		{"approvals", approvals.EraseLeadTx, nil},
		{"quotes", quotes.EraseLeadTx, nil},
		{"visits", visits.EraseLeadTx, nil},
		{"msp", msp.EraseLeadTx, nil},
		{"notify", notify.EraseLeadTx, nil},
		{"jobs", jobs.EraseLeadTx, jobs.PrereadLead},
		{"analytics", analytics.EraseLeadTx, nil},
		{"conversions", conversions.EraseLeadTx, nil},
		{"inbox", inbox.EraseLeadTx, inbox.PrereadLead},
	}
}

// Service erases people.
type Service struct {
	Media *media.Service
	Steps []Step
	// Between, when set, runs after the pre-read and before the transaction (tests: what is
	// written meanwhile is erased too).
	Between func()
}

// Request is one erasure: whose, by whom, why.
type Request struct {
	LeadID    int64
	ActorID   int64
	ActorName string
	Reason    string
}

// Result is what an erasure did.
type Result struct {
	LogID    int64            // the erasure's action-log row
	Counts   map[string]int64 // per room, and "files", "log_rows"
	Redacted int
}

// Erase erases the person of r.LeadID from every room in one transaction, then removes the bytes
// of their files that nothing else names. The erasure's action-log row names who and why (the
// reason itself masked of the person) and lists the log rows it masked. SQLite's secure_delete is
// on for the transaction, so the old text is overwritten in the file's pages, not only unlinked.
func (s *Service) Erase(ctx context.Context, slug string, db *tenantdb.DB, r Request) (*Result, error) {
	res := &Result{Counts: map[string]int64{}}
	var sums []string
	// The largest tables are searched before the transaction, on a read connection: customers'
	// messages wait for the writer while the transaction holds it (BenchmarkEraseLargeTenant).
	pre, err := s.preread(ctx, db, r.LeadID)
	if err != nil {
		return nil, err
	}
	if s.Between != nil {
		s.Between()
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		// The page's erase form is sent once: a double click or a resend is answered as the first
		// post was, not erased (and logged) a second time.
		if err := web.SpendOnce(ctx, tx, r.LeadID, "/app/kvkk/leads/"+strconv.FormatInt(r.LeadID, 10)+"/"); err != nil {
			return err
		}
		var was int
		if err := tx.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&was); err != nil {
			return fmt.Errorf("kvkk: erase: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = 1`); err != nil {
			return fmt.Errorf("kvkk: erase: %w", err)
		}
		defer func() { _, _ = tx.ExecContext(ctx, `PRAGMA secure_delete = `+strconv.Itoa(was)) }()
		if _, err := tx.ExecContext(ctx, `INSERT INTO kvkk_erasing(id) VALUES(1)`); err != nil {
			return fmt.Errorf("kvkk: erase: %w", err)
		}
		subjs, err := family(ctx, tx, r.LeadID)
		if err != nil {
			return err
		}
		for i, s := range subjs {
			if i < len(pre) {
				s.Adopt(pre[i]) // unless the person changed since the pre-read
			}
		}
		subj := subjs[0]
		cands, err := audit.RedactionCandidatesTx(ctx, tx, subj)
		if err != nil {
			return err
		}
		for _, st := range s.Steps {
			for _, s := range subjs {
				if st.Room == "inbox" {
					// Files first: the visits room has unlinked its photos by now.
					n, ss, err := media.EraseLeadTx(ctx, tx, s.LeadID)
					if err != nil {
						return err
					}
					res.Counts["files"] += n
					sums = append(sums, ss...)
				}
				n, err := st.Erase(ctx, tx, s)
				if err != nil {
					return err
				}
				res.Counts[st.Room] += n
			}
		}
		res.Counts["log_rows"] = int64(len(cands))
		if cands == nil {
			cands = []int64{}
		}
		res.LogID, err = audit.Write(ctx, tx, audit.Entry{Provider: "kvkk", ActionType: audit.ErasureAction,
			Summary: "lead " + strconv.FormatInt(r.LeadID, 10), Input: subj.Scrub(r.Reason), ModelName: "human-review",
			ActorUserID: r.ActorID, ActorName: r.ActorName,
			Payload: map[string]any{"lead_id": r.LeadID, "counts": res.Counts, "redacted": cands}})
		if err != nil {
			return err
		}
		if err := audit.RedactTx(ctx, tx, res.LogID, cands, subj); err != nil {
			return err
		}
		res.Redacted = len(cands)
		if _, err := tx.ExecContext(ctx, `DELETE FROM kvkk_erasing`); err != nil {
			return fmt.Errorf("kvkk: erase: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.Media != nil {
		if err := s.Media.DropUnnamed(ctx, slug, sums); err != nil {
			return res, err
		}
	}
	return res, nil
}

// family is the person of lead leadID: the lead and every lead merged into it, each with every
// name, phone and e-mail any of them stored.
func family(ctx context.Context, q inbox.Querier, leadID int64) ([]*erasure.Subject, error) {
	ids, err := inbox.LeadFamily(ctx, q, leadID)
	if err != nil {
		return nil, err
	}
	subjs := make([]*erasure.Subject, 0, len(ids))
	for _, id := range ids {
		s, err := inbox.SubjectOf(ctx, q, id)
		if err != nil {
			return nil, err
		}
		if err := AddCustomer(ctx, q, s); err != nil {
			return nil, err
		}
		if err := AddFormer(ctx, q, s); err != nil {
			return nil, err
		}
		subjs = append(subjs, s)
	}
	for _, s := range subjs {
		for _, o := range subjs {
			if o != s {
				s.Names = append(s.Names, o.Names...)
				s.Phones = append(s.Phones, o.Phones...)
				s.Emails = append(s.Emails, o.Emails...)
			}
		}
	}
	return subjs, nil
}

// preread reads the person as the transaction will, and finds their rows in the large tables
// (the action log, and each room's Preread) on the tenant's read connections.
func (s *Service) preread(ctx context.Context, db *tenantdb.DB, leadID int64) ([]*erasure.Subject, error) {
	subjs, err := family(ctx, db.Read, leadID)
	if err != nil {
		return nil, err
	}
	if err := audit.PrereadRedaction(ctx, db.Read, subjs[0]); err != nil {
		return nil, err
	}
	for _, st := range s.Steps {
		if st.Preread == nil {
			continue
		}
		for _, subj := range subjs {
			if err := st.Preread(ctx, db.Read, subj); err != nil {
				return nil, err
			}
		}
	}
	return subjs, nil
}
