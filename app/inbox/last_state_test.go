package inbox_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// The inbox's "Latest messages" column and the dashboard's recent conversations showed a reply
// scheduled for later, or one that failed, exactly like a delivered one ("sent"), and a product
// line with no words of a person's (the customer opened a quote) as an empty line. They now mark a
// failed reply "Not sent" and a scheduled one with its time, as the conversation page does, and
// word a product line as the timeline does.
func TestLatestMessagesMarkScheduledAndFailedReplies(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	ctx := context.Background()
	failedConv := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110001", Name: "Ayla Kaya", Body: "Fiyat?"}).ConversationID
	laterConv := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110002", Name: "Berk Uçar", Body: "Ölçü için ne zaman?"}).ConversationID
	eventConv := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "v-ev", Name: "Cem Şahin", Body: "Teklifi bekliyorum."}).ConversationID
	var failed, later, event int64
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		reg := channels.Registry()
		if failed, err = inbox.AddMessageTx(ctx, tx, reg, failedConv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "olga", Body: "Metrekaresi 1.450 TL."}); err != nil {
			return err
		}
		if err := inbox.SetDelivery(ctx, tx, failed, "", "failed", "not sent: HTTP 401"); err != nil {
			return err
		}
		if later, err = inbox.AddMessageTx(ctx, tx, reg, laterConv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "olga",
			Body: "Pazartesi 10:00 uygun mu?", ScheduledAt: time.Now().Add(3 * time.Hour)}); err != nil {
			return err
		}
		event, err = inbox.AddMessageTx(ctx, tx, nil, eventConv, inbox.Outgoing{Direction: "system", AuthorKind: "system", Event: "quote_viewed",
			Params: map[string]string{"actor": "TKL-2026-0007"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	doc := c.Get("/app/inbox/?lang=en").Doc(t)
	line := func(id int64) string {
		return strings.Join(strings.Fields(doc.Find("ul.recent li[data-recent-message='"+strconv.FormatInt(id, 10)+"']").Text()), " ")
	}
	if got := line(failed); !strings.HasPrefix(got, "Ayla Kaya ⚠ Not sent ·") {
		t.Errorf("the failed reply reads %q, want it marked Not sent", got)
	}
	if got := line(later); !strings.HasPrefix(got, "Berk Uçar ◷ scheduled for") {
		t.Errorf("the scheduled reply reads %q, want it marked scheduled", got)
	}
	if got := strings.TrimSpace(doc.Find("ul.recent li[data-recent-message='" + strconv.FormatInt(event, 10) + "'] p").Text()); got != "The customer opened quote TKL-2026-0007" {
		t.Errorf("the product line reads %q", got)
	}

	dash := c.Get("/app/?lang=en").Doc(t)
	cell := func(conv int64) string {
		row := dash.Find("#recent-table tr:has(a[href='/app/inbox/" + strconv.FormatInt(conv, 10) + "/'])")
		return strings.Join(strings.Fields(row.Find(".cell-last").Text()), " ")
	}
	if got := cell(failedConv); !strings.HasPrefix(got, "⚠ Not sent Metrekaresi") {
		t.Errorf("dashboard: the failed reply reads %q", got)
	}
	if got := cell(laterConv); !strings.HasPrefix(got, "◷ scheduled for") || !strings.HasSuffix(got, "Pazartesi 10:00 uygun mu?") {
		t.Errorf("dashboard: the scheduled reply reads %q", got)
	}
	if got := cell(eventConv); got != "Teklifi bekliyorum." {
		t.Errorf("dashboard: the customer's message reads %q", got)
	}
}
