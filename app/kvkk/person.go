package kvkk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"highvibe/app/erasure"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// Person is everything the business keeps about one person, as the data export gives it: the
// lead, the customer record it is linked to, every conversation with every message, and the
// records made for them in the other rooms. Times are Unix milliseconds in the JSON (the HTML
// summary shows them in the business's zone). This file is a read model (app/ownership): it reads
// other rooms' tables and writes none.
type Person struct {
	Lead          Lead           `json:"lead"`
	Merged        []Lead         `json:"merged_leads"` // leads merged into this one: their own details and records are hers too
	Customer      *Customer      `json:"customer,omitempty"`
	Conversations []Conversation `json:"conversations"`
	Files         []File         `json:"files"`
	Orders        []Order        `json:"orders"`
	Invoices      []Invoice      `json:"invoices"`
	Quotes        []Quote        `json:"quotes"`
	Visits        []Visit        `json:"site_visits"`
	Repairs       []Repair       `json:"repair_requests"`
	Tickets       []Ticket       `json:"tickets"`
	Drafts        []Draft        `json:"assistant_proposals"`
	Ads           *Ads           `json:"ad_tracking,omitempty"`
	Events        []AdEvent      `json:"conversion_events"`
	LogRows       int            `json:"action_log_rows"`
}

// Lead is the person as a lead (or one of the leads merged into it).
type Lead struct {
	ID             int64             `json:"id"`
	Name           string            `json:"name"`
	Phone          string            `json:"phone"`
	Email          string            `json:"email"`
	Stage          string            `json:"stage"`
	Source         string            `json:"source"`
	ConsentVersion string            `json:"consent_version"`
	ConsentAt      int64             `json:"consent_at"`
	UTM            map[string]string `json:"utm"`
	CreatedAt      int64             `json:"created_at"`
}

// Customer is the CRM record the lead is linked to.
type Customer struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Company string `json:"company"`
	City    string `json:"city"`
	Notes   string `json:"notes"`
}

// Conversation is one thread with the person.
type Conversation struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel"`
	State     string    `json:"state"`
	CreatedAt int64     `json:"created_at"`
	Messages  []Message `json:"messages"`
}

// Message is one message of a conversation.
type Message struct {
	At        int64  `json:"at"`
	Direction string `json:"direction"`
	Author    string `json:"author"`
	Kind      string `json:"kind"`
	Body      string `json:"body"`
	// AppLanguage is the language the person's messenger app was set to when they sent it, as the
	// channel reported it (Telegram: "ru"); the assistant greets and answers in it.
	AppLanguage string `json:"app_language,omitempty"`
	// Event, on a note the product wrote into the conversation (a recommendation approved, a quote
	// opened, the bot blocked), is what happened, as a code; its body is then only the note's
	// reason, often empty. EventBy is who it names (the person deciding, the customer). The
	// summary page words them (words.Event) as the conversation page does.
	Event   string `json:"event,omitempty"`
	EventBy string `json:"event_by,omitempty"`
}

// EventParams are the parameters the words of m's Event take (words.Event).
func (m Message) EventParams() map[string]string { return map[string]string{"actor": m.EventBy} }

// File is a photo or file of the person's conversations (the bytes are on the person's files page).
type File struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Size      int64  `json:"size"`
	CreatedAt int64  `json:"created_at"`
}

// Order is an order of the person (by lead or by linked customer).
type Order struct {
	ID          int64   `json:"id"`
	Status      string  `json:"status"`
	Total       float64 `json:"total"`
	Currency    string  `json:"currency"`
	Description string  `json:"description"`
	OrderedAt   int64   `json:"ordered_at"`
}

// Invoice is an invoice of the linked customer.
type Invoice struct {
	ID       int64   `json:"id"`
	Number   string  `json:"number"`
	Status   string  `json:"status"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	IssuedAt int64   `json:"issued_at"`
}

// Quote is a written quote for the person.
type Quote struct {
	ID         int64  `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	GrandTotal int64  `json:"grand_total_minor"`
	Currency   string `json:"currency"`
	CreatedAt  int64  `json:"created_at"`
}

