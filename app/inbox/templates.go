package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/phone"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Template is a canned reply; {{name}} and friends are filled in the composer.
type Template struct {
	ID        int64
	Name      string
	Body      string
	UpdatedAt int64
}

// templateVar is a variable a reply template may use, and what it is replaced by when the
// template is inserted into a conversation's reply box.
type templateVar struct {
	Name  string
	value func(v *varSource) string
}

// varSource is what the variables are filled from: the conversation's lead, the business's
// name and phone_region, and the name of the operator inserting the template.
type varSource struct {
	Lead                    *Lead
	Business, Agent, Region string
}

// templateVars are the template variables, in the order the templates page explains them (each
// as inbox.templates.var.<name>, in the reader's language).
var templateVars = []templateVar{
	{"name", func(v *varSource) string { return v.Lead.Name }},
	// the number as people write it (+90 532 123 45 67): the customer reads it, never the stored
	// +905321234567; one kept without its country code is of the business's country
	{"phone", func(v *varSource) string { return phone.DisplayIn(v.Lead.Phone, v.Region) }},
	{"email", func(v *varSource) string { return v.Lead.Email }},
	{"business", func(v *varSource) string { return v.Business }},
	{"agent", func(v *varSource) string { return v.Agent }},
}

// templateValues is what each variable is replaced by in a conversation with l, for the
// business (its name and phone_region) and the operator (agent: the name customers see) inserting it.
func templateValues(l *Lead, business, region, agent string) map[string]string {
	src := &varSource{Lead: l, Business: business, Agent: agent, Region: region}
	out := make(map[string]string, len(templateVars))
	for _, v := range templateVars {
		out[v.Name] = v.value(src)
	}
	return out
}

// VarHint is one line of the templates page's explanation: the variable as it is typed, and the
// catalog key of what it is replaced by.
type VarHint struct{ Token, Key string }

// TemplateVarHints lists the variables as the templates page explains them.
func TemplateVarHints() []VarHint {
	out := make([]VarHint, 0, len(templateVars))
	for _, v := range templateVars {
		out = append(out, VarHint{Token: "{{" + v.Name + "}}", Key: "inbox.templates.var." + v.Name})
	}
	return out
}

// Templates lists the tenant's canned replies by name.
func Templates(ctx context.Context, q Querier) ([]Template, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, body, updated_at FROM templates ORDER BY name COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("inbox: listing templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.ID, &t.Name, &t.Body, &t.UpdatedAt); err != nil {
			return nil, fmt.Errorf("inbox: listing templates: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// validateTemplate checks a template's name and body: both required, at most 100 and 4000
// characters.
func validateTemplate(name, body string) error {
	var f fault.Fields
	switch n := len([]rune(name)); {
	case n == 0:
		f.Add("name", "validation.required")
	case n > 100:
		f.Add("name", "validation.too_long", 100)
	}
	switch n := len([]rune(body)); {
	case n == 0:
		f.Add("body", "validation.required")
	case n > 4000:
		f.Add("body", "validation.too_long", 4000)
	default:
		if v := unknownVar(body); v != "" {
			f.Add("body", "inbox.templates.unknown_var", v)
		}
	}
	return f.Err()
}

// reVar is a variable as a template writes it, "{{name}}" or "{{ name }}", and anything else
// between double braces ("{{isim}}", "{{müşteri adı}}").
var reVar = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// unknownVar returns the first "{{…}}" of body that is not one of templateVars ("" = none): the
// composer fills in only those, so any other reached the customer as written ("Merhaba {{isim}}").
func unknownVar(body string) string {
	for _, m := range reVar.FindAllStringSubmatch(body, -1) {
		if !slices.ContainsFunc(templateVars, func(v templateVar) bool { return v.Name == m[1] }) {
			return m[0]
		}
	}
	return ""
}

// SaveTemplate creates (id 0) or changes a template, with an action log (provider settings).
// Bad input and a name another template has are field errors (fault.KindInvalid); a missing id
// is tenantdb.ErrNotFound.
func SaveTemplate(ctx context.Context, db *tenantdb.DB, id int64, name, body string, actorID int64, actor string) error {
	name, body = strings.TrimSpace(name), strings.TrimSpace(body)
	if err := validateTemplate(name, body); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		var err error
		var r sql.Result
		if id == 0 {
			r, err = tx.ExecContext(ctx, `INSERT INTO templates(name, body, created_at, updated_at) VALUES(?,?,?,?)`, name, body, now, now)
		} else {
			r, err = tx.ExecContext(ctx, `UPDATE templates SET name = ?, body = ?, updated_at = ? WHERE id = ?`, name, body, now, id)
		}
		if err != nil {
			if tenantdb.IsUnique(err) {
				// The name taken by this very form's first post (sent twice at once): as a resend.
				if a, _ := web.SentBefore(ctx, tx); a != nil && id == 0 {
					return a
				}
				return fault.InvalidField("name", "inbox.templates.name_taken").Wrap(err)
			}
			return fmt.Errorf("inbox: saving template: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		if id == 0 {
			id, _ = r.LastInsertId()
			// The new-template form, sent once: a resend adds no second template.
			if err := web.SpendOnce(ctx, tx, id, "/app/settings/templates"); err != nil {
				return err
			}
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "settings", ActionType: "template_saved", Summary: "template " + name,
			Output: body, ModelName: "human-review", ActorUserID: actorID, ActorName: actor,
			Payload: map[string]any{"template_id": id, "name": name, "updated_by_user_id": actorID}})
		return err
	})
}

// DeleteTemplate removes a template, with an action log.
func DeleteTemplate(ctx context.Context, db *tenantdb.DB, id, actorID int64, actor string) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `DELETE FROM templates WHERE id = ? RETURNING name`, id).Scan(&name); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return tenantdb.ErrNotFound
			}
			return fmt.Errorf("inbox: deleting template: %w", err)
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "settings", ActionType: "template_deleted", Summary: "template " + name,
			ModelName: "human-review", ActorUserID: actorID, ActorName: actor,
			Payload: map[string]any{"template_id": id, "name": name, "updated_by_user_id": actorID}})
		return err
	})
}
