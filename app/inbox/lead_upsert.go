package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// LeadRecord is a lead as an outside system gives it (the integration API's import): every
// column the import may set. The caller validates it; the schema's CHECKs still refuse anything
// out of range.
type LeadRecord struct {
	ExternalID, Name, Phone, Email, Stage, Source, LostReason, ConsentVersion string
	ConsentAt, CustomerID                                                     int64 // 0: none (an update keeps the stored value)
	UTM                                                                       [5]string
	CreatedAt                                                                 int64  // Unix ms of a new lead; 0 = now (the demo seeds the past)
	ExpectedValue                                                             int64  // whole units; 0 keeps what is stored
	Region                                                                    string // the country Phone is read in without its code (NormalizePhone); not stored
}

// UpsertLead inserts l, or updates the lead with the same external id (imports are idempotent),
// and refreshes the search documents of its conversations, inside the caller's transaction. It
// returns the lead's id and whether it was created.
func UpsertLead(ctx context.Context, tx *sql.Tx, l *LeadRecord) (int64, bool, error) {
	now := tenantdb.Now()
	l.Name = web.PersonName(l.Name) // one line of plain text: an override pasted in turned list rows around
	e164 := NormalizePhone(l.Phone, l.Region)
	id, err := LeadIDByExternal(ctx, tx, l.ExternalID)
	if err != nil {
		return 0, false, err
	}
	created := id == 0
	if created {
		at := now
		if l.CreatedAt != 0 {
			at = l.CreatedAt
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO leads(external_id, name, phone, phone_e164, email, stage, source, lost_reason, consent_version, consent_at,
			utm_source, utm_medium, utm_campaign, utm_term, utm_content, customer_id, expected_value, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			nullStr(l.ExternalID), l.Name, l.Phone, e164, l.Email, l.Stage, l.Source, l.LostReason, l.ConsentVersion, nullID(l.ConsentAt),
			l.UTM[0], l.UTM[1], l.UTM[2], l.UTM[3], l.UTM[4], nullID(l.CustomerID), max(l.ExpectedValue, 0), at, at)
		if err != nil {
			return 0, false, fmt.Errorf("inbox: insert lead: %w", err)
		}
		id, _ = res.LastInsertId()
	} else {
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET name=?, phone=?, phone_e164=?, email=?, stage=?, source=?, lost_reason=?, consent_version=?,
			consent_at=coalesce(?, consent_at), utm_source=?, utm_medium=?, utm_campaign=?, utm_term=?, utm_content=?, customer_id=coalesce(?, customer_id),
			expected_value=coalesce(?, expected_value), updated_at=? WHERE id=?`, l.Name, l.Phone, e164, l.Email, l.Stage, l.Source, l.LostReason, l.ConsentVersion, nullID(l.ConsentAt),
			l.UTM[0], l.UTM[1], l.UTM[2], l.UTM[3], l.UTM[4], nullID(l.CustomerID), nullID(max(l.ExpectedValue, 0)), now, id); err != nil {
			return 0, false, fmt.Errorf("inbox: update lead: %w", err)
		}
	}
	if err := ReindexLead(ctx, tx, id); err != nil {
		return 0, false, err
	}
	return id, created, nil
}

// LeadIDByExternal finds the lead an outside system knows as ext (0 when none, or ext is empty).
func LeadIDByExternal(ctx context.Context, q Querier, ext string) (int64, error) {
	if ext == "" {
		return 0, nil
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM leads WHERE external_id = ?`, ext).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("inbox: lead by external id: %w", err)
	}
	return id, nil
}

// LeadExists reports whether lead id exists (other rooms check references to leads with it).
func LeadExists(ctx context.Context, q Querier, id int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM leads WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("inbox: lead exists: %w", err)
	}
	return n > 0, nil
}

// SetLeadCustomer links a lead to the CRM customer it became (the CRM calls it when a customer is
// made from a lead) and refreshes the lead's search documents, which carry the customer's name.
func SetLeadCustomer(ctx context.Context, tx *sql.Tx, leadID, customerID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE leads SET customer_id = ?, updated_at = ? WHERE id = ?`,
		nullID(customerID), tenantdb.Now(), leadID); err != nil {
		return fmt.Errorf("inbox: link lead %d to customer: %w", leadID, err)
	}
	return ReindexLead(ctx, tx, leadID)
}

// nullStr stores "" as NULL (external ids are UNIQUE only when present).
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores 0 as NULL (no reference, no time).
func nullID(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
