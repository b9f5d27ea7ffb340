package visits_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/visits"
)

// settle waits until every job of the tenant that is due or was tried has finished, a retry
// after a failed first try included (apptest.Settle).
func settle(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	apptest.Settle(t, db)
}

func count(t *testing.T, db *tenantdb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const confirmations = `SELECT count(*) FROM messages WHERE direction = 'outbound' AND annotations LIKE '%visit_confirmation%'`

// Booked from the conversation page, the visit's date waits in the approval queue: no
// confirmation exists before approval, exactly one after, in the conversation's language with
// the customer's link; the link's page takes the answer, which the conversation and the
// assignees hear of; another tenant's token is a 404.
func TestBookApproveConfirmAnswer(t *testing.T) {
	t.Parallel()
	f := setup(t, true)
	e, db := f.e, f.e.DB("acme")
	owner, op := e.User("acme", "talha", "owner"), e.User("acme", "olga", "operator")
	e.Tenant("beta")
	// The conversation page offers booking.
	page := op.Get("/app/inbox/" + strconv.FormatInt(f.conv, 10) + "/")
	if page.StatusCode != http.StatusOK || page.Doc(t).Find("[data-book-visit]").Length() != 1 {
		t.Fatalf("conversation page: %d, book link %d", page.StatusCode, page.Doc(t).Find("[data-book-visit]").Length())
	}
	// The form finds olga's free slots.
	form := op.Get("/app/visits/book?conversation_id=" + strconv.FormatInt(f.conv, 10) + "&assignee=" + strconv.FormatInt(op.UserID, 10) + "&duration=60")
	slot, ok := form.Doc(t).Find("[data-slot]").First().Attr("value")
	if form.StatusCode != http.StatusOK || !ok {
		t.Fatalf("booking form: %d, first slot %q\n%s", form.StatusCode, slot, form.Body)
	}
	base := url.Values{"conversation_id": {strconv.FormatInt(f.conv, 10)}, "assignee": {strconv.FormatInt(op.UserID, 10)}, "duration": {"60"},
		"start": {slot}, "address": {"Bağdat Cad. 12, Kadıköy"}, "note": {"Bahçe girişi yan sokaktan"}}
	// Bad input: 422 in the user's language (Turkish tenant), nothing stored.
	for name, mod := range map[string]func(v url.Values){
		"no assignee":    func(v url.Values) { v.Del("assignee") },
		"someone else's": func(v url.Values) { v.Set("assignee", "999999") },
		"bad duration":   func(v url.Values) { v.Set("duration", "5") },
		"no time":        func(v url.Values) { v.Del("start") },
		"a taken time":   func(v url.Values) { v.Set("start", strings.Replace(slot, "T", "T03", 1)[:16]) },
	} {
		v := url.Values{}
		for k, vs := range base {
			v[k] = append([]string(nil), vs...)
		}
		mod(v)
		r := op.Post("/app/visits/book", v)
		if r.StatusCode != http.StatusUnprocessableEntity || r.Doc(t).Find(".field-error").Length() == 0 {
			t.Errorf("%s: %d, want 422 with a field error", name, r.StatusCode)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM site_visits`); n != 0 {
		t.Fatalf("bad input stored %d visits", n)
	}
	r := op.Post("/app/visits/book", base)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d %s", r.StatusCode, r.Body)
	}
	vs, err := visits.ForConversation(context.Background(), db.Read, f.conv)
	if err != nil || len(vs) != 1 {
		t.Fatalf("visits: %v %v", vs, err)
	}
	v := vs[0]
	if v.Status != visits.StatusProposed || v.RecommendationID == 0 || v.Address != "Bağdat Cad. 12, Kadıköy" || !strings.Contains(v.MapURL, "Kad%C4%B1k%C3%B6y") {
		t.Fatalf("booked: %+v", v)
	}
	settle(t, db)
	if n := count(t, db, confirmations); n != 0 {
		t.Fatalf("%d confirmations before approval", n)
	}
	// Its page is not there for the customer yet.
	link := "/v/acme." + v.Token
	if r := e.Client().Get(link); r.StatusCode != http.StatusNotFound {
		t.Fatalf("public page before approval: %d", r.StatusCode)
	}
	// The queue shows it in the viewer's words; approving confirms it and sends one confirmation.
	if q := owner.Get("/app/approvals/"); !strings.Contains(q.Body, "Keşif randevusu: "+i18n.For("tr").In(hours.DefaultLocation()).DateTime(v.Start())) {
		t.Errorf("approval queue does not word the visit with its date in Turkish")
	}
	if q := owner.Get("/app/approvals/"); q.Doc(t).Find(`[data-open-visit][href="/app/visits/`+strconv.FormatInt(v.ID, 10)+`/"]`).Length() != 1 {
		t.Errorf("the queue does not link the visit")
	}
	if r := owner.Post("/app/approvals/"+strconv.FormatInt(v.RecommendationID, 10)+"/approve", url.Values{}); r.StatusCode >= 400 {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
	}
	settle(t, db)
	if n := count(t, db, confirmations); n != 1 {
		t.Fatalf("%d confirmations after approval, want 1", n)
	}
	var body string
	if err := db.Read.QueryRow(`SELECT body FROM messages WHERE annotations LIKE '%visit_confirmation%'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "keşif için size bir saat ayırdı") || strings.Contains(body, "onayladı") || !strings.Contains(body, e.URL+link) || !strings.Contains(body, "Bağdat Cad. 12") {
		t.Errorf("confirmation: %q", body)
	}
	got, _ := visits.ByID(context.Background(), db.Read, v.ID)
	if got.Status != visits.StatusConfirmed || got.ApprovedByName != "talha" || got.ConfirmedMessageID == 0 {
		t.Fatalf("after approval: %+v", got)
	}
	// Another tenant's slug with this token, a bad token: 404.
	anon := e.Client()
	for _, bad := range []string{"/v/beta." + v.Token, "/v/acme." + strings.Repeat("a", 24), "/v/acme"} {
		if r := anon.Get(bad); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, r.StatusCode)
		}
	}
	if r := anon.Post("/v/beta."+v.Token+"/accept", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("another tenant's accept: %d", r.StatusCode)
	}
	pub := anon.Get(link)
	if pub.StatusCode != http.StatusOK || pub.Header.Get("X-Robots-Tag") != "noindex" || !strings.Contains(pub.Body, "Acme Ltd") || pub.Doc(t).Find("[data-accept]").Length() != 1 {
		t.Fatalf("public page: %d %q", pub.StatusCode, pub.Header.Get("X-Robots-Tag"))
	}
	// Too long a message: 422, nothing stored.
	if r := anon.Post(link+"/reschedule", url.Values{"message": {strings.Repeat("x", 2001)}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("long message: %d", r.StatusCode)
	}
	if r := anon.Post(link+"/reschedule", url.Values{"message": {"Cumartesi sabah olur mu?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask for another time: %d", r.StatusCode)
	}
	got, _ = visits.ByID(context.Background(), db.Read, v.ID)
	if got.CustomerAnswer != visits.AnswerReschedule {
		t.Fatalf("answer not stored: %+v", got)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'system' AND annotations LIKE '%visit_reschedule%' AND body = 'Cumartesi sabah olur mu?'`, f.conv); n != 1 {
		t.Errorf("system event in the conversation: %d", n)
	}
	settle(t, db)
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'visit_answer' AND user_id = ?`, op.UserID); n != 1 {
		t.Errorf("assignee told of the answer %d times", n)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'visit_answer' AND user_id = ?`, owner.UserID); n != 0 {
		t.Errorf("someone not assigned was told")
	}
	// Accepting after all, twice (a double click): one event, one notification more.
	for range 2 {
		if r := anon.Post(link+"/accept", url.Values{}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", r.StatusCode)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE conversation_id = ? AND annotations LIKE '%visit_accepted%'`, f.conv); n != 1 {
		t.Errorf("%d accepted events, want 1", n)
	}
	if r := anon.Get(link + "?done=accepted"); r.Doc(t).Find(`[data-done="accepted"]`).Length() != 1 || r.Doc(t).Find("[data-answer]").Length() != 1 {
		t.Errorf("the page does not thank for the acceptance")
	}
	settle(t, db)
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'visit_answer' AND user_id = ?`, op.UserID); n != 2 {
		t.Errorf("assignee told %d times of two answers", n)
	}
	// The conversation page lists the visit with the customer's answer.
	page = op.Get("/app/inbox/" + strconv.FormatInt(f.conv, 10) + "/")
	if li := page.Doc(t).Find("#visits li"); li.Length() != 1 || !strings.Contains(li.Text(), "müşteri kabul etti") {
		t.Errorf("conversation panel: %q", li.Text())
	}
	// Cancelled from the conversation page: back there, the customer's page says it no longer
	// stands and takes no answer.
	convPage := "/app/inbox/" + strconv.FormatInt(f.conv, 10) + "/"
	if r := op.Post("/app/visits/"+strconv.FormatInt(v.ID, 10)+"/cancel", url.Values{"next": {convPage}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != convPage {
		t.Fatalf("cancel: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if got, _ = visits.ByID(context.Background(), db.Read, v.ID); got.Status != visits.StatusCancelled {
		t.Fatalf("after cancel: %s", got.Status)
	}
	if pub := anon.Get(link); pub.StatusCode != http.StatusOK || pub.Doc(t).Find("[data-closed]").Length() != 1 || pub.Doc(t).Find("[data-accept]").Length() != 0 {
		t.Errorf("customer's page of a cancelled visit: %d", pub.StatusCode)
	}
	if r := anon.Post(link+"/accept", url.Values{}); r.StatusCode != http.StatusConflict {
		t.Errorf("accepting a cancelled visit: %d", r.StatusCode)
	}
	if r := op.Post("/app/visits/"+strconv.FormatInt(v.ID, 10)+"/cancel", url.Values{}); r.StatusCode != http.StatusConflict {
		t.Errorf("cancelling twice: %d", r.StatusCode)
	}
}

// A rejected date sends nothing and the visit stays proposed, its date marked rejected.
func TestRejectedDateSendsNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, true)
	e, db := f.e, f.e.DB("acme")
	owner := e.User("acme", "talha", "owner")
	v, err := visits.Book(context.Background(), db, visits.Booking{ConversationID: f.conv, Start: time.Now().Add(72 * time.Hour), DurationMin: 60,
		Assignees: []int64{owner.UserID}}, visits.Actor{UserID: owner.UserID, Name: "talha"})
	if err != nil {
		t.Fatal(err)
	}
	if r := owner.Post("/app/approvals/"+strconv.FormatInt(v.RecommendationID, 10)+"/reject", url.Values{"reason": {"o gün dolu"}}); r.StatusCode >= 400 {
		t.Fatalf("reject: %d", r.StatusCode)
	}
	settle(t, db)
	got, _ := visits.ByID(context.Background(), db.Read, v.ID)
	rej, _ := visits.DateRejected(context.Background(), db.Read, got)
	if got.Status != visits.StatusProposed || !rej || count(t, db, confirmations) != 0 || count(t, db, `SELECT count(*) FROM jobs WHERE kind LIKE 'visit_%'`) != 0 {
		t.Fatalf("after rejection: %+v rejected=%v", got, rej)
	}
	if r := e.Client().Get("/v/acme." + v.Token); r.StatusCode != http.StatusNotFound {
		t.Errorf("public page of a rejected date: %d", r.StatusCode)
	}
	// A new date goes back to the queue with a new recommendation; cancelling withdraws it.
	moved, err := visits.Reschedule(context.Background(), db, v.ID, time.Now().Add(96*time.Hour), 0, visits.Actor{UserID: owner.UserID, Name: "talha"})
	if err != nil || moved.RecommendationID == v.RecommendationID || moved.Status != visits.StatusProposed {
		t.Fatalf("reschedule: %+v %v", moved, err)
	}
	if _, err := visits.Cancel(context.Background(), db, v.ID, "", visits.Actor{UserID: owner.UserID, Name: "talha"}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM decision_recommendations WHERE id = ? AND status = 'rejected'`, moved.RecommendationID); n != 1 {
		t.Errorf("the cancelled visit's date still waits in the queue")
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE provider = 'visits' AND action_type IN ('visit_booked','visit_proposed','visit_date_rejected','visit_rescheduled','visit_cancelled')`); n != 6 {
		t.Errorf("%d visit log rows, want 6 (booked, proposed ×2, date rejected, rescheduled, cancelled)", n)
	}
}

// Approving in bulk confirms each visit and sends each customer exactly one confirmation.
func TestBulkApprovalConfirmsEachOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, true)
	e, db := f.e, f.e.DB("acme")
	owner := e.User("acme", "talha", "owner")
	svc := &inbox.Service{Channels: channels.Registry()}
	second, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "v2", Name: "Ece", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	ids := url.Values{"verb": {"approve"}}
	var booked []int64
	for i, conv := range []int64{f.conv, second.ConversationID} {
		v, err := visits.Book(context.Background(), db, visits.Booking{ConversationID: conv, Start: time.Now().Add(time.Duration(48+4*i) * time.Hour),
			DurationMin: 60, Assignees: []int64{owner.UserID}}, visits.Actor{UserID: owner.UserID, Name: "talha"})
		if err != nil {
			t.Fatal(err)
		}
		ids.Add("id", strconv.FormatInt(v.RecommendationID, 10))
		booked = append(booked, v.ID)
	}
	settle(t, db)
	if n := count(t, db, confirmations); n != 0 {
		t.Fatalf("%d confirmations before approval", n)
	}
	if r := owner.Post("/app/approvals/bulk", ids); r.StatusCode >= 400 {
		t.Fatalf("bulk: %d", r.StatusCode)
	}
	// A second bulk approval of the same ids changes nothing.
	owner.Post("/app/approvals/bulk", ids)
	settle(t, db)
	for _, id := range booked {
		v, _ := visits.ByID(context.Background(), db.Read, id)
		if v.Status != visits.StatusConfirmed || v.ConfirmedMessageID == 0 {
			t.Errorf("visit %d after bulk approval: %+v", id, v)
		}
		if n := count(t, db, confirmations+` AND conversation_id = ?`, v.ConversationID); n != 1 {
			t.Errorf("visit %d: %d confirmations, want 1", id, n)
		}
	}
}

// The owner sets the usual visit length and the travel buffer on the settings page; the booking
// form starts from them; a value out of range is a 422 with nothing stored.
func TestVisitSettings(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	owner := f.e.User("acme", "talha", "owner")
	if r := owner.Post("/app/settings/profile", url.Values{"visit_duration_min": {"5"}, "visit_travel_buffer_min": {"45"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc(t).Find("#visit-settings .field-error").Text(), "15") {
		t.Fatalf("duration 5: %d", r.StatusCode)
	}
	if r := owner.Post("/app/settings/profile", url.Values{"visit_duration_min": {"75"}, "visit_travel_buffer_min": {"45"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	form := owner.Get("/app/visits/book?conversation_id=" + strconv.FormatInt(f.conv, 10))
	if got, _ := form.Doc(t).Find("#duration option[selected]").Attr("value"); got != "75" || !strings.Contains(form.Doc(t).Find("#slots .muted").First().Text(), "45") {
		t.Errorf("booking form: duration %q, hint %q", got, form.Doc(t).Find("#slots .muted").First().Text())
	}
}

func TestVisitSettingsLeaveOthers(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	owner := f.e.User("acme", "talha", "owner")
	owner.Post("/app/settings/profile", url.Values{"visit_duration_min": {"75"}})
	tn, _ := f.e.Server.Platform.TenantBySlug(context.Background(), "acme")
	if tn.Setting("chat_widget_enabled") != "true" {
		t.Errorf("saving the visit settings switched the chat widget off")
	}
}
