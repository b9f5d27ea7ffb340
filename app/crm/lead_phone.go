package crm

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// FollowLeadPhone gives customer id the number its linked lead was just corrected to on the lead
// page (before → after, both E.164), inside the caller's transaction, when the customer's number
// was the lead's old one: the record was made from the lead (the lead page's New customer form
// copies its number) or holds the same number, so it carried the same mistake. A customer with a
// number of its own (a company's switchboard, another contact) keeps it, and so does every customer
// when the lead's number is removed: the customer record may still be right, and is edited on its
// own page. It reports whether the customer changed; that change has its own action-log row.
func FollowLeadPhone(ctx context.Context, tx *sql.Tx, id, leadID int64, before, after string, a Actor) (bool, error) {
	if id == 0 || before == "" || after == "" || before == after {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE customers SET phone = ?, phone_e164 = ?, updated_at = ? WHERE id = ? AND phone_e164 = ?`,
		after, after, tenantdb.Now(), id, before)
	if err != nil {
		return false, fmt.Errorf("crm: customer follows its lead's phone: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "crm", ActionType: recordAction(string(EntityCustomers), false),
		Summary: "customer phone follows its lead", ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name,
		Payload: map[string]any{"record": string(EntityCustomers), "id": id, "lead_id": leadID, "updated_by_user_id": a.UserID,
			"before": map[string]any{"phone_e164": before}, "after": map[string]any{"phone": after, "phone_e164": after}}})
	return err == nil, err
}
