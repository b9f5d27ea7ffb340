package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"highvibe/app/fault"
)

// DeviceImportFields are the columns a device import row may carry (POST /api/v1/devices).
var DeviceImportFields = []string{"client_id", "client", "site_id", "site", "kind", "name", "make", "model", "serial", "warranty_end", "notes"}

// ImportDevice validates one import row and stores it inside tx: a row whose serial names a
// device already there updates that device, any other row creates one. The client is named by
// client_id or by client (its exact name); the site by site_id or by site (its name at that
// client). Field problems come back as field → catalog key, with nothing stored for the row (the
// caller rolls the whole batch back when any row fails).
func ImportDevice(ctx context.Context, tx *sql.Tx, row map[string]string) (int64, bool, map[string]string, error) {
	get := func(k string) string { return strings.TrimSpace(row[k]) }
	fe := map[string]string{}
	d := Device{Kind: get("kind"), Name: get("name"), Make: get("make"), Model: get("model"), Serial: get("serial"),
		WarrantyEnd: get("warranty_end"), Notes: get("notes")}
	switch {
	case get("client_id") != "":
		id, err := strconv.ParseInt(get("client_id"), 10, 64)
		if err != nil || id <= 0 {
			fe["client_id"] = "msp.err.client"
			break
		}
		if _, err := ClientByID(ctx, tx, id); err != nil {
			fe["client_id"] = "msp.err.client"
			break
		}
		d.ClientID = id
	case get("client") != "":
		id, err := clientByName(ctx, tx, get("client"))
		if err != nil {
			return 0, false, nil, err
		}
		if id <= 0 {
			fe["client"] = map[bool]string{true: "msp.err.client_ambiguous", false: "msp.err.client"}[id < 0]
			break
		}
		d.ClientID = id
	default:
		fe["client_id"] = "msp.err.client_required"
	}
	if d.ClientID != 0 {
		switch {
		case get("site_id") != "":
			id, err := strconv.ParseInt(get("site_id"), 10, 64)
			if err != nil || id <= 0 {
				fe["site_id"] = "msp.err.site"
			} else {
				d.SiteID = id
			}
		case get("site") != "":
			err := tx.QueryRowContext(ctx, `SELECT id FROM msp_sites WHERE client_id = ? AND name = ? COLLATE NOCASE ORDER BY id LIMIT 1`,
				d.ClientID, get("site")).Scan(&d.SiteID)
			if errors.Is(err, sql.ErrNoRows) {
				fe["site"] = "msp.err.site"
			} else if err != nil {
				return 0, false, nil, fmt.Errorf("msp: import site: %w", err)
			}
		}
	}
	f := validateDevice(&d)
	if d.Serial != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM msp_devices WHERE serial = ?`, d.Serial).Scan(&d.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil, fmt.Errorf("msp: import serial: %w", err)
		}
	}
	isNew := d.ID == 0
	if len(fe) == 0 && len(f) == 0 {
		err := saveDeviceTx(ctx, tx, &d, f)
		if fe2 := fault.As(err); fe2 != nil && len(fe2.Fields) > 0 {
			f = fe2.Fields
		} else if err != nil {
			return 0, false, nil, err
		}
	}
	for _, e := range f {
		if _, ok := fe[e.Field]; ok {
			continue
		}
		key := e.Key
		if len(e.Args) == 1 {
			key += "|" + fmt.Sprint(e.Args[0])
		}
		field := e.Field
		if field == "client" {
			field = "client_id"
		} else if field == "site" && get("site_id") != "" {
			field = "site_id"
		}
		fe[field] = key
	}
	if len(fe) > 0 {
		return 0, false, fe, nil
	}
	return d.ID, isNew, nil, nil
}

// clientByName finds the client whose customer is called name (case-insensitive): its id, 0 when
// none, -1 when several are.
func clientByName(ctx context.Context, q Querier, name string) (int64, error) {
	ids, err := clientsNamed(ctx, q, name)
	if err != nil {
		return 0, err
	}
	switch len(ids) {
	case 0:
		return 0, nil
	case 1:
		return ids[0], nil
	}
	return -1, nil
}
