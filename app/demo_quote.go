package app

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/channels"
	"highvibe/app/crm"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/quotes"
	"highvibe/app/tenantdb"
)

// demoQuoteOrigin is the origin of the demo quote's link in its message when the server has
// neither a base URL (serve --base-url) nor an address it listens on (a server not started, as in
// tests): serve's default address.
const demoQuoteOrigin = "http://localhost:8080"

// seedDemoQuote writes one quote through the quotes room as Talha would: a draft on scenario D's
// widget conversation (the garden measured yesterday, demo_data.go), two catalog lines, asked for
// approval, approved in the queue, sent with its link; the lead moves to the proposal stage. It
// tolerates a demo without that lead.
func seedDemoQuote(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	convID, err := demoScenarioDConversation(ctx, db)
	if err != nil || convID == 0 {
		return err
	}
	u, err := s.Platform.UserByUsername(ctx, DemoUser)
	if err != nil {
		return fmt.Errorf("demo quote: %w", err)
	}
	a := quotes.Actor{UserID: u.ID, Name: DemoUserName}
	products, err := crm.Products(ctx, db, true)
	if err != nil {
		return err
	}
	granite, andesite := demoProductID(products, "GRN-KUP-GRI"), demoProductID(products, "AND-PLAKA-3")
	if granite == "" || andesite == "" {
		return nil
	}
	q, err := quotes.Create(ctx, db, convID, a, quotes.Defaults{Currency: "TRY", Language: "tr"})
	if err != nil {
		return fmt.Errorf("demo quote: %w", err)
	}
	money := quotes.MoneyIn("tr")
	in := quotes.Input{Language: q.Language, CustomerName: q.CustomerName, ValidUntil: time.Now().AddDate(0, 0, 15).UTC().Format("2006-01-02"),
		Note: "Keşif sonrası ölçülere göre hazırlanmıştır; nakliye dahildir.",
		Lines: []quotes.LineInput{
			{Kind: "product", ProductID: granite, Quantity: "165", VAT: "20"},
			{Kind: "product", ProductID: andesite, Quantity: "18", Discount: "5", VAT: "20"},
		}}
	if q, err = quotes.Save(ctx, db, q.ID, in, quotes.CatalogOf(ctx, db), true, a, money); err != nil {
		return fmt.Errorf("demo quote: %w", err)
	}
	if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: q.RecommendationID, Verb: "approve",
		Reason: "Katalog fiyatları güncel; iskonto sınırın içinde.", Note: true, Actor: approvals.Actor{Name: DemoUserName}}); err != nil {
		return fmt.Errorf("demo quote: approve: %w", err)
	}
	p := i18n.For("tr")
	body := func(q *quotes.Quote) string {
		return p.T("quotes.send.body", q.Number, p.Money(quotes.Major(q.Totals.Grand), q.Currency), quotes.Link(cmp.Or(s.BaseURL, s.ListenOrigin, demoQuoteOrigin), t.Slug, q))
	}
	if _, _, err := quotes.Send(ctx, db, channels.Registry(), q.ID, body, a, nil, "", ""); err != nil {
		return fmt.Errorf("demo quote: send: %w", err)
	}
	return nil
}

// demoScenarioDConversation is scenario D's widget conversation (0 when the demo has none).
func demoScenarioDConversation(ctx context.Context, db *tenantdb.DB) (int64, error) {
	leadID, err := inbox.LeadIDByExternal(ctx, db.Read, demoScenarioDExternal)
	if err != nil || leadID == 0 {
		return 0, err
	}
	return inbox.LatestConversationOfLead(ctx, db.Read, leadID)
}

// demoProductID is the id of the catalog product with sku, as a form gives it ("" when absent).
func demoProductID(ps []*crm.Product, sku string) string {
	for _, p := range ps {
		if p.SKU == sku {
			return strconv.FormatInt(p.ID, 10)
		}
	}
	return ""
}

// seedDemoQuoteHistory brings in the written quotes of the six months, through the quotes room:
// each lead whose conversation has the team's offer message got the quote that message sent, at
// its time; a won lead's was accepted when the customer agreed and became its order (claimed in
// seedDemoOrders), at the order's total; a lost lead's was never accepted, and a lead still at
// proposal is weighing it. So the KPI page's quote acceptance is the demo's won share of its
// quotes, not 0 %. A won lead without an order (more won in a month than it had orders) keeps its
// offer in the thread only. Oldest first, so the numbers run with the dates; the acceptances are
// logged after, in their order.
func seedDemoQuoteHistory(ctx context.Context, s *Server, tx *sql.Tx, offers []inbox.OfferedLead, orders map[int64]*crm.Order) error {
	by := quotes.Actor{Name: DemoUserName}
	if u, err := s.Platform.UserByUsername(ctx, DemoUser); err == nil {
		by.UserID = u.ID
	}
	var accepted []*quotes.Quote
	for _, o := range offers {
		h := quotes.Historic{LeadID: o.LeadID, ConversationID: o.ConversationID, Language: "tr", Currency: "TRY", Customer: o.Name,
			Note: "Keşif ölçülerine göre hazırlanmıştır; nakliye dahildir.", By: by.Name, ByUserID: by.UserID, ValidDays: 15, SentAt: o.OfferAt}
		if o.Language == "en" {
			h.Language, h.Note = "en", "Prepared from the site visit's measurements; delivery included."
		}
		area, price, work := demoAreaOf(o.FirstMessage, o.LeadID), demoPricePerM2(o.LeadID), demoWorkOf(o.FirstMessage, o.Language, o.LeadID)
		if o.Stage == "won" {
			ord := orders[o.LeadID]
			if ord == nil || ord.OrderedAt <= o.OfferAt {
				continue
			}
			h.AcceptedAt, h.OrderID = ord.OrderedAt, ord.ID
		}
		h.Lines = demoQuoteLines(h.Language, work, area, price)
		q, err := quotes.InsertHistoryTx(ctx, tx, h)
		if err != nil {
			return fmt.Errorf("demo: quote of lead %d: %w", o.LeadID, err)
		}
		if q.AcceptedAt > 0 {
			accepted = append(accepted, q)
		}
	}
	sort.SliceStable(accepted, func(i, j int) bool { return accepted[i].AcceptedAt < accepted[j].AcceptedAt })
	for _, q := range accepted {
		if err := quotes.LogAcceptedEarlierTx(ctx, tx, q); err != nil {
			return err
		}
	}
	return nil
}

// demoQuoteLines are a paving job's quote lines: the material and the laying (sub-base included)
// per m², 20 % KDV, together area × price (price per m² with KDV, a multiple of 3: see
// demoPricePerM2), so an accepted quote's total is its order's to the kuruş.
func demoQuoteLines(lang, work string, area, price int) []quotes.Line {
	net := int64(price) / 3 * 250 // kuruş per m² before KDV: price ÷ 1.2 × 100
	material := net * 55 / 100 / 5 * 5
	names := [2]string{upperFirst(work) + " — malzeme", "Döşeme işçiliği ve alt yapı"}
	if lang == "en" {
		names = [2]string{upperFirst(work) + " — material", "Laying and sub-base"}
	}
	qty := int64(area) * 1000
	return []quotes.Line{
		{Kind: "product", Name: names[0], Unit: "m²", Quantity: qty, UnitPrice: material, VATRate: 2000},
		{Kind: "labour", Name: names[1], Unit: "m²", Quantity: qty, UnitPrice: net - material, VATRate: 2000},
	}
}

// upperFirst capitalises the first letter of s (a Turkish i becomes İ).
func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	if r[0] == 'i' {
		return "İ" + string(r[1:])
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}
