package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/crm"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Client is a CRM customer the MSP serves, with the MSP's own fields. Name comes from the
// customer record (app/crm owns it; edit it there).
type Client struct {
	ID, CustomerID                         int64
	Name                                   string // the customer's name
	ContactName, ContactPhone, ContactMail string
	Notes                                  string
	CreatedAt, UpdatedAt                   int64
	Sites, Devices, OpenTickets            int // counts, filled by Clients
}

// Site is a client's place: an office, a branch, a server room.
type Site struct {
	ID, ClientID               int64
	Name, Address, AccessNotes string
	ContactName, ContactPhone  string
	CreatedAt, UpdatedAt       int64
	ClientName                 string     // filled by the lists
	form                       url.Values // the edit form with its was_ boxes (SaveSite)
}

// Device is an asset the MSP looks after.
type Device struct {
	ID, ClientID, SiteID            int64 // SiteID 0: no site
	Kind, Name, Make, Model, Serial string
	WarrantyEnd                     string // YYYY-MM-DD or ""
	Notes                           string
	CreatedAt, UpdatedAt            int64
	ClientName, SiteName            string     // filled by the lists
	form                            url.Values // the edit form with its was_ boxes (SaveDevice)
}

// Label is how a device is named in a list: its name, else make and model, else its serial.
func (d *Device) Label() string {
	if d.Name != "" {
		return d.Name
	}
	if s := strings.TrimSpace(d.Make + " " + d.Model); s != "" {
		return s
	}
	return d.Serial
}

// WarrantyOver reports whether the device's warranty ended before day (YYYY-MM-DD).
func (d *Device) WarrantyOver(day string) bool { return d.WarrantyEnd != "" && d.WarrantyEnd < day }

// WarrantyDay is the warranty's last day for the "day" writer ("21.11.2028" in Turkish); zero
// (written as nothing) when there is none.
func (d *Device) WarrantyDay() time.Time { return mustDay(d.WarrantyEnd) }

const clientCols = `id, customer_id, contact_name, contact_phone, contact_email, notes, created_at, updated_at`

