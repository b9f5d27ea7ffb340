package msp

import (
	"context"
	"database/sql"

	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// migratedDefaultName is the name the migration gives the starting policy (00032_msp_sla.sql).
const migratedDefaultName = "Standard"

func init() { platform.OnTenantCreated("msp_sla", nameStartingPolicy) }

// nameStartingPolicy names a new business's starting SLA policy in the business's language
// (sla.default_name: "Standart" in Turkish). Only a business being made is renamed; the stored
// names of businesses made before stay as they are.
func nameStartingPolicy(ctx context.Context, db *tenantdb.DB, nb platform.NewBusiness) error {
	name := i18n.For(nb.Locale).T("sla.default_name")
	if name == migratedDefaultName {
		return nil
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE msp_sla_policies SET name = ? WHERE name = ? AND is_default = 1`, name, migratedDefaultName)
		return err
	})
}