// Visit is a site visit at the person's.
type Visit struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	StartsAt int64  `json:"starts_at"`
	Address  string `json:"address"`
	Note     string `json:"note"`
}

// Repair is a repair request of the person.
type Repair struct {
	ID          int64  `json:"id"`
	Status      string `json:"status"`
	Description string `json:"description"`
	CreatedAt   int64  `json:"created_at"`
}

// Ticket is an MSP ticket the person opened.
type Ticket struct {
	Number      int64  `json:"number"`
	Subject     string `json:"subject"`
	Description string `json:"description"`
	Status      string `json:"status"`
	CreatedAt   int64  `json:"created_at"`
}

// Draft is something the assistant proposed about the person and a person decided.
type Draft struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Draft     string `json:"draft"`
	CreatedAt int64  `json:"created_at"`
}

// Ads is what conversion tracking captured when the person arrived from an ad (with their consent).
type Ads struct {
	ClickIDs    map[string]string `json:"click_ids"`
	UTM         map[string]string `json:"utm"`
	PageURL     string            `json:"page_url"`
	Consent     string            `json:"marketing_consent_version"`
	ConsentAt   int64             `json:"marketing_consent_at"`
	WithdrawnAt int64             `json:"withdrawn_at"`
}

// AdEvent is a conversion event made about the person (what may be sent to an ad platform).
type AdEvent struct {
	ID         int64  `json:"-"`
	Name       string `json:"name"`
	ValueMinor int64  `json:"value_minor"`
	Currency   string `json:"currency"`
	At         int64  `json:"at"`
	HashedData bool   `json:"hashed_contact_data"`
	// Deliveries are the event's deliveries to ad platforms: which third party received it (status
	// sent, at SentAt) or was to (queued, failed); none when it was never to be sent (no consent,
	// no platform switched on).
	Deliveries []AdDelivery `json:"deliveries"`
}

// AdDelivery is one conversion event's delivery to one ad platform.
type AdDelivery struct {
	Platform string `json:"platform"` // meta, google, tiktok
	Status   string `json:"status"`   // sent, queued, failed
	SentAt   int64  `json:"sent_at,omitempty"`
	Test     bool   `json:"test_event,omitempty"` // sent as the platform's test event
	Reason   string `json:"failure_reason,omitempty"`
}

// AdDeliveries counts the deliveries of all the person's conversion events.
func (p *Person) AdDeliveries() int {
	n := 0
	for _, e := range p.Events {
		n += len(e.Deliveries)
	}
	return n
}

// AdsSent says whether any of the person's data reached an ad platform.
func (p *Person) AdsSent() bool {
	for _, e := range p.Events {
		for _, d := range e.Deliveries {
			if d.Status == "sent" {
				return true
			}
		}
	}
	return false
}

// each runs q and calls fn for every row.
func each(ctx context.Context, db *sql.DB, q string, args []any, fn func(*sql.Rows) error) error {
	return tenantdb.EachRow(ctx, db, q, args, fn)
}

// readLead reads one lead and the customer it is linked to (0: none).
func readLead(ctx context.Context, r *sql.DB, id int64) (l Lead, custID int64, err error) {
	var us, um, uc, ut, uco string
	err = r.QueryRowContext(ctx, `SELECT id, name, phone, email, stage, source, consent_version, coalesce(consent_at,0), utm_source, utm_medium,
		utm_campaign, utm_term, utm_content, coalesce(customer_id,0), created_at FROM leads WHERE id = ?`, id).
		Scan(&l.ID, &l.Name, &l.Phone, &l.Email, &l.Stage, &l.Source, &l.ConsentVersion, &l.ConsentAt, &us, &um, &uc, &ut, &uco, &custID, &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, 0, tenantdb.ErrNotFound
	}
	if err != nil {
		return l, 0, fmt.Errorf("kvkk: person: %w", err)
	}
	l.UTM = map[string]string{}
	for k, v := range map[string]string{"source": us, "medium": um, "campaign": uc, "term": ut, "content": uco} {
		if v != "" {
			l.UTM[k] = v
		}
	}
	return l, custID, nil
}

