package api

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"highvibe/app/channels/channel"
	"highvibe/app/crm"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// Import rows are validated here (the API's field messages) and stored through the rooms that own
// them: leads through the inbox, products and the other CRM records through the CRM.

var (
	leadStages = []string{"new", "contacted", "qualified", "proposal", "won", "lost"}
	reSKU      = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

type leadRow struct {
	ExternalID, Name, Phone, Email, Stage, Source, LostReason, ConsentVersion string
	ConsentAt, CustomerID                                                     int64
	Region                                                                    string // the business's country, for a phone without its code
	UTM                                                                       [5]string
}

// validateLead checks one imported lead; sources are the valid lead sources (inbox.LeadSources).
// Its messages, like validateProduct's, are catalog keys (api.row.*), "key|argument" when the
// message takes one.
func validateLead(l *leadRow, sources []string) map[string]string {
	e := map[string]string{}
	if l.Stage == "" {
		l.Stage = "new"
	}
	if l.Source == "" {
		l.Source = "import"
	}
	if len([]rune(l.Name)) > 200 {
		e["name"] = "api.row.max_200"
	}
	if l.Name == "" && l.Phone == "" && l.Email == "" {
		e["name"] = "api.row.lead_contact"
	}
	if l.Phone != "" && (utf8.RuneCountInString(l.Phone) > 40 || inbox.NormalizePhone(l.Phone, l.Region) == "") {
		e["phone"] = "api.row.phone"
	}
	if l.Email != "" {
		if !channel.ValidEmail(l.Email) {
			// The reason the panel's forms give (letters such as ç before the @), else the API's own.
			e["email"] = channel.EmailProblem(l.Email, "api.row.email")
		}
	}
	if !slices.Contains(leadStages, l.Stage) {
		e["stage"] = "api.row.one_of|" + strings.Join(leadStages, ", ")
	}
	if !slices.Contains(sources, l.Source) {
		e["source"] = "api.row.one_of|" + strings.Join(sources, ", ")
	}
	if len(l.ExternalID) > 200 {
		e["external_id"] = "api.row.max_200"
	}
	for i, u := range l.UTM {
		if len(u) > 200 {
			e[[]string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}[i]] = "api.row.max_200"
		}
	}
	return e
}

// upsertLead stores a validated lead row through the inbox, which owns leads.
func upsertLead(ctx context.Context, tx *sql.Tx, l *leadRow) (int64, bool, error) {
	return inbox.UpsertLead(ctx, tx, &inbox.LeadRecord{ExternalID: l.ExternalID, Name: l.Name, Phone: l.Phone, Email: l.Email,
		Stage: l.Stage, Source: l.Source, LostReason: l.LostReason, ConsentVersion: l.ConsentVersion, ConsentAt: l.ConsentAt,
		CustomerID: l.CustomerID, UTM: l.UTM, Region: l.Region})
}

type productRow struct {
	ExternalID, SKU, Name, Category, Unit, Currency string
	UnitPrice                                       float64
	Active                                          bool
}

func validateProduct(p *productRow) map[string]string {
	e := map[string]string{}
	if p.Unit == "" {
		p.Unit = "m2"
	}
	if p.Currency == "" {
		p.Currency = "TRY"
	}
	if !reSKU.MatchString(p.SKU) {
		e["sku"] = "api.row.sku"
	}
	if n := len([]rune(p.Name)); n < 1 || n > 200 {
		e["name"] = "api.row.name_required"
	}
	if len(p.Unit) > 16 {
		e["unit"] = "api.row.max_16"
	}
	if p.UnitPrice < 0 || p.UnitPrice > 1e9 {
		e["unit_price"] = "api.row.unit_price"
	}
	if !i18n.Currency(p.Currency) {
		e["currency"] = "api.row.currency"
	}
	return e
}

// upsertProduct stores a validated product row through the CRM, which owns the catalog; it
// matches by external_id, then by sku.
func upsertProduct(ctx context.Context, tx *sql.Tx, p *productRow) (int64, bool, error) {
	return crm.UpsertProduct(ctx, tx, p.ExternalID, &crm.Product{SKU: p.SKU, Name: p.Name, Category: p.Category, Unit: p.Unit,
		UnitPrice: p.UnitPrice, Currency: p.Currency, Active: p.Active})
}

// idByExternal finds a referenced record by the id an outside system knows it by (0: none);
// leads are asked of the inbox, CRM records of the CRM.
func idByExternal(ctx context.Context, tx *sql.Tx, table, ext string) int64 {
	var id int64
	if table == "leads" {
		id, _ = inbox.LeadIDByExternal(ctx, tx, ext)
	} else {
		id, _ = crm.IDByExternal(ctx, tx, table, ext)
	}
	return id
}

// rowExists reports whether a referenced record exists.
func rowExists(ctx context.Context, tx *sql.Tx, table string, id int64) bool {
	var ok bool
	if table == "leads" {
		ok, _ = inbox.LeadExists(ctx, tx, id)
	} else {
		ok, _ = crm.Exists(ctx, tx, table, id)
	}
	return ok
}