func scanClient(sc interface{ Scan(...any) error }) (*Client, error) {
	c := &Client{}
	err := sc.Scan(&c.ID, &c.CustomerID, &c.ContactName, &c.ContactPhone, &c.ContactMail, &c.Notes, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// ClientByID reads one client with its customer's name; tenantdb.ErrNotFound when absent.
func ClientByID(ctx context.Context, q Querier, id int64) (*Client, error) {
	c, err := scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM msp_clients WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("msp: read client: %w", err)
	}
	names, err := customerNames(ctx, q, []int64{c.CustomerID})
	if err != nil {
		return nil, err
	}
	c.Name = names[c.CustomerID]
	return c, nil
}

// ClientOfCustomer returns the client id of a CRM customer (0 when the customer is no client).
func ClientOfCustomer(ctx context.Context, q Querier, customerID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM msp_clients WHERE customer_id = ?`, customerID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// ClientInput is what the client form sends: an existing customer (CustomerID) or a new one
// (Name, and the contact as the customer's phone and e-mail), and the MSP's fields.
type ClientInput struct {
	CustomerID                             int64
	Name                                   string // a new customer's name (CustomerID 0)
	ContactName, ContactPhone, ContactMail string
	Notes                                  string
	// Region is the business's country, in which a new customer's phone written without its
	// country code is read (platform.Tenant.PhoneRegion).
	Region string
	form   url.Values // the edit form with its was_ boxes (SaveClient)
}

// clientInputOf reads the client form.
func clientInputOf(f url.Values) ClientInput {
	return ClientInput{CustomerID: formID(f.Get("customer")), Name: f.Get("name"), ContactName: f.Get("contact_name"),
		ContactPhone: f.Get("contact_phone"), ContactMail: f.Get("contact_email"), Notes: f.Get("notes")}
}

func (in *ClientInput) validate(isNew bool) fault.Fields {
	var f fault.Fields
	in.Name, in.ContactName = web.PersonName(in.Name), web.PersonName(in.ContactName)
	in.ContactPhone, in.ContactMail, in.Notes = strings.TrimSpace(in.ContactPhone), channel.VisibleEmail(in.ContactMail), strings.TrimSpace(in.Notes)
	if isNew && in.CustomerID == 0 {
		if n := len([]rune(in.Name)); n == 0 {
			f.Add("name", "validation.required")
		} else if n > 200 {
			f.Add("name", "validation.too_long", 200)
		}
	}
	if len([]rune(in.ContactName)) > 200 {
		f.Add("contact_name", "validation.too_long", 200)
	}
	if len(in.ContactPhone) > 40 {
		f.Add("contact_phone", "validation.too_long", 40)
	}
	if in.ContactMail != "" {
		if !channel.ValidEmail(in.ContactMail) {
			f.Add("contact_email", channel.EmailProblem(in.ContactMail, "msp.err.email"))
		}
	}
	if len([]rune(in.Notes)) > 4000 {
		f.Add("notes", "validation.too_long", 4000)
	}
	return f
}

// SaveClient creates (id 0) or updates a client. A new client either takes an existing CRM
// customer (not yet a client) or creates the customer through the CRM in the same transaction.
func SaveClient(ctx context.Context, db *tenantdb.DB, id int64, in ClientInput, a Actor) (int64, error) {
	f := in.validate(id == 0)
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		if id != 0 {
			if form := in.form; form != nil {
				// The boxes sent as the page drew them take the stored values, read here.
				cur, err := ClientByID(ctx, tx, id)
				if err != nil {
					return err
				}
				if err := web.KeepUntouched(form, map[string]any{"contact_name": cur.ContactName, "contact_phone": cur.ContactPhone,
					"contact_email": cur.ContactMail, "notes": cur.Notes}); err != nil {
					return err
				}
				in = clientInputOf(form)
				f = in.validate(false)
			}
			if err := f.Err(); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE msp_clients SET contact_name = ?, contact_phone = ?, contact_email = ?, notes = ?,
				updated_at = ? WHERE id = ?`, in.ContactName, in.ContactPhone, in.ContactMail, in.Notes, now, id)
			if err != nil {
				return fmt.Errorf("msp: update client: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return tenantdb.ErrNotFound
			}
			_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "client_saved", Summary: fmt.Sprint(id),
				ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"client_id": id}})
			return err
		}
		if in.CustomerID != 0 {
			ok, err := crm.Exists(ctx, tx, "customers", in.CustomerID)
			if err != nil {
				return err
			}
			if !ok {
				f.Add("customer", "msp.err.customer")
			} else if other, err := ClientOfCustomer(ctx, tx, in.CustomerID); err != nil {
				return err
			} else if other != 0 {
				f.Add("customer", "msp.err.customer_taken")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if in.CustomerID == 0 {
			c := &crm.Customer{Name: in.Name, Phone: in.ContactPhone, Email: in.ContactMail, Region: in.Region}
			if e := crm.ValidateCustomer(c); len(e) > 0 {
				var ff fault.Fields
				for k := range e {
					field := map[string]string{"name": "name", "phone": "contact_phone", "email": "contact_email"}[k]
					if field == "" {
						field = "name"
					}
					ff.Add(field, "msp.err.customer_fields")
				}
				return ff.Err()
			}
			if err := crm.SaveCustomer(ctx, tx, c); err != nil {
				return err
			}
			in.CustomerID = c.ID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO msp_clients(customer_id, contact_name, contact_phone, contact_email, notes, created_at,
			updated_at) VALUES(?,?,?,?,?,?,?)`, in.CustomerID, in.ContactName, in.ContactPhone, in.ContactMail, in.Notes, now, now)
		if err != nil {
			if tenantdb.IsUnique(err) {
				if a, _ := web.SentBefore(ctx, tx); a != nil { // this form's own first post, sent twice at once
					return a
				}
				return fault.InvalidField("customer", "msp.err.customer_taken")
			}
			return fmt.Errorf("msp: insert client: %w", err)
		}
		id, _ = res.LastInsertId()
		// The new-client form, sent once: a resend opens the first client.
		if err := web.SpendOnce(ctx, tx, id, "/app/msp/clients/"+strconv.FormatInt(id, 10)+"/"); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "client_created", Summary: fmt.Sprint(id),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name,
			Payload: map[string]any{"client_id": id, "customer_id": in.CustomerID}})
		return err
	})
	return id, err
}

// Sites.

const siteCols = `id, client_id, name, address, access_notes, contact_name, contact_phone, created_at, updated_at`

func scanSite(sc interface{ Scan(...any) error }) (*Site, error) {
	s := &Site{}
	err := sc.Scan(&s.ID, &s.ClientID, &s.Name, &s.Address, &s.AccessNotes, &s.ContactName, &s.ContactPhone, &s.CreatedAt, &s.UpdatedAt)
	return s, err
}

// SiteByID reads one site; tenantdb.ErrNotFound when absent.
func SiteByID(ctx context.Context, q Querier, id int64) (*Site, error) {
	s, err := scanSite(q.QueryRowContext(ctx, `SELECT `+siteCols+` FROM msp_sites WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("msp: read site: %w", err)
	}
	return s, nil
}

// Sites lists sites (of one client when clientID > 0), by client and name.
func Sites(ctx context.Context, q Querier, clientID int64) ([]*Site, error) {
	where, args := `1`, []any{}
	if clientID > 0 {
		where, args = `client_id = ?`, append(args, clientID)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+siteCols+` FROM msp_sites WHERE `+where+` ORDER BY client_id, name, id LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: sites: %w", err)
	}
	defer rows.Close()
	var out []*Site
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			return nil, fmt.Errorf("msp: sites: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(out))
	for _, s := range out {
		ids = append(ids, s.ClientID)
	}
	names, err := clientNames(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, s := range out {
		s.ClientName = names[s.ClientID]
	}
	return out, nil
}

// siteOf reads the site form of site id (0: a new one).
func siteOf(id int64, f url.Values) Site {
	return Site{ID: id, ClientID: formID(f.Get("client")), Name: f.Get("name"), Address: f.Get("address"),
		AccessNotes: f.Get("access_notes"), ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone")}
}

// validateSite tidies s and returns its field errors.
func validateSite(s *Site) fault.Fields {
	var f fault.Fields
	s.Name, s.Address, s.AccessNotes = strings.TrimSpace(s.Name), strings.TrimSpace(s.Address), strings.TrimSpace(s.AccessNotes)
	s.ContactName, s.ContactPhone = strings.TrimSpace(s.ContactName), strings.TrimSpace(s.ContactPhone)
	if n := len([]rune(s.Name)); n == 0 {
		f.Add("name", "validation.required")
	} else if n > 200 {
		f.Add("name", "validation.too_long", 200)
	}
	if len([]rune(s.Address)) > 500 {
		f.Add("address", "validation.too_long", 500)
	}
	if len([]rune(s.AccessNotes)) > 2000 {
		f.Add("access_notes", "validation.too_long", 2000)
	}
	if len([]rune(s.ContactName)) > 200 {
		f.Add("contact_name", "validation.too_long", 200)
	}
	if len(s.ContactPhone) > 40 {
		f.Add("contact_phone", "validation.too_long", 40)
	}
	return f
}

// SaveSite creates (id 0) or updates a site. A site read from its edit form (s.form) first gives
// the boxes sent as the page drew them the stored values, in the same transaction.
func SaveSite(ctx context.Context, db *tenantdb.DB, id int64, s Site, a Actor) (int64, error) {
	f := validateSite(&s)
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if form := s.form; form != nil && id != 0 {
			// The boxes sent as the page drew them take the stored values, read here.
			cur, err := SiteByID(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := web.KeepUntouched(form, map[string]any{"client": pick(ctx, tx, cur.ClientID, clientNames), "name": cur.Name, "address": cur.Address,
				"access_notes": cur.AccessNotes, "contact_name": cur.ContactName, "contact_phone": cur.ContactPhone}); err != nil {
				return err
			}
			s = siteOf(s.ID, form)
			f = validateSite(&s)
		}
		if _, err := ClientByID(ctx, tx, s.ClientID); errors.Is(err, tenantdb.ErrNotFound) {
			f.Add("client", "msp.err.client")
		} else if err != nil {
			return err
		}
		// A site whose devices, tickets or contracts name it stays with its client: moved alone,
		// its devices and tickets would name a site of another client and could no longer be saved.
		if id != 0 {
			if moved, err := siteMovedInUse(ctx, tx, id, s.ClientID); err != nil {
				return err
			} else if moved {
				f.Add("client", "msp.err.site_in_use")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := tenantdb.Now()
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO msp_sites(client_id, name, address, access_notes, contact_name, contact_phone,
				created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)`, s.ClientID, s.Name, s.Address, s.AccessNotes, s.ContactName, s.ContactPhone, now, now)
			if err != nil {
				return fmt.Errorf("msp: insert site: %w", err)
			}
			id, _ = res.LastInsertId()
			// The new-site form, sent once: a resend shows the first site on its client.
			if err := web.SpendOnce(ctx, tx, id, "/app/msp/clients/"+strconv.FormatInt(s.ClientID, 10)+"/#sites-"+strconv.FormatInt(id, 10)); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE msp_sites SET client_id = ?, name = ?, address = ?, access_notes = ?, contact_name = ?,
				contact_phone = ?, updated_at = ? WHERE id = ?`, s.ClientID, s.Name, s.Address, s.AccessNotes, s.ContactName, s.ContactPhone, now, id)
			if err != nil {
				return fmt.Errorf("msp: update site: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return tenantdb.ErrNotFound
			}
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "site_saved", Summary: s.Name,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"site_id": id, "client_id": s.ClientID}})
		return err
	})
	return id, err
}

// siteMovedInUse tells whether saving site id with clientID moves it to another client while its
// devices, tickets or contracts name it (false for a site that is gone: the update says so).
func siteMovedInUse(ctx context.Context, tx *sql.Tx, id, clientID int64) (bool, error) {
	old, err := SiteByID(ctx, tx, id)
	if errors.Is(err, tenantdb.ErrNotFound) || (err == nil && old.ClientID == clientID) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var used bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM msp_devices WHERE site_id = ?1)
		OR EXISTS (SELECT 1 FROM msp_tickets WHERE site_id = ?1) OR EXISTS (SELECT 1 FROM msp_contract_sites WHERE site_id = ?1)`,
		id).Scan(&used); err != nil {
		return false, fmt.Errorf("msp: site in use: %w", err)
	}
	return used, nil
}

