package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/inbox"
)

// TestKVKKEraseCancelsScheduledReply: a reply scheduled with "send later" to a person who is then
// erased on request is cancelled with the erasure. It stayed queued with its job, so at its time it
// went out — emptied by the erasure, a blank message — to the person who asked to be forgotten,
// and the action log recorded it released; now the message reads cancelled and its job is gone.
func TestKVKKEraseCancelsScheduledReply(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "v-zerrin",
		Name: "Zerrin Karabıyık", Phone: "+90 532 987 65 43", Body: "Merhaba, mermer fiyatı?"})
	if err != nil {
		t.Fatal(err)
	}
	page := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	at := time.Now().Add(3 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	if r := owner.Post(page, url.Values{"direction": {"outbound"}, "body": {"Zerrin Hanım, yarın fiyatı iletiyoruz."}, "send_at": {at}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d %.300s", r.StatusCode, r.Body)
	}
	var msgID int64
	if err := db.Read.QueryRow(`SELECT id FROM messages WHERE conversation_id = ? AND scheduled_at IS NOT NULL`, res.ConversationID).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	var lead int64
	if err := db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, res.ConversationID).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	if r := owner.Post(fmt.Sprintf("/app/kvkk/leads/%d/erase", lead), url.Values{"reason": {"istedi"}, "confirm": {"SİL"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d %.300s", r.StatusCode, r.Body)
	}
	var status, why string
	if err := db.Read.QueryRow(`SELECT coalesce(delivery_status,''), delivery_error FROM messages WHERE id = ?`, msgID).Scan(&status, &why); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || why != "cancelled" {
		t.Errorf("the scheduled reply reads %q / %q after the erasure, want cancelled", status, why)
	}
	var queued int
	if err := db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued' AND json_extract(payload, '$.message_id') = ?`,
		inbox.JobSendScheduled, msgID).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 0 {
		t.Errorf("the scheduled reply's job still waits to send it (%d)", queued)
	}
}
