package api

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/crm"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/msp"
	"highvibe/app/web"
)

// MaxImportBody bounds one import request; MaxImportRows bounds one batch.
const (
	MaxImportBody = 8 << 20
	MaxImportRows = 5000
)

// ParseRows reads an import body: one JSON object, a JSON array of objects, or CSV with a header
// row. Values become strings (numbers keep their JSON spelling); unknown fields are kept and
// reported by the importer. A body it cannot read is a malformed-request fault whose message says
// where it broke (a CSV line, a JSON row and field), in the caller's language.
func ParseRows(contentType string, b []byte) ([]map[string]string, error) {
	rows, _, err := parseTyped(contentType, b)
	return rows, err
}

// parseTyped is ParseRows that also answers, per row, the fields whose value was a JSON number:
// those are machine-written (a decimal point, no grouping) whatever the import's decimal option.
func parseTyped(contentType string, b []byte) ([]map[string]string, []map[string]bool, error) {
	rows, numbers, err := parseRows(contentType, b)
	if err != nil {
		return nil, nil, err
	}
	// Text no form would take: bytes that are not UTF-8 (JSON decoding would quietly replace
	// them) or a NUL (raw in CSV, \u0000 in JSON), in a value or a field name.
	for _, row := range rows {
		for k, v := range row {
			if unreadable(k) || unreadable(v) {
				return nil, nil, errRows("api.err.not_text")
			}
		}
	}
	return rows, numbers, nil
}

func unreadable(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }

func parseRows(contentType string, b []byte) ([]map[string]string, []map[string]bool, error) {
	if !utf8.Valid(b) {
		return nil, nil, errRows("api.err.not_text")
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/csv" {
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = 0
		recs, err := r.ReadAll()
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
				return nil, nil, errRows("api.err.csv_fields", pe.Line)
			case errors.As(err, &pe):
				return nil, nil, errRows("api.err.csv_syntax", pe.Line, pe.Column)
			}
			return nil, nil, errRows("api.err.malformed_rows").Wrap(err)
		}
		if len(recs) < 2 {
			return nil, nil, errRows("api.err.csv_short")
		}
		head := recs[0]
		seen := map[string]bool{}
		for i := range head {
			head[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(head[i], "\ufeff")))
			if head[i] != "" && seen[head[i]] {
				return nil, nil, errRows("api.err.csv_duplicate", head[i]) // one of its values would be dropped
			}
			seen[head[i]] = true
		}
		out := make([]map[string]string, 0, len(recs)-1)
		for n, rec := range recs[1:] {
			m := map[string]string{}
			for i, v := range rec {
				if head[i] == "" {
					// A column without a name: the trailing comma a spreadsheet leaves is ignored;
					// a value under it is a value nobody can say which field it is.
					if strings.TrimSpace(v) != "" {
						return nil, nil, errRows("api.err.csv_unnamed", i+1, n+2)
					}
					continue
				}
				m[head[i]] = v
			}
			out = append(out, m)
		}
		return out, make([]map[string]bool, len(out)), nil
	}
	b = bytes.TrimSpace(b)
	var objs []map[string]json.RawMessage
	switch {
	case len(b) > 0 && b[0] == '[':
		if err := json.Unmarshal(b, &objs); err != nil {
			return nil, nil, jsonRowsErr(err)
		}
	case len(b) > 0 && b[0] == '{':
		var one map[string]json.RawMessage
		if err := json.Unmarshal(b, &one); err != nil {
			return nil, nil, jsonRowsErr(err)
		}
		objs = append(objs, one)
	default:
		return nil, nil, errRows("api.err.malformed_rows")
	}
	out := make([]map[string]string, 0, len(objs))
	numbers := make([]map[string]bool, 0, len(objs))
	for i, o := range objs {
		if o == nil {
			return nil, nil, errRows("api.err.malformed_rows")
		}
		m, num := map[string]string{}, map[string]bool{}
		for k, raw := range o {
			var s string
			if err := json.Unmarshal(raw, &s); err == nil {
				m[k] = s
				continue
			}
			t := strings.TrimSpace(string(raw))
			if t == "null" {
				continue
			}
			if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
				return nil, nil, errRows("api.err.json_value", i+1, k)
			}
			m[k] = t
			num[k] = t != "true" && t != "false"
		}
		out = append(out, m)
		numbers = append(numbers, num)
	}
	return out, numbers, nil
}

