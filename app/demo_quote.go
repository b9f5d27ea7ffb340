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

// demoQuoteOrigin is the origin of the demo quote's link in its message when the server has no
// base URL (serve --base-url): serve's default address.
const demoQuoteOrigin = "http://localhost:8080"

// seedDemoQuote writes one quote through the quotes room as Talha would: a draft on the first
// widget or WhatsApp conversation of a lead at the proposal stage, two catalog lines, asked for
// approval, approved in the queue, sent with its link. It tolerates a demo without such a lead.
func seedDemoQuote(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	convID, err := demoProposalConversation(ctx, db)
	if err != nil || convID == 0 {
		return err
	}
	u, err := s.Platform.UserByUsername(ctx, DemoUser)
	if err != nil {
		return fmt.Errorf("demo quote: %w", err)
	}
	a := quotes.Actor{UserID: u.ID, Name: DemoUser}
	products, err := crm.Products(ctx, db, true)
	if err != nil || len(products) < 2 {
		return err
	}
	q, err := quotes.Create(ctx, db, convID, a, quotes.Defaults{Currency: "TRY", Language: "tr"})
	if err != nil {
		return fmt.Errorf("demo quote: %w", err)
	}
	money := quotes.MoneyIn("tr")
	in := quotes.Input{Language: q.Language, CustomerName: q.CustomerName, ValidUntil: time.Now().AddDate(0, 0, 15).UTC().Format("2006-01-02"),
		Note: "Keşif sonrası ölçülere göre hazırlanmıştır; nakliye dahildir.",
		Lines: []quotes.LineInput{
			{Kind: "product", ProductID: strconv.FormatInt(products[0].ID, 10), Quantity: "180", VAT: "20"},
			{Kind: "product", ProductID: strconv.FormatInt(products[1].ID, 10), Quantity: "40", Discount: "5", VAT: "20"},
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
		return p.T("quotes.send.body", q.Number, p.Money(quotes.Major(q.Totals.Grand), q.Currency), quotes.Link(cmp.Or(s.BaseURL, demoQuoteOrigin), t.Slug, q))
	}
	if _, _, err := quotes.Send(ctx, db, channels.Registry(), q.ID, body, a, nil); err != nil {
		return fmt.Errorf("demo quote: send: %w", err)
	}
	return nil
}

// demoProposalConversation is the latest widget or WhatsApp conversation of the first seeded
// lead at the proposal stage (0 when there is none).
func demoProposalConversation(ctx context.Context, db *tenantdb.DB) (int64, error) {
	for i := 0; i < 1000; i++ {
		leadID, err := inbox.LeadIDByExternal(ctx, db.Read, fmt.Sprintf("%slead-%d", demoExternalMark, i))
		if err != nil {
			return 0, err
		}
		if leadID == 0 {
			return 0, nil
		}
		lead, err := inbox.LeadByID(ctx, db.Read, leadID)
		if err != nil {
			return 0, err
		}
		if lead.Stage != "proposal" {
			continue
		}
		convID, err := inbox.LatestConversationOfLead(ctx, db.Read, leadID)
		if err != nil || convID == 0 {
			continue
		}
		c, err := inbox.ConversationByID(ctx, db.Read, convID)
		if err != nil {
			return 0, err
		}
		if c.Channel == "webchat" || c.Channel == "whatsapp" {
			return convID, nil
		}
	}
	return 0, nil
}
