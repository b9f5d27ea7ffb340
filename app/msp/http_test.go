package msp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/msp"
)

// graph is a fake WhatsApp Cloud API: it records the messages sent to /<phone-id>/messages and
// answers them as Meta documents.
type graph struct {
	srv  *httptest.Server
	mu   sync.Mutex
	sent []map[string]any
	got  chan struct{}
}

func newGraph(t *testing.T) *graph {
	g := &graph{got: make(chan struct{}, 8)}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v21.0/106540352242922/messages" || r.Header.Get("Authorization") != "Bearer EAAG-test-token" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		g.mu.Lock()
		g.sent = append(g.sent, m)
		n := len(g.sent)
		g.mu.Unlock()
		// Each message sent gets its own id, as from Meta (one id for all made every send after the
		// first fail on the messages' unique provider id, and its job retry for minutes).
		_, _ = fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"905321112233","wa_id":"905321112233"}],"messages":[{"id":"wamid.TICKETREPLY%d"}]}`, n)
		g.got <- struct{}{}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// waText is a webhook body with one text message sent just now (inside WhatsApp's 24-hour window).
func waText(from, wamid, text string) string {
	return strings.Replace(apptest.WhatsAppText(from, wamid, text), `"timestamp":"1735689600"`,
		fmt.Sprintf(`"timestamp":"%d"`, time.Now().Unix()), 1)
}

// A WhatsApp message comes in through the real (signed) webhook; an operator turns the
// conversation into a ticket from the conversation page, answers publicly on the ticket, and the
// answer goes out to the same number through the WhatsApp Cloud API; the timeline and the
// conversation both show it.
func TestConversationToTicketWithWhatsAppReply(t *testing.T) {
	t.Parallel()
	const secret = "msp-app-secret"
	g := newGraph(t)
	e := apptest.New(t)
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "sales,msp", "whatsapp_app_secret": secret, "whatsapp_api_base": g.srv.URL + "/v21.0",
		"whatsapp_access_token": "EAAG-test-token", "whatsapp_phone_number_id": "106540352242922"})
	key := e.APIKey("bilisim", "whatsapp_webhook")
	events, stop := e.Server.Live.Subscribe("bilisim")
	defer stop()

	body := waText("905321112233", "wamid.IN1", "Muhasebedeki yazıcı kağıt sıkıştırıyor, çıktı alamıyoruz")
	r := e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), map[string]string{"X-Api-Key": key,
		"X-Hub-Signature-256": whatsapp.Sign([]byte(body), secret)})
	if r.StatusCode != 200 {
		t.Fatalf("webhook: %d %s", r.StatusCode, r.Body)
	}
	var convID int64
	for convID == 0 {
		select {
		case ev := <-events:
			if ev.ConversationID != 0 {
				convID = ev.ConversationID
			}
		case <-time.After(30 * time.Second): // a bound for a broken runner only
			t.Fatal("the WhatsApp message never reached the inbox")
		}
	}

	op := e.User("bilisim", "ayse", "operator")
	page := op.Get(fmt.Sprintf("/app/inbox/%d/", convID))
	if page.StatusCode != 200 {
		t.Fatalf("conversation page: %d", page.StatusCode)
	}
	doc := page.Doc(t)
	href, ok := doc.Find("#tickets a[data-ticket-new]").Attr("href")
	if !ok || doc.Find("#tickets form[action='/app/msp/tickets/link']").Length() != 1 {
		t.Fatalf("the conversation page has no ticket control")
	}
	form := op.Get(href)
	if form.StatusCode != 200 {
		t.Fatalf("new ticket form: %d", form.StatusCode)
	}
	fd := form.Doc(t)
	if v, _ := fd.Find("#subject").Attr("value"); !strings.Contains(v, "yazıcı kağıt sıkıştırıyor") {
		t.Fatalf("subject not taken from the message: %q", v)
	}
	res := op.Post("/app/msp/tickets/new", url.Values{"conversation_id": {fmt.Sprint(convID)}, "subject": {"Muhasebe yazıcısı kağıt sıkıştırıyor"},
		"priority": {"p2"}, "category": {"printing"}, "assignee": {fmt.Sprint(op.UserID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	m := regexp.MustCompile(`^/app/msp/tickets/(\d+)/$`).FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create went to %q", res.Header.Get("Location"))
	}
	tp := op.Get(m[0]).Doc(t)
	if ref := tp.Find("h1 .ref").Text(); ref != "T-000001" {
		t.Fatalf("ticket number %q", ref)
	}
	if st := tp.Find("#ticket-status").Text(); st != "Yeni" {
		t.Fatalf("status shown as %q, want the word Yeni", st)
	}
	if pr := tp.Find("#ticket-priority").Text(); pr != "P2 yüksek" {
		t.Fatalf("priority shown as %q", pr)
	}

	res = op.Post(m[0]+"reply", url.Values{"reply": {"Merhaba, teknisyenimiz 14:00'te geliyor."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, res.Body)
	}
	// The assistant may have answered the customer first; wait for the ticket's reply itself.
	var sent map[string]any
	for sent == nil {
		select {
		case <-g.got:
		case <-time.After(30 * time.Second): // a bound for a broken runner only
			t.Fatal("the reply never reached the WhatsApp Cloud API")
		}
		g.mu.Lock()
		for _, m := range g.sent {
			if strings.Contains(fmt.Sprint(m["text"]), "teknisyenimiz") {
				sent = m
			}
		}
		g.mu.Unlock()
	}
	if sent["to"] != "905321112233" || sent["type"] != "text" || fmt.Sprint(sent["text"]) != "map[body:Merhaba, teknisyenimiz 14:00'te geliyor. preview_url:false]" {
		t.Fatalf("sent to WhatsApp: %v", sent)
	}
	tp = op.Get(m[0]).Doc(t)
	if tp.Find(`#timeline [data-event="reply"]`).Length() != 1 || tp.Find(`#timeline [data-event="status"]`).Length() != 1 {
		t.Fatalf("timeline: %s", tp.Find("#timeline").Text())
	}
	if st := tp.Find("#ticket-status").Text(); st != "Açık" {
		t.Fatalf("after the first reply the ticket is %q, want Açık", st)
	}
	conv := op.Get(fmt.Sprintf("/app/inbox/%d/", convID))
	if !strings.Contains(conv.Body, "teknisyenimiz 14:00") || !strings.Contains(conv.Body, "T-000001") {
		t.Fatal("the conversation does not show the reply and its ticket")
	}

	// Linking another conversation by number moves the ticket's replies there.
	body = waText("905329998877", "wamid.IN2", "Aynı yazıcı yine bozuldu")
	e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), map[string]string{"X-Api-Key": key,
		"X-Hub-Signature-256": whatsapp.Sign([]byte(body), secret)})
	var conv2 int64
	for conv2 == 0 || conv2 == convID {
		select {
		case ev := <-events:
			conv2 = ev.ConversationID
		case <-time.After(30 * time.Second):
			t.Fatal("the second message never reached the inbox")
		}
	}
	res = op.Post("/app/msp/tickets/link", url.Values{"conversation_id": {fmt.Sprint(conv2)}, "ticket": {"t-1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/app/inbox/%d/", conv2) {
		t.Fatalf("link: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.Contains(op.Get(fmt.Sprintf("/app/inbox/%d/", conv2)).Body, "T-000001") {
		t.Fatal("the linked conversation does not list the ticket")
	}
	// The unknown reference is named in the banner, isolated and kept on one line (FSI, word joiner after the hyphen).
	res = op.Post("/app/msp/tickets/link", url.Values{"conversation_id": {fmt.Sprint(conv2)}, "ticket": {"T-000999"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(op.Get(res.Header.Get("Location")).Body, "\u2068T-\u2060000999\u2069") {
		t.Fatal("linking an unknown ticket did not say so")
	}
	// A reference copied out of such a banner, invisible characters and all, still finds its ticket.
	res = op.Post("/app/msp/tickets/link", url.Values{"conversation_id": {fmt.Sprint(conv2)}, "ticket": {"\u2068T-\u2060000001\u2069"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || strings.Contains(op.Get(loc).Body, "flash-error") {
		t.Fatalf("a reference copied from a banner: %d %s", res.StatusCode, loc)
	}
}

// A device CSV with one bad row stores nothing and names the row and field; the corrected file
// stores every row, and sending it again updates by serial number.
func TestDeviceImportAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	owner := e.User("bilisim", "owner", "owner")
	if r := owner.Post("/app/msp/clients/new", url.Values{"name": {"Kadıköy Muhasebe"}, "contact_name": {"Selin"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("client: %d %s", r.StatusCode, r.Body)
	}
	if r := owner.Post("/app/msp/sites/new", url.Values{"client": {"1"}, "name": {"Merkez ofis"}, "address": {"Moda Cad. 5"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("site: %d %s", r.StatusCode, r.Body)
	}
	key := e.APIKey("bilisim", "import")
	post := func(csv string) *apptest.Resp {
		req, _ := http.NewRequest("POST", e.URL+"/api/v1/devices", strings.NewReader(csv))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+key)
		return e.Client().Do(req)
	}
	count := func() int {
		var n int
		if err := e.DB("bilisim").Read.QueryRow(`SELECT count(*) FROM msp_devices`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	bad := "client,site,kind,name,make,model,serial,warranty_end\n" +
		"Kadıköy Muhasebe,Merkez ofis,laptop,Selin'in dizüstü,Lenovo,T14,PF3ABC1,2027-05-31\n" +
		"Kadıköy Muhasebe,Merkez ofis,toaster,Mutfak,,,,2027-13-45\n" +
		"Kadıköy Muhasebe,,printer,,HP,LaserJet M404,VNB3K12345,\n"
	r := post(bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d %s", r.StatusCode, r.Body)
	}
	var p struct {
		Code   string `json:"code"`
		Errors []struct {
			Field, Detail string
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, fe := range p.Errors {
		fields[fe.Field] = true
	}
	if p.Code != "invalid_rows" || !fields["2.kind"] || !fields["2.warranty_end"] || len(fields) != 2 {
		t.Fatalf("problem: %s", r.Body)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d devices stored from a refused file", n)
	}
	good := strings.Replace(bad, "toaster,Mutfak,,,,2027-13-45", "network,Mutfak switch,,,SW-77,2027-12-31", 1)
	if r := post(good); r.StatusCode != http.StatusCreated {
		t.Fatalf("good file: %d %s", r.StatusCode, r.Body)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d devices, want 3", n)
	}
	if r := post(good); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"updated":3`) {
		t.Fatalf("same file again: %d %s", r.StatusCode, r.Body)
	}
	list := owner.Get("/app/msp/devices/").Doc(t)
	if list.Find("#devices tbody tr").Length() != 3 || !strings.Contains(list.Find("#devices").Text(), "Network device") {
		t.Fatalf("devices page: %s", list.Find("#devices").Text())
	}
}

// Viewers read tickets; operators work them and add sites and devices; only owners add clients.
func TestMSPRoles(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	owner := e.User("bilisim", "owner", "owner")
	op := e.User("bilisim", "op", "operator")
	viewer := e.User("bilisim", "vi", "viewer")
	if r := op.Post("/app/msp/clients/new", url.Values{"name": {"Acme"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("operator adding a client: %d", r.StatusCode)
	}
	if r := owner.Post("/app/msp/clients/new", url.Values{"name": {"Acme"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner adding a client: %d %s", r.StatusCode, r.Body)
	}
	if r := op.Post("/app/msp/devices/new", url.Values{"client": {"1"}, "kind": {"server"}, "name": {"DC01"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("operator adding a device: %d %s", r.StatusCode, r.Body)
	}
	r := op.Post("/app/msp/tickets/new", url.Values{"subject": {"DC01 disk dolu"}, "client": {"1"}, "device": {"1"}, "priority": {"p1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("operator opening a ticket: %d %s", r.StatusCode, r.Body)
	}
	ticket := r.Header.Get("Location")
	if r := viewer.Post(ticket+"status", url.Values{"status": {"open"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer moving a ticket: %d", r.StatusCode)
	}
	if r := viewer.Post("/app/msp/tickets/new", url.Values{"subject": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer opening a ticket: %d", r.StatusCode)
	}
	page := viewer.Get(ticket)
	if page.StatusCode != 200 || page.Doc(t).Find("#moves, #reply, #edit").Length() != 0 {
		t.Fatalf("viewer's ticket page: %d (with forms: %v)", page.StatusCode, page.Doc(t).Find("#moves, #reply, #edit").Length())
	}
	if d := viewer.Get("/app/msp/board").Doc(t); d.Find(".board-card").Length() != 1 || d.Find(".board-card form").Length() != 0 {
		t.Fatal("viewer's board")
	}
	// Empty subject: 422 with the field's error, nothing stored.
	r = op.Post("/app/msp/tickets/new", url.Values{"subject": {"  "}, "priority": {"p2"}})
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc(t).Find("#subject-error").Length() != 1 {
		t.Fatalf("empty subject: %d", r.StatusCode)
	}
	// A card moved on the board comes back to the board; a move the graph refuses says why.
	if r := op.Post(ticket+"status", url.Values{"status": {"resolved"}, "next": {"/app/msp/board"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/app/msp/board" {
		t.Fatalf("board move: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := op.Post(ticket+"status", url.Values{"status": {"waiting_customer"}, "next": {"/app/msp/board"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refused board move: %d", r.StatusCode)
	}
	if b := op.Get("/app/msp/board").Body; !strings.Contains(b, "cannot go to that status") {
		t.Fatal("the refused move was not explained")
	}
	if r := op.Post(ticket+"status", url.Values{"status": {"waiting_customer"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("refused move from the ticket page: %d", r.StatusCode)
	}
}

// The list filters by status, priority, client, assignee and a number or words, and pages with
// a cursor without repeating or skipping a ticket.
func TestTicketListFiltersAndPaging(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "en")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	db := e.DB("bilisim")
	ctx := context.Background()
	for i := 1; i <= 130; i++ {
		p := msp.Priorities[i%4]
		tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: fmt.Sprintf("Ticket number %d", i), Priority: p}, tech)
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := msp.SetStatus(ctx, db, tk.ID, msp.StatusResolved, tech); err != nil {
				t.Fatal(err)
			}
		}
	}
	v := e.User("bilisim", "vi", "viewer")
	seen := map[string]bool{}
	next := "/app/msp/tickets/"
	pages := 0
	for next != "" {
		d := v.Get(next).Doc(t)
		for _, n := range d.Find("#tickets tbody tr .ref").Nodes {
			ref := n.FirstChild.Data
			if seen[ref] {
				t.Fatalf("%s twice", ref)
			}
			seen[ref] = true
		}
		next, _ = d.Find("a[data-next]").Attr("href")
		pages++
	}
	if len(seen) != 117 || pages != 3 || seen["T-000010"] {
		t.Fatalf("%d open tickets over %d pages (resolved shown: %v)", len(seen), pages, seen["T-000010"])
	}
	d := v.Get("/app/msp/tickets/?status=resolved").Doc(t)
	if n := d.Find("#tickets tbody tr").Length(); n != 13 {
		t.Fatalf("resolved: %d", n)
	}
	d = v.Get("/app/msp/tickets/?status=all&priority=p1").Doc(t)
	if n := d.Find("#tickets tbody tr").Length(); n != 32 { // every fourth of 130
		t.Fatalf("p1 (any status): %d", n)
	}
	d = v.Get("/app/msp/tickets/?status=all&q=T-000077").Doc(t)
	if d.Find("#tickets tbody tr").Length() != 1 || d.Find("#tickets .ref").Text() != "T-000077" {
		t.Fatalf("search by number: %s", d.Find("#tickets").Text())
	}
	d = v.Get("/app/msp/tickets/?assignee=none&q=number+12").Doc(t)
	if n := d.Find("#tickets tbody tr").Length(); n != 10 { // 12 and 121–129 (120 is resolved)
		t.Fatalf("search words: %d", n)
	}
}
