package msp

// This file is the MSP room's read model of the CRM's customers (declared in app/ownership): a
// client's name is its customer's name, read here and never written (app/crm writes customers).

import (
	"context"
	"fmt"
	"strings"

	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

func placeholders(ids []int64) (string, []any) {
	seen := map[int64]bool{}
	var args []any
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(args)), ","), args
}

func idNames(ctx context.Context, q Querier, query string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	ph, args := placeholders(ids)
	if len(args) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, strings.Replace(query, "(?)", "("+ph+")", 1), args...)
	if err != nil {
		return nil, fmt.Errorf("msp: names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("msp: names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// customerNames maps CRM customer ids to their names.
func customerNames(ctx context.Context, q Querier, ids []int64) (map[int64]string, error) {
	return idNames(ctx, q, `SELECT id, name FROM customers WHERE id IN (?)`, ids)
}

// clientNames maps client ids to their customers' names.
func clientNames(ctx context.Context, q Querier, ids []int64) (map[int64]string, error) {
	return idNames(ctx, q, `SELECT c.id, cu.name FROM msp_clients c JOIN customers cu ON cu.id = c.customer_id WHERE c.id IN (?)`, ids)
}

func siteNames(ctx context.Context, q Querier, ids []int64) (map[int64]string, error) {
	return idNames(ctx, q, `SELECT id, name FROM msp_sites WHERE id IN (?)`, ids)
}

func deviceNames(ctx context.Context, q Querier, ids []int64) (map[int64]string, error) {
	return idNames(ctx, q, `SELECT id, CASE WHEN name <> '' THEN name WHEN trim(make || ' ' || model) <> '' THEN trim(make || ' ' || model)
		ELSE serial END FROM msp_devices WHERE id IN (?)`, ids)
}

// fillNames gives tickets their client, site and device names.
func fillNames(ctx context.Context, q Querier, ts []*Ticket) error {
	var c, s, d []int64
	for _, t := range ts {
		c, s, d = append(c, t.ClientID), append(s, t.SiteID), append(d, t.DeviceID)
	}
	cn, err := clientNames(ctx, q, c)
	if err != nil {
		return err
	}
	sn, err := siteNames(ctx, q, s)
	if err != nil {
		return err
	}
	dn, err := deviceNames(ctx, q, d)
	if err != nil {
		return err
	}
	for _, t := range ts {
		t.ClientName, t.SiteName, t.DeviceName = cn[t.ClientID], sn[t.SiteID], dn[t.DeviceID]
	}
	return nil
}

// Clients lists the clients by name (matching search in the customer's name or the contact),
// with their counts of sites, devices and open tickets; at most 500.
func Clients(ctx context.Context, q Querier, search string) ([]*Client, error) {
	where, args := `1`, []any{}
	if s := strings.TrimSpace(search); s != "" {
		l := foldLike(s)
		where = `(hv_fold(cu.name) LIKE ? ESCAPE '\' OR hv_fold(c.contact_name) LIKE ? ESCAPE '\' OR hv_fold(c.contact_email) LIKE ? ESCAPE '\')`
		args = append(args, l, l, l)
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.customer_id, c.contact_name, c.contact_phone, c.contact_email, c.notes, c.created_at,
		c.updated_at, cu.name,
		(SELECT count(*) FROM msp_sites s WHERE s.client_id = c.id),
		(SELECT count(*) FROM msp_devices d WHERE d.client_id = c.id),
		(SELECT count(*) FROM msp_tickets t WHERE t.client_id = c.id AND t.status IN ('new','open','waiting_customer','waiting_third_party'))
		FROM msp_clients c JOIN customers cu ON cu.id = c.customer_id WHERE `+where+` ORDER BY cu.name COLLATE NOCASE, c.id LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: clients: %w", err)
	}
	defer rows.Close()
	var out []*Client
	for rows.Next() {
		c := &Client{}
		if err := rows.Scan(&c.ID, &c.CustomerID, &c.ContactName, &c.ContactPhone, &c.ContactMail, &c.Notes, &c.CreatedAt, &c.UpdatedAt,
			&c.Name, &c.Sites, &c.Devices, &c.OpenTickets); err != nil {
			return nil, fmt.Errorf("msp: clients: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Option is an id and a name for a select.
type Option struct {
	ID   int64
	Name string
}

// FreeCustomers lists the CRM customers that are not clients yet (for the new-client form), by
// name, at most 500.
func FreeCustomers(ctx context.Context, q Querier) ([]Option, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM customers WHERE id NOT IN (SELECT customer_id FROM msp_clients)
		ORDER BY name COLLATE NOCASE, id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("msp: customers: %w", err)
	}
	defer rows.Close()
	var out []Option
	for rows.Next() {
		var o Option
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// clientsNamed lists the clients whose customer is called name (case-insensitive), at most 2.
func clientsNamed(ctx context.Context, q Querier, name string) ([]int64, error) {
	out, err := tenantdb.IDs(ctx, q, `SELECT c.id FROM msp_clients c JOIN customers cu ON cu.id = c.customer_id
		WHERE cu.name = ? COLLATE NOCASE ORDER BY c.id LIMIT 2`, name)
	if err != nil {
		return nil, fmt.Errorf("msp: client by name: %w", err)
	}
	return out, nil
}

// ClientOptions lists every client's id and name, by name (the filters' and forms' selects):
// no counts, so it stays cheap however many tickets there are.
func ClientOptions(ctx context.Context, q Querier) ([]*Client, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.customer_id, cu.name FROM msp_clients c JOIN customers cu ON cu.id = c.customer_id
		ORDER BY cu.name COLLATE NOCASE, c.id LIMIT 2000`)
	if err != nil {
		return nil, fmt.Errorf("msp: client options: %w", err)
	}
	defer rows.Close()
	var out []*Client
	for rows.Next() {
		c := &Client{}
		if err := rows.Scan(&c.ID, &c.CustomerID, &c.Name); err != nil {
			return nil, fmt.Errorf("msp: client options: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// nameCols and nameJoins give a page's tickets their client's (its customer's), site's and
// device's names, as clientNames, siteNames and deviceNames read them.
const (
	nameCols = `coalesce(ncu.name, ''), coalesce(nsi.name, ''), coalesce(CASE WHEN nd.name <> '' THEN nd.name
		WHEN trim(nd.make || ' ' || nd.model) <> '' THEN trim(nd.make || ' ' || nd.model) ELSE nd.serial END, '')`
	nameJoins = `LEFT JOIN msp_clients nc ON nc.id = t.client_id LEFT JOIN customers ncu ON ncu.id = nc.customer_id
		LEFT JOIN msp_sites nsi ON nsi.id = t.site_id LEFT JOIN msp_devices nd ON nd.id = t.device_id`
)

// pick is the stored id of a select whose options names reads (clientNames, siteNames…), for
// web.KeepUntouched: a select two people changed names both options as the select shows them.
func pick(ctx context.Context, q Querier, id int64, names func(context.Context, Querier, []int64) (map[int64]string, error)) web.Pick {
	return web.Pick{ID: id, Name: func(id int64) string {
		n, err := names(ctx, q, []int64{id})
		if err != nil {
			return ""
		}
		return n[id]
	}}
}

// deviceOptionNames are devices as the ticket's device select shows them: the label, then the
// serial ("Printer · SN-1").
func deviceOptionNames(ctx context.Context, q Querier, ids []int64) (map[int64]string, error) {
	return idNames(ctx, q, `SELECT id, CASE WHEN name <> '' THEN name WHEN trim(make || ' ' || model) <> '' THEN trim(make || ' ' || model)
		ELSE serial END || CASE WHEN serial <> '' THEN ' · ' || serial ELSE '' END FROM msp_devices WHERE id IN (?)`, ids)
}

// siteOptionNames are sites as the device form's site select shows them: the client, then the
// site ("Acme · Merkez").
func siteOptionNames(ctx context.Context, q Querier, ids []int64) (map[int64]string, error) {
	return idNames(ctx, q, `SELECT s.id, cu.name || ' · ' || s.name FROM msp_sites s JOIN msp_clients c ON c.id = s.client_id
		JOIN customers cu ON cu.id = c.customer_id WHERE s.id IN (?)`, ids)
}