// errRows is an import body the importer cannot read (400, code malformed); key says what and
// where in the caller's language.
func errRows(key string, args ...any) *fault.Error {
	return fault.Malformed(key, args...).WithCode("malformed")
}

// jsonRowsErr explains a JSON body that did not decode: broken JSON by where it broke, JSON of
// another shape (a number, an array of strings) as not being rows.
func jsonRowsErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errRows("api.err.json_syntax", se.Offset).Wrap(err)
	}
	return errRows("api.err.malformed_rows").Wrap(err)
}

// rowError is one refused import row (1-based) with its fields' message keys.
type rowError struct {
	Row    int
	Errors map[string]string
}

// rowFault is the problem of a refused batch: one field error per refused field, named
// "<row>.<field>" with rows counted from 1. A message is a catalog key, "key|argument" for a key
// that takes one; anything else (a sentence) is passed through api.row.invalid.
func rowFault(rowErrs []rowError, total int) error {
	var fs fault.Fields
	for _, re := range rowErrs {
		names := make([]string, 0, len(re.Errors))
		for f := range re.Errors {
			names = append(names, f)
		}
		slices.Sort(names)
		for _, f := range names {
			fe := fault.FieldError{Field: strconv.Itoa(re.Row) + "." + f, Key: re.Errors[f]}
			if key, arg, ok := strings.Cut(fe.Key, "|"); ok {
				fe.Key, fe.Args = key, []any{arg}
			}
			if strings.ContainsAny(fe.Key, " ") || !strings.Contains(fe.Key, ".") {
				fe.Key, fe.Args = "api.row.invalid", []any{re.Errors[f]}
			}
			fs = append(fs, fe)
		}
	}
	return &fault.Error{Kind: fault.KindInvalid, Key: "api.err.invalid_rows", Args: []any{len(rowErrs), total}, Fields: fs, Code: "invalid_rows"}
}

// Import is POST /api/v1/{kind} for leads, customers, products, orders, invoices and (the MSP
// module's) devices.
func (h *Handler) Import(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := h.auth(w, r, "import")
		if c == nil {
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxImportBody))
		if err != nil {
			h.fail(w, r, fault.TooLarge("api.err.body_too_large").WithCode("too_large"))
			return
		}
		dec, ok := decimalParam(r)
		if !ok {
			h.fail(w, r, badQuery("api.err.bad_decimal"))
			return
		}
		rows, numbers, err := parseTyped(r.Header.Get("Content-Type"), b)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(rows) > MaxImportRows {
			h.fail(w, r, fault.TooLarge("api.err.too_many_rows").WithCode("too_many_rows"))
			return
		}
		ctx := r.Context()
		// A plain day (2026-03-01) is a day of the business: its zone, as the panel reads it.
		loc, err := hoursdb.Zone(ctx, c.DB.Read)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		var rowErrs []rowError
		var ids []int64
		created, updated := 0, 0
		errInvalid := errors.New("invalid rows")
		err = c.DB.InTx(ctx, func(tx *sql.Tx) error {
			for i, row := range rows {
				id, isNew, fe, err := importRow(ctx, tx, kind, row, numberFormat{json: numbers[i], decimal: dec}, loc, c.Tenant.PhoneRegion(), inbox.LeadSources(h.Inbox.Channels))
				if err != nil {
					return err
				}
				if len(fe) > 0 {
					rowErrs = append(rowErrs, rowError{Row: i + 1, Errors: fe})
					continue
				}
				ids = append(ids, id)
				if isNew {
					created++
				} else {
					updated++
				}
			}
			if len(rowErrs) > 0 {
				return errInvalid // all or nothing
			}
			_, err := audit.Write(ctx, tx, audit.Entry{Provider: "integration_api", ActionType: "import_" + kind,
				Summary: fmt.Sprintf("imported %d %s (%d new, %d updated)", len(ids), kind, created, updated),
				Payload: map[string]any{"api_key_id": c.Key.ID, "ids": ids, "created": created, "updated": updated}})
			return err
		})
		if errors.Is(err, errInvalid) {
			h.fail(w, r, rowFault(rowErrs, len(rows)))
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		status := http.StatusOK
		if created > 0 {
			status = http.StatusCreated
		}
		if ids == nil {
			ids = []int64{}
		}
		web.JSON(w, status, ImportResult{Created: created, Updated: updated, IDs: ids})
	}
}