// Devices.

const deviceCols = `id, client_id, coalesce(site_id,0), kind, name, make, model, serial, warranty_end, notes, created_at, updated_at`

func scanDevice(sc interface{ Scan(...any) error }) (*Device, error) {
	d := &Device{}
	err := sc.Scan(&d.ID, &d.ClientID, &d.SiteID, &d.Kind, &d.Name, &d.Make, &d.Model, &d.Serial, &d.WarrantyEnd, &d.Notes, &d.CreatedAt, &d.UpdatedAt)
	return d, err
}

// DeviceByID reads one device; tenantdb.ErrNotFound when absent.
func DeviceByID(ctx context.Context, q Querier, id int64) (*Device, error) {
	d, err := scanDevice(q.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM msp_devices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("msp: read device: %w", err)
	}
	return d, nil
}

// Devices lists devices (of one client when clientID > 0; matching q in name, make, model or
// serial), newest first, at most 500.
func Devices(ctx context.Context, q Querier, clientID int64, search string) ([]*Device, error) {
	where, args := `1`, []any{}
	if clientID > 0 {
		where, args = `client_id = ?`, append(args, clientID)
	}
	if s := strings.TrimSpace(search); s != "" {
		where += ` AND (hv_fold(name) LIKE ? ESCAPE '\' OR hv_fold(make) LIKE ? ESCAPE '\' OR hv_fold(model) LIKE ? ESCAPE '\' OR hv_fold(serial) LIKE ? ESCAPE '\')`
		l := foldLike(s)
		args = append(args, l, l, l, l)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+deviceCols+` FROM msp_devices WHERE `+where+` ORDER BY id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: devices: %w", err)
	}
	defer rows.Close()
	var out []*Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("msp: devices: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var cids, sids []int64
	for _, d := range out {
		cids, sids = append(cids, d.ClientID), append(sids, d.SiteID)
	}
	cn, err := clientNames(ctx, q, cids)
	if err != nil {
		return nil, err
	}
	sn, err := siteNames(ctx, q, sids)
	if err != nil {
		return nil, err
	}
	for _, d := range out {
		d.ClientName, d.SiteName = cn[d.ClientID], sn[d.SiteID]
	}
	return out, nil
}

// validateDevice checks a device's fields (references are checked by saveDeviceTx).
func validateDevice(d *Device) fault.Fields {
	var f fault.Fields
	for _, p := range []*string{&d.Kind, &d.Name, &d.Make, &d.Model, &d.Serial, &d.WarrantyEnd, &d.Notes} {
		*p = strings.TrimSpace(*p)
	}
	d.Kind = strings.ToLower(d.Kind)
	if d.Kind == "" {
		d.Kind = "other"
	}
	if !slices.Contains(DeviceKinds, d.Kind) {
		f.Add("kind", "msp.err.kind")
	}
	for _, c := range []struct {
		field, v string
		max      int
	}{{"name", d.Name, 200}, {"make", d.Make, 100}, {"model", d.Model, 100}, {"serial", d.Serial, 100}, {"notes", d.Notes, 2000}} {
		if len([]rune(c.v)) > c.max {
			f.Add(c.field, "validation.too_long", c.max)
		}
	}
	if d.Name == "" && d.Make == "" && d.Model == "" && d.Serial == "" {
		f.Add("name", "msp.err.device_name")
	}
	if d.WarrantyEnd != "" {
		d.WarrantyEnd = i18n.ASCIIDigits(strings.TrimSpace(d.WarrantyEnd))
		if _, err := time.Parse("2006-01-02", d.WarrantyEnd); err != nil {
			f.Add("warranty_end", "msp.err.date")
		} else if !validDay(d.WarrantyEnd) { // a slip on the year: 0001, 9999
			f.Add("warranty_end", "validation.date")
		}
	}
	return f
}

// saveDeviceTx checks the device's client and site and inserts (d.ID 0) or updates it.
func saveDeviceTx(ctx context.Context, tx *sql.Tx, d *Device, f fault.Fields) error {
	if _, err := ClientByID(ctx, tx, d.ClientID); errors.Is(err, tenantdb.ErrNotFound) {
		f.Add("client", "msp.err.client")
	} else if err != nil {
		return err
	}
	if d.SiteID != 0 {
		s, err := SiteByID(ctx, tx, d.SiteID)
		if errors.Is(err, tenantdb.ErrNotFound) {
			f.Add("site", "msp.err.site")
		} else if err != nil {
			return err
		} else if s.ClientID != d.ClientID {
			f.Add("site", "msp.err.site_client")
		}
	}
	if d.ID != 0 {
		if err := deviceMovedInContract(ctx, tx, d, &f); err != nil {
			return err
		}
	}
	if d.Serial != "" {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM msp_devices WHERE serial = ?`, d.Serial).Scan(&other)
		if err == nil && other != d.ID {
			f.Add("serial", "msp.err.serial_taken")
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("msp: serial: %w", err)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := tenantdb.Now()
	if d.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO msp_devices(client_id, site_id, kind, name, make, model, serial, warranty_end, notes,
			created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)`, d.ClientID, nullID(d.SiteID), d.Kind, d.Name, d.Make, d.Model, d.Serial,
			d.WarrantyEnd, d.Notes, now, now)
		if err != nil {
			return fmt.Errorf("msp: insert device: %w", err)
		}
		d.ID, _ = res.LastInsertId()
		d.CreatedAt, d.UpdatedAt = now, now
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE msp_devices SET client_id = ?, site_id = ?, kind = ?, name = ?, make = ?, model = ?, serial = ?,
		warranty_end = ?, notes = ?, updated_at = ? WHERE id = ?`, d.ClientID, nullID(d.SiteID), d.Kind, d.Name, d.Make, d.Model, d.Serial,
		d.WarrantyEnd, d.Notes, now, d.ID)
	if err != nil {
		return fmt.Errorf("msp: update device: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	d.UpdatedAt = now
	return nil
}

// deviceInContractKeys are the refusals of a device's move, by the kind of the contract covering it.
var deviceInContractKeys = map[string]string{
	ContractManaged:     "msp.err.device_in_contract.managed",
	ContractBlock:       "msp.err.device_in_contract.block",
	ContractPerIncident: "msp.err.device_in_contract.per_incident",
}

// deviceMovedInContract refuses, beside the client, saving device d with another client while a
// contract of its client that can still be saved (not ended early) covers it, naming that
// contract: moved alone, the device dropped out of the contract on its next save, as a site would.
func deviceMovedInContract(ctx context.Context, tx *sql.Tx, d *Device, f *fault.Fields) error {
	var kind, starts, ends string
	err := tx.QueryRowContext(ctx, `SELECT c.kind, c.starts_on, c.ends_on FROM msp_devices d
		JOIN msp_contract_devices cd ON cd.device_id = d.id JOIN msp_contracts c ON c.id = cd.contract_id AND c.client_id = d.client_id
		WHERE d.id = ? AND d.client_id != ? AND c.ended_at IS NULL ORDER BY c.ends_on DESC, c.id LIMIT 1`, d.ID, d.ClientID).Scan(&kind, &starts, &ends)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("msp: device in contract: %w", err)
	}
	f.Add("client", deviceInContractKeys[kind], starts+" – "+ends)
	return nil
}

// deviceOf reads the device form of device id (0: a new one).
func deviceOf(id int64, f url.Values) Device {
	return Device{ID: id, ClientID: formID(f.Get("client")), SiteID: formID(f.Get("site")), Kind: f.Get("kind"), Name: f.Get("name"),
		Make: f.Get("make"), Model: f.Get("model"), Serial: f.Get("serial"), WarrantyEnd: f.Get("warranty_end"), Notes: f.Get("notes")}
}

// SaveDevice creates (d.ID 0) or updates a device. A device read from its edit form (d.form)
// first gives the boxes sent as the page drew them the stored values, in the same transaction.
func SaveDevice(ctx context.Context, db *tenantdb.DB, d Device, a Actor) (int64, error) {
	f := validateDevice(&d)
	isNew := d.ID == 0
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if form := d.form; form != nil && !isNew {
			cur, err := DeviceByID(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			if err := web.KeepUntouched(form, map[string]any{"client": pick(ctx, tx, cur.ClientID, clientNames),
				"site": pick(ctx, tx, cur.SiteID, siteOptionNames), "kind": web.Choice{Value: cur.Kind, Prefix: "msp.kind_"}, "name": cur.Name,
				"make": cur.Make, "model": cur.Model, "serial": cur.Serial, "warranty_end": cur.WarrantyEnd, "notes": cur.Notes}); err != nil {
				return err
			}
			d = deviceOf(d.ID, form)
			f = validateDevice(&d)
		}
		if err := saveDeviceTx(ctx, tx, &d, f); err != nil {
			return err
		}
		if isNew { // the new-device form, sent once: a resend lists the first device
			if err := web.SpendOnce(ctx, tx, d.ID, "/app/msp/devices/?client="+strconv.FormatInt(d.ClientID, 10)); err != nil {
				return err
			}
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "device_saved", Summary: d.Label(),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name,
			Payload: map[string]any{"device_id": d.ID, "client_id": d.ClientID, "serial": d.Serial}})
		return err
	})
	return d.ID, err
}