// Load reads everything about lead leadID, and about every lead merged into it (inbox.MergeLeads
// moves only the conversations: a merged lead keeps its own details, quotes, visits, files,
// tickets, proposals, ad clicks and conversion events, and they belong to the same person).
func Load(ctx context.Context, db *tenantdb.DB, leadID int64) (*Person, error) {
	r := db.Read
	p := &Person{}
	var custID int64
	var err error
	if p.Lead, custID, err = readLead(ctx, r, leadID); err != nil {
		return nil, err
	}
	family, err := inbox.LeadFamily(ctx, r, leadID)
	if err != nil {
		return nil, fmt.Errorf("kvkk: person: %w", err)
	}
	for _, id := range family[1:] {
		m, _, err := readLead(ctx, r, id)
		if err != nil {
			return nil, err
		}
		p.Merged = append(p.Merged, m)
	}
	// The family as a list for IN (...): integers read from the database, not input.
	ids := make([]string, len(family))
	for i, id := range family {
		ids[i] = strconv.FormatInt(id, 10)
	}
	in := strings.Join(ids, ",")
	if custID > 0 {
		c := &Customer{ID: custID}
		if err := r.QueryRowContext(ctx, `SELECT name, phone, email, company, city, notes FROM customers WHERE id = ?`, custID).
			Scan(&c.Name, &c.Phone, &c.Email, &c.Company, &c.City, &c.Notes); err == nil {
			p.Customer = c
		}
	}
	fail := func(what string, err error) error { return fmt.Errorf("kvkk: person %s: %w", what, err) }
	if err := each(ctx, r, `SELECT id, channel, state, created_at FROM conversations WHERE lead_id IN (`+in+`) ORDER BY id`, nil, func(rs *sql.Rows) error {
		var c Conversation
		if err := rs.Scan(&c.ID, &c.Channel, &c.State, &c.CreatedAt); err != nil {
			return err
		}
		p.Conversations = append(p.Conversations, c)
		return nil
	}); err != nil {
		return nil, fail("conversations", err)
	}
	for i := range p.Conversations {
		c := &p.Conversations[i]
		if err := each(ctx, r, `SELECT created_at, direction, author_kind, kind, body,
			CASE WHEN json_valid(annotations) THEN coalesce(json_extract(annotations, '$.channel.`+inbox.NoteLanguage+`'), '') ELSE '' END,
			CASE WHEN json_valid(annotations) THEN coalesce(json_extract(annotations, '$.event'), '') ELSE '' END,
			CASE WHEN json_valid(annotations) THEN coalesce(json_extract(annotations, '$.params.actor'), '') ELSE '' END
			FROM messages WHERE conversation_id = ? ORDER BY id`, []any{c.ID}, func(rs *sql.Rows) error {
			var m Message
			if err := rs.Scan(&m.At, &m.Direction, &m.Author, &m.Kind, &m.Body, &m.AppLanguage, &m.Event, &m.EventBy); err != nil {
				return err
			}
			c.Messages = append(c.Messages, m)
			return nil
		}); err != nil {
			return nil, fail("messages", err)
		}
	}
	steps := []struct {
		what string
		q    string
		args []any
		scan func(*sql.Rows) error
	}{
		{"files", `SELECT id, filename, kind, size, created_at FROM attachments WHERE lead_id IN (` + in + `) ORDER BY id`, nil, func(rs *sql.Rows) error {
			var f File
			err := rs.Scan(&f.ID, &f.Name, &f.Kind, &f.Size, &f.CreatedAt)
			p.Files = append(p.Files, f)
			return err
		}},
		{"orders", `SELECT id, status, total, currency, description, ordered_at FROM orders WHERE lead_id IN (` + in + `) OR (?1 > 0 AND customer_id = ?1) ORDER BY id`, []any{custID}, func(rs *sql.Rows) error {
			var o Order
			err := rs.Scan(&o.ID, &o.Status, &o.Total, &o.Currency, &o.Description, &o.OrderedAt)
			p.Orders = append(p.Orders, o)
			return err
		}},
		{"invoices", `SELECT id, number, status, amount, currency, issued_at FROM invoices WHERE ?1 > 0 AND customer_id = ?1 ORDER BY id`, []any{custID}, func(rs *sql.Rows) error {
			var v Invoice
			err := rs.Scan(&v.ID, &v.Number, &v.Status, &v.Amount, &v.Currency, &v.IssuedAt)
			p.Invoices = append(p.Invoices, v)
			return err
		}},
		{"quotes", `SELECT id, number, status, grand_total, currency, created_at FROM quotes WHERE lead_id IN (` + in + `) ORDER BY id`, nil, func(rs *sql.Rows) error {
			var q Quote
			err := rs.Scan(&q.ID, &q.Number, &q.Status, &q.GrandTotal, &q.Currency, &q.CreatedAt)
			p.Quotes = append(p.Quotes, q)
			return err
		}},
		{"visits", `SELECT id, status, starts_at, address, note FROM site_visits WHERE lead_id IN (` + in + `) ORDER BY id`, nil, func(rs *sql.Rows) error {
			var v Visit
			err := rs.Scan(&v.ID, &v.Status, &v.StartsAt, &v.Address, &v.Note)
			p.Visits = append(p.Visits, v)
			return err
		}},
		{"repairs", `SELECT id, status, description, created_at FROM repair_requests WHERE lead_id IN (` + in + `) OR (?1 > 0 AND customer_id = ?1) ORDER BY id`, []any{custID}, func(rs *sql.Rows) error {
			var x Repair
			err := rs.Scan(&x.ID, &x.Status, &x.Description, &x.CreatedAt)
			p.Repairs = append(p.Repairs, x)
			return err
		}},
		{"tickets", `SELECT number, subject, description, status, created_at FROM msp_tickets WHERE lead_id IN (` + in + `) ORDER BY id`, nil, func(rs *sql.Rows) error {
			var t Ticket
			err := rs.Scan(&t.Number, &t.Subject, &t.Description, &t.Status, &t.CreatedAt)
			p.Tickets = append(p.Tickets, t)
			return err
		}},
		{"recommendations", `SELECT id, action_type, status, draft_reply, created_at FROM decision_recommendations WHERE lead_id IN (` + in + `) ORDER BY id`, nil, func(rs *sql.Rows) error {
			var d Draft
			err := rs.Scan(&d.ID, &d.Kind, &d.Status, &d.Draft, &d.CreatedAt)
			p.Drafts = append(p.Drafts, d)
			return err
		}},
	}
	for _, st := range steps {
		if err := each(ctx, r, st.q, st.args, st.scan); err != nil {
			return nil, fail(st.what, err)
		}
	}
	a := &Ads{ClickIDs: map[string]string{}, UTM: map[string]string{}}
	var gclid, gbraid, wbraid, fbclid, fbc, fbp, ttclid, aus, aum, auc, aut, auco string
	err = r.QueryRowContext(ctx, `SELECT gclid, gbraid, wbraid, fbclid, fbc, fbp, ttclid, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
		page_url, marketing_consent_version, marketing_consent_at, coalesce(withdrawn_at,0) FROM lead_attribution WHERE lead_id IN (`+in+`)
		ORDER BY lead_id <> ?, lead_id LIMIT 1`, leadID).
		Scan(&gclid, &gbraid, &wbraid, &fbclid, &fbc, &fbp, &ttclid, &aus, &aum, &auc, &aut, &auco, &a.PageURL, &a.Consent, &a.ConsentAt, &a.WithdrawnAt)
	switch {
	case err == nil:
		for k, v := range map[string]string{"gclid": gclid, "gbraid": gbraid, "wbraid": wbraid, "fbclid": fbclid, "fbc": fbc, "fbp": fbp, "ttclid": ttclid} {
			if v != "" {
				a.ClickIDs[k] = v
			}
		}
		for k, v := range map[string]string{"source": aus, "medium": aum, "campaign": auc, "term": aut, "content": auco} {
			if v != "" {
				a.UTM[k] = v
			}
		}
		p.Ads = a
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fail("ad tracking", err)
	}
	if err := each(ctx, r, `SELECT id, name, value_minor, currency, event_time, (em_hash <> '' OR ph_hash <> '' OR fn_hash <> '') FROM conversion_events
		WHERE lead_id IN (`+in+`) ORDER BY event_time, id`, nil, func(rs *sql.Rows) error {
		e := AdEvent{Deliveries: []AdDelivery{}}
		err := rs.Scan(&e.ID, &e.Name, &e.ValueMinor, &e.Currency, &e.At, &e.HashedData)
		p.Events = append(p.Events, e)
		return err
	}); err != nil {
		return nil, fail("conversion events", err)
	}
	for i := range p.Events {
		e := &p.Events[i]
		if err := each(ctx, r, `SELECT destination, status, coalesce(sent_at,0), test, reason FROM conversion_deliveries WHERE event_id = ? ORDER BY id`,
			[]any{e.ID}, func(rs *sql.Rows) error {
				var d AdDelivery
				err := rs.Scan(&d.Platform, &d.Status, &d.SentAt, &d.Test, &d.Reason)
				e.Deliveries = append(e.Deliveries, d)
				return err
			}); err != nil {
			return nil, fail("conversion deliveries", err)
		}
	}
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM action_logs WHERE conversation_id IN (SELECT id FROM conversations WHERE lead_id IN (`+in+`))`).Scan(&p.LogRows); err != nil {
		return nil, fail("log", err)
	}
	return p, nil
}

// Messages counts every message of the person's conversations.
func (p *Person) Messages() int {
	n := 0
	for _, c := range p.Conversations {
		n += len(c.Messages)
	}
	return n
}

// AddCustomer adds the linked customer's name, phone and e-mail to the person to erase: the CRM
// record may know them by a fuller name or a second number the lead never gave.
func AddCustomer(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, s *erasure.Subject) error {
	if s.CustomerID == 0 {
		return nil
	}
	var name, phone, e164, email string
	err := q.QueryRowContext(ctx, `SELECT name, phone, phone_e164, email FROM customers WHERE id = ?`, s.CustomerID).Scan(&name, &phone, &e164, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("kvkk: customer: %w", err)
	}
	for _, v := range []string{name} {
		if v != "" {
			s.Names = append(s.Names, v)
		}
	}
	for _, v := range []string{phone, e164} {
		if v != "" {
			s.Phones = append(s.Phones, v)
		}
	}
	if email != "" {
		s.Emails = append(s.Emails, email)
	}
	return nil
}

// AddFormer adds to the person to erase the numbers and e-mail addresses the lead had before a
// person changed them on the lead page: the action log's row of each change keeps the one before
// (and the one after), and they are the person's as much as the present ones.
func AddFormer(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, s *erasure.Subject) error {
	rs, err := q.QueryContext(ctx, `SELECT coalesce(json_extract(payload, '$.before.phone'), ''), coalesce(json_extract(payload, '$.before.phone_e164'), ''),
		coalesce(json_extract(payload, '$.before.email'), '') FROM action_logs
		WHERE provider = 'lead_pipeline' AND action_type IN ('lead_phone_set', 'lead_email_set') AND json_extract(payload, '$.lead_id') = ?`, s.LeadID)
	if err != nil {
		return fmt.Errorf("kvkk: former numbers and addresses: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var phone, e164, email string
		if err := rs.Scan(&phone, &e164, &email); err != nil {
			return fmt.Errorf("kvkk: former numbers and addresses: %w", err)
		}
		for _, v := range []string{phone, e164} {
			if v != "" {
				s.Phones = append(s.Phones, v)
			}
		}
		if email != "" {
			s.Emails = append(s.Emails, email)
		}
	}
	return rs.Err()
}