var known = map[string]map[string]bool{
	"leads":     set("external_id name phone email stage source lost_reason utm_source utm_medium utm_campaign utm_term utm_content consent_version consent_at customer_id customer_external_id"),
	"customers": set("external_id name phone email company city notes"),
	"products":  set("external_id sku name category unit unit_price currency active"),
	"orders":    set("external_id customer_id customer_external_id lead_id lead_external_id status total currency description ordered_at"),
	"invoices":  set("external_id customer_id customer_external_id order_id order_external_id number amount currency status issued_at paid_at"),
	"devices":   set(strings.Join(msp.DeviceImportFields, " ")),
}

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

// importRow validates and stores one row; field problems come back as a map, not an error.
func importRow(ctx context.Context, tx *sql.Tx, kind string, row map[string]string, nf numberFormat, loc *time.Location, region string, sources []string) (int64, bool, map[string]string, error) {
	rr := &rowReader{ctx: ctx, tx: tx, row: row, nf: nf, loc: loc, region: region, fe: map[string]string{}}
	for k := range row {
		if !known[kind][k] {
			rr.fe[k] = "api.row.unknown_field"
		}
	}
	if len(rr.fe) > 0 {
		return 0, false, rr.fe, nil
	}
	switch kind {
	case "leads":
		return importLead(rr, sources)
	case "products":
		return importProduct(rr)
	case "customers":
		return importCustomer(rr)
	case "orders":
		return importOrder(rr)
	case "invoices":
		return importInvoice(rr)
	case "devices":
		return msp.ImportDevice(ctx, tx, row)
	}
	return 0, false, nil, fmt.Errorf("api: unknown import kind %q", kind)
}

// rowReader reads one import row's fields, collecting a field error (an api.row.* catalog key)
// for each value it cannot read.
type rowReader struct {
	ctx context.Context
	tx  *sql.Tx
	row map[string]string
	nf  numberFormat
	loc *time.Location // the business's zone, for plain days
	// region is the business's country, in which a phone written without its code is read.
	region string
	fe     map[string]string
}

func (r *rowReader) str(k string) string { return strings.TrimSpace(r.row[k]) }

// num reads a number (numbers.go); empty is 0.
func (r *rowReader) num(k string) float64 {
	v := r.str(k)
	if v == "" {
		return 0
	}
	f, key := r.nf.read(v, r.nf.json[k])
	if key != "" {
		r.fe[k] = key
		return 0
	}
	return f
}

// bool reads a yes or no the way spreadsheets and programs write it (true/false in any case, as
// Excel's CSV writes TRUE and FALSE; yes/no; 1/0); empty is def. Another word is a field error,
// never read as yes.
func (r *rowReader) bool(k string, def bool) bool {
	switch strings.ToLower(r.str(k)) {
	case "":
		return def
	case "true", "yes", "1":
		return true
	case "false", "no", "0":
		return false
	}
	r.fe[k] = "api.row.bool"
	return def
}

// date reads RFC 3339 or a CRM date as Unix ms; empty is 0.
func (r *rowReader) date(k string) int64 {
	v := r.str(k)
	if v == "" {
		return 0
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		if !crm.BusinessYear(t) {
			r.fe[k] = "api.row.date"
			return 0
		}
		return t.UnixMilli()
	}
	ms, ok := crm.ParseDate(v, r.loc)
	if !ok {
		r.fe[k] = "api.row.date"
	}
	return ms
}

// ref reads a reference to a row of table by its id or by its external id; none is 0.
func (r *rowReader) ref(idField, extField, table string) int64 {
	if v := r.str(idField); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 || !rowExists(r.ctx, r.tx, table, id) {
			r.fe[idField] = "api.row.unknown_id"
			return 0
		}
		return id
	}
	if v := r.str(extField); v != "" {
		id := idByExternal(r.ctx, r.tx, table, v)
		if id == 0 {
			r.fe[extField] = "api.row.unknown_external_id"
		}
		return id
	}
	return 0
}

