package app

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
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
	a := quotes.Actor{UserID: u.ID, Name: DemoUser}
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
		Reason: "Katalog fiyatları güncel; iskonto sınırın içinde.", Note: true, Actor: approvals.Actor{Name: DemoUser}}); err != nil {
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