func importLead(r *rowReader, sources []string) (int64, bool, map[string]string, error) {
	l := leadRow{ExternalID: r.str("external_id"), Name: r.str("name"), Phone: r.str("phone"), Region: r.region, Email: channel.LowerEmail(r.str("email")), Stage: r.str("stage"),
		Source: r.str("source"), LostReason: r.str("lost_reason"), ConsentVersion: r.str("consent_version"), ConsentAt: r.date("consent_at"),
		UTM:        [5]string{r.str("utm_source"), r.str("utm_medium"), r.str("utm_campaign"), r.str("utm_term"), r.str("utm_content")},
		CustomerID: r.ref("customer_id", "customer_external_id", "customers")}
	for k, v := range validateLead(&l, sources) {
		r.fe[k] = v
	}
	if len(r.fe) > 0 {
		return 0, false, r.fe, nil
	}
	id, isNew, err := upsertLead(r.ctx, r.tx, &l)
	return id, isNew, nil, err
}

func importProduct(r *rowReader) (int64, bool, map[string]string, error) {
	p := productRow{ExternalID: r.str("external_id"), SKU: r.str("sku"), Name: r.str("name"), Category: r.str("category"), Unit: r.str("unit"),
		UnitPrice: r.num("unit_price"), Currency: strings.ToUpper(r.str("currency")), Active: r.bool("active", true)}
	for k, v := range validateProduct(&p) {
		r.fe[k] = v
	}
	if len(r.fe) > 0 {
		return 0, false, r.fe, nil
	}
	id, isNew, err := upsertProduct(r.ctx, r.tx, &p)
	if fe := fault.FieldKeys(err); fault.KindOf(err) == fault.KindInvalid && len(fe) > 0 {
		// Refused before anything of the row was written (a product's unit while stock is on
		// hand in it): the row's error, like a validation's.
		for k, v := range fe {
			r.fe[k] = v
		}
		return 0, false, r.fe, nil
	}
	return id, isNew, nil, err
}

func importCustomer(r *rowReader) (int64, bool, map[string]string, error) {
	cu := &crm.Customer{ExternalID: r.str("external_id"), Name: r.str("name"), Phone: r.str("phone"), Email: r.str("email"), Company: r.str("company"), City: r.str("city"), Notes: r.str("notes"),
		Region: r.region}
	isNew, err := crm.UpsertCustomer(r.ctx, r.tx, cu)
	return crmResult(cu.ID, isNew, err, r.fe)
}

func importOrder(r *rowReader) (int64, bool, map[string]string, error) {
	o := &crm.Order{ExternalID: r.str("external_id"), CustomerID: r.ref("customer_id", "customer_external_id", "customers"),
		LeadID: r.ref("lead_id", "lead_external_id", "leads"), Status: r.str("status"), Total: r.num("total"), Currency: r.str("currency"),
		Description: r.str("description"), OrderedAt: r.date("ordered_at")}
	if len(r.fe) > 0 {
		return 0, false, r.fe, nil
	}
	if o.OrderedAt == 0 {
		o.OrderedAt = time.Now().UnixMilli()
	}
	isNew, err := crm.UpsertOrder(r.ctx, r.tx, o)
	return crmResult(o.ID, isNew, err, r.fe)
}

func importInvoice(r *rowReader) (int64, bool, map[string]string, error) {
	v := &crm.Invoice{ExternalID: r.str("external_id"), CustomerID: r.ref("customer_id", "customer_external_id", "customers"),
		OrderID: r.ref("order_id", "order_external_id", "orders"), Number: r.str("number"), Amount: r.num("amount"), Currency: r.str("currency"),
		Status: r.str("status"), IssuedAt: r.date("issued_at"), PaidAt: r.date("paid_at")}
	if len(r.fe) > 0 {
		return 0, false, r.fe, nil
	}
	if v.IssuedAt == 0 {
		v.IssuedAt = time.Now().UnixMilli()
	}
	isNew, err := crm.UpsertInvoice(r.ctx, r.tx, v)
	return crmResult(v.ID, isNew, err, r.fe)
}

// crmResult maps the CRM room's validation and reference errors to row errors.
func crmResult(id int64, isNew bool, err error, fe map[string]string) (int64, bool, map[string]string, error) {
	var ve *crm.ValidationError
	var br *crm.ErrBadReference
	switch {
	case errors.As(err, &ve):
		for k, v := range ve.Fields {
			fe[k] = v // a crm.err.* catalog key
		}
		return 0, false, fe, nil
	case errors.As(err, &br):
		fe[br.Field] = "crm.err.reference"
		return 0, false, fe, nil
	case err != nil:
		return 0, false, nil, err
	}
	return id, isNew, nil, nil
}

// AddMessage is POST /api/v1/conversations/{id}/messages: log a call, an email or a note. An
// inbound message goes the customer's way (the assistant may answer); an outbound or system one
// only records what was said elsewhere: it is never handed to the conversation's channel, so an
// e-mail the business sent from its own mailbox does not reach the customer a second time.
func (h *Handler) AddMessage(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "import")
	if c == nil {
		return
	}
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in, err := readMessageRequest(http.MaxBytesReader(w, r.Body, 256<<10))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		text = strings.TrimSpace(in.Body)
	}
	if in.Direction == "" {
		in.Direction = "inbound"
	}
	switch {
	case unreadable(text):
		h.fail(w, r, errRows("api.err.not_text"))
		return
	case text == "":
		h.fail(w, r, fault.InvalidField("text", "api.err.text_required").WithCode("text_required"))
		return
	case len([]rune(text)) > 65536:
		h.fail(w, r, fault.TooLarge("api.err.text_too_long").WithCode("too_long"))
		return
	case in.Direction != "inbound" && in.Direction != "outbound" && in.Direction != "system":
		h.fail(w, r, fault.InvalidField("direction", "api.err.bad_direction").WithCode("bad_direction"))
		return
	case unreadable(in.Author):
		h.fail(w, r, errRows("api.err.not_text"))
		return
	case len([]rune(strings.TrimSpace(in.Author))) > maxAuthor:
		h.fail(w, r, fault.InvalidField("author", "api.err.author_too_long", maxAuthor).WithCode("author_too_long"))
		return
	}
	conv, err := inbox.ConversationByID(ctx, c.DB.Read, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var msgID int64
	if in.Direction == "inbound" {
		lead, err := inbox.LeadByID(ctx, c.DB.Read, conv.LeadID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ext := conv.ExternalID
		if ext == "" {
			ext = "api-conversation-" + strconv.FormatInt(conv.ID, 10)
		}
		res, err := h.Inbox.Ingest(ctx, c.Tenant.Slug, c.DB, inbox.Inbound{Channel: conv.Channel, ExternalID: ext, Name: lead.Name, Phone: lead.Phone, Region: c.Tenant.PhoneRegion(),
			Email: lead.Email, Body: text})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		msgID = res.MessageID
	} else {
		kind := "user"
		if in.Direction == "system" {
			kind = "system"
		}
		name := strings.TrimSpace(in.Author)
		if name == "" {
			name = "API"
		}
		msgID, err = h.Inbox.AddMessage(ctx, c.Tenant.Slug, c.DB, conv.ID, inbox.Outgoing{Direction: in.Direction, AuthorKind: kind, AuthorName: name, Body: text, Logged: true}, "integration_api")
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	web.JSON(w, http.StatusCreated, AddMessageResult{ConversationID: conv.ID, MessageID: msgID})
}

// maxAuthor bounds the author of a logged message, as a person's name is bounded elsewhere.
const maxAuthor = 200

// readMessageRequest reads the body of POST /api/v1/conversations/{id}/messages strictly, as the
// OpenAPI document describes it: one JSON object of the request's fields and nothing after it. A
// field it does not know is refused by name (a misspelt "direction" would otherwise log an
// outbound e-mail as the customer's message), not dropped.
func readMessageRequest(body io.Reader) (AddMessageRequest, error) {
	var in AddMessageRequest
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(&in)
	if field, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok {
		field, _ = strconv.Unquote(field)
		return in, fault.InvalidField(field, "api.err.unknown_message_field", field).WithCode("unknown_field")
	}
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	if err != nil {
		return in, fault.Malformed("api.err.malformed_message").WithCode("malformed").Wrap(err)
	}
	return in, nil
}
