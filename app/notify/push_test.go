package notify_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
	"highvibe/app/notify"
)

// pushed is one request the fake push service received.
type pushed struct {
	Path   string
	Header http.Header
	Body   []byte
}

// fakePush is a push service (the part of Google's or Apple's that takes messages for one
// subscription): it records each request and answers with the next queued status (201 when none).
type fakePush struct {
	srv     *httptest.Server
	got     chan pushed
	answers chan int
	// URL is the service's address as a browser hands it in: a public name (example.com, which
	// the test certificate covers), since an address is refused; client dials it to srv.
	URL string
}

// client is the server's push client for this service: every connection goes to srv.
func (f *fakePush) client() *http.Client {
	c := f.srv.Client()
	tr := c.Transport.(*http.Transport).Clone()
	addr := f.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c.Transport = tr
	return c
}

func newFakePush(t *testing.T) *fakePush {
	f := &fakePush{got: make(chan pushed, 16), answers: make(chan int, 16)}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.got <- pushed{Path: r.URL.Path, Header: r.Header.Clone(), Body: b}
		status := http.StatusCreated
		select {
		case status = <-f.answers:
		default:
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(f.srv.Close)
	f.URL = "https://example.com:" + strconv.Itoa(f.srv.Listener.Addr().(*net.TCPAddr).Port)
	return f
}

func (f *fakePush) next(t *testing.T) pushed {
	t.Helper()
	select {
	case p := <-f.got:
		return p
	case <-time.After(apptest.HangBound):
		t.Fatalf("the push service received nothing in %s", apptest.HangBound)
	}
	return pushed{}
}

// browser is the subscribing browser's half of RFC 8291: its P-256 key pair and auth secret.
type browser struct {
	priv *ecdh.PrivateKey
	auth []byte
}

func newBrowser(t *testing.T) *browser {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return &browser{priv: priv, auth: auth}
}

func (b *browser) subscription(endpoint string) []byte {
	j, _ := json.Marshal(map[string]any{"endpoint": endpoint, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(b.priv.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(b.auth)}})
	return j
}

// decrypt opens an aes128gcm body (RFC 8188 framing) with the keys RFC 8291 derives from the
// browser's private key, the application server's ephemeral public key (the record's key id) and
// the auth secret. It fails the test on any deviation from the RFCs.
func (b *browser) decrypt(t *testing.T, body []byte) []byte {
	t.Helper()
	if len(body) < 21 {
		t.Fatalf("body of %d bytes has no aes128gcm header", len(body))
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		t.Fatalf("key id length %d, want the 65-byte uncompressed P-256 key of RFC 8291", idlen)
	}
	asPubBytes, ciphertext := body[21:21+idlen], body[21+idlen:]
	if uint32(len(ciphertext)) > rs || rs < 18 {
		t.Fatalf("record size %d, ciphertext %d: want one record", rs, len(ciphertext))
	}
	asPub, err := ecdh.P256().NewPublicKey(asPubBytes)
	if err != nil {
		t.Fatalf("application server key: %v", err)
	}
	shared, err := b.priv.ECDH(asPub)
	if err != nil {
		t.Fatal(err)
	}
	prkKey, _ := hkdf.Extract(sha256.New, shared, b.auth)
	keyInfo := append(append([]byte("WebPush: info\x00"), b.priv.PublicKey().Bytes()...), asPubBytes...)
	ikm, _ := hkdf.Expand(sha256.New, prkKey, string(keyInfo), 32)
	prk, _ := hkdf.Extract(sha256.New, ikm, salt)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		t.Fatalf("the payload does not decrypt with the subscription's keys: %v", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 0x02 {
		t.Fatal("the last record lacks the 0x02 padding delimiter")
	}
	return plain[:len(plain)-1]
}

// checkVAPID verifies the Authorization header of RFC 8292: "vapid t=<JWT>, k=<public key>", the
// JWT signed ES256 by that key, for the push service's origin, expiring within a day, with a
// contact.
func checkVAPID(t *testing.T, h http.Header, origin, wantKey string) {
	t.Helper()
	auth := h.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "vapid ")
	if !ok {
		t.Fatalf("Authorization %q is not the vapid scheme", auth)
	}
	params := map[string]string{}
	for p := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[k] = v
	}
	if params["k"] != wantKey {
		t.Errorf("vapid k=%q, want the data directory's public key %q", params["k"], wantKey)
	}
	parts := strings.Split(params["t"], ".")
	if len(parts) != 3 {
		t.Fatalf("vapid t is not a JWT: %q", params["t"])
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if !strings.Contains(string(hdr), `"ES256"`) {
		t.Errorf("JWT header %s, want ES256", hdr)
	}
	keyBytes, _ := base64.RawURLEncoding.DecodeString(params["k"])
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), keyBytes)
	if err != nil {
		t.Fatalf("vapid k: %v", err)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Fatal("the VAPID JWT's signature does not verify with k")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(cb, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Aud != origin {
		t.Errorf("JWT aud %q, want the push service's origin %q", claims.Aud, origin)
	}
	if now := time.Now().Unix(); claims.Exp <= now || claims.Exp > now+24*3600 {
		t.Errorf("JWT exp %d is not within the next 24 hours (RFC 8292)", claims.Exp)
	}
	if !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https:") {
		t.Errorf("JWT sub %q is no contact", claims.Sub)
	}
}

// TestPushDelivery subscribes a browser through the panel, makes a notification happen and
// proves, at a fake push service, that the message is aes128gcm-encrypted for that browser alone
// (it decrypts with the browser's private key into the notification's text), carries VAPID
// authorization with the data directory's key, is retried after a 500, and that a 410 removes
// the subscription.
func TestPushDelivery(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()

	// The key pair was made once, in the data directory, readable by the server's user only.
	fi, err := os.Stat(filepath.Join(e.Dir, "vapid.json"))
	if err != nil {
		t.Fatalf("no VAPID key file in the data directory: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("vapid.json mode %v, want 0600", fi.Mode().Perm())
	}
	keys, err := notify.LoadVAPID(e.Dir)
	if err != nil || keys != e.Handlers.Notify.Svc.VAPID {
		t.Fatalf("loading the key file again gives another pair (%v)", err)
	}
	page := tm.oscar.Get("/app/notifications/settings").Doc(t)
	if v, _ := page.Find("[data-push]").Attr("data-vapid"); v != keys.Public {
		t.Errorf("the preferences page offers key %q, want %q", v, keys.Public)
	}

	br := newBrowser(t)
	endpoint := fake.URL + "/wpush/oscar-phone"
	if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(endpoint), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
	}
	// Bad subscriptions are refused: plain http, and keys that are no keys.
	for _, bad := range []string{`{"endpoint":"http://127.0.0.1/x","keys":{"p256dh":"` + strings.Repeat("A", 87) + `","auth":"AAAAAAAAAAAAAAAAAAAAAA"}}`,
		`{"endpoint":"https://push.example/x","keys":{"p256dh":"short","auth":"x"}}`, `not json`} {
		if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", []byte(bad), nil); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("subscription %s: %d, want 422", bad, r.StatusCode)
		}
	}
	subs, err := notify.Subscriptions(t.Context(), e.Server.Platform.DB, tm.oscar.UserID)
	if err != nil || len(subs) != 1 {
		t.Fatalf("oscar's subscriptions: %v %v", subs, err)
	}

	// A customer writes: Oscar (an operator) hears of the new conversation on his phone.
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba, parke fiyatı?")
	// The assistant triages the message too and may raise a handoff: every push is checked, and
	// the new conversation's must be among them.
	var msg notify.PushMessage
	for range 5 {
		p := fake.next(t)
		if p.Path != "/wpush/oscar-phone" {
			t.Errorf("pushed to %s", p.Path)
		}
		if ce := p.Header.Get("Content-Encoding"); ce != "aes128gcm" {
			t.Errorf("Content-Encoding %q, want aes128gcm (RFC 8291)", ce)
		}
		if p.Header.Get("TTL") == "" {
			t.Error("no TTL header (RFC 8030)")
		}
		checkVAPID(t, p.Header, fake.URL, keys.Public)
		if bytes.Contains(p.Body, []byte("Ayşe")) {
			t.Fatal("the customer's name travels in clear text")
		}
		if err := json.Unmarshal(br.decrypt(t, p.Body), &msg); err != nil {
			t.Fatalf("decrypted payload is not JSON: %v", err)
		}
		if msg.Title == "New conversation with Ayşe Demir" {
			break
		}
	}
	if msg.Title != "New conversation with Ayşe Demir" || msg.Body != "Merhaba, parke fiyatı?" || !strings.HasPrefix(msg.URL, "/app/notifications/") {
		t.Errorf("decrypted message %+v", msg)
	}
	// The link opens the notification for Oscar (and marks it read).
	if r := tm.oscar.Get(msg.URL); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/app/inbox/") {
		t.Errorf("the message's link answers %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	settle(t, e, "acme")
	drain(fake) // the assistant's own handoffs and recommendations may push too

	// The push service fails once (500): the job is kept for a retry, and the retry delivers.
	fake.answers <- http.StatusInternalServerError
	tm.ingest(t, "acme", "v-2", "Mehmet Kaya", "Fayans?")
	fake.next(t)
	db := e.DB("acme")
	deadline := time.Now().Add(10 * time.Second)
	var retryID int64
	for retryID == 0 && time.Now().Before(deadline) {
		_ = db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = 'notify_push' AND status = 'queued' AND attempts = 1 AND last_error LIKE '%500%'`).Scan(&retryID)
		if retryID == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if retryID == 0 {
		t.Fatal("a push refused with 500 was not kept for a retry")
	}
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, retryID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	retried := fake.next(t)
	var again notify.PushMessage
	if err := json.Unmarshal(br.decrypt(t, retried.Body), &again); err != nil || again.Title == "" {
		t.Errorf("the retry delivered %+v (%v)", again, err)
	}
	settle(t, e, "acme")
	var status string
	if err := db.Read.QueryRow(`SELECT status FROM jobs WHERE id = ?`, retryID).Scan(&status); err != nil || status != "done" {
		t.Errorf("the retried push job is %q (%v), want done", status, err)
	}
	settle(t, e, "acme")
	drain(fake)

	// Oscar turns new conversations off for the phone: nothing is pushed for the next one.
	form := url.Values{}
	for _, k := range notify.Kinds {
		if k != notify.KindNewConversation {
			form.Set("push_"+k, "1")
		}
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", form)
	tm.ingest(t, "acme", "v-3", "Zeynep", "Selam")
	settle(t, e, "acme")
	for len(fake.got) > 0 {
		if q := <-fake.got; bytes.Contains(br.decrypt(t, q.Body), []byte("New conversation with Zeynep")) {
			t.Error("a kind turned off was pushed")
		}
	}
	form.Set("push_"+notify.KindNewConversation, "1")
	tm.post(t, tm.oscar, "/app/notifications/settings", form)

	// The phone is gone (410): the subscription is removed on the first answer saying so.
	for range 8 {
		fake.answers <- http.StatusGone
	}
	tm.ingest(t, "acme", "v-4", "Kemal", "Merhaba")
	fake.next(t)
	settle(t, e, "acme")
	if subs, _ := notify.Subscriptions(t.Context(), e.Server.Platform.DB, tm.oscar.UserID); len(subs) != 0 {
		t.Errorf("after 410 Gone, oscar still has %d subscriptions", len(subs))
	}
}

// TestNoPushAfterAccessDisabled: a push still waiting when the owner disables the person (here a
// retry after the push service failed once) is not sent: a person cut off from the business gets
// no more customers' names and words on their phone. Pushes sent while they worked there went out.
func TestNoPushAfterAccessDisabled(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	br := newBrowser(t)
	if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(fake.URL+"/wpush/oscar-phone"), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
	}
	// The push service fails the first push (500): it waits for a retry.
	fake.answers <- http.StatusInternalServerError
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba, parke fiyatı?")
	fake.next(t)
	db := e.DB("acme")
	deadline := time.Now().Add(10 * time.Second)
	var retryID int64
	for retryID == 0 && time.Now().Before(deadline) {
		_ = db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = 'notify_push' AND status = 'queued' AND attempts = 1 AND last_error LIKE '%500%'`).Scan(&retryID)
		if retryID == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if retryID == 0 {
		t.Fatal("a push refused with 500 was not kept for a retry")
	}
	settle(t, e, "acme")
	drain(fake) // the assistant's triage may have pushed too, while Oscar still worked here

	// The owner disables Oscar; then the retry comes due.
	tm.post(t, tm.olga, fmt.Sprintf("/app/settings/users/%d/disable", tm.oscar.UserID), url.Values{"disabled": {"true"}})
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, retryID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	settle(t, e, "acme")
	var status string
	if err := db.Read.QueryRow(`SELECT status FROM jobs WHERE id = ?`, retryID).Scan(&status); err != nil || status != "done" {
		t.Errorf("the retried push job is %q (%v), want done (dropped)", status, err)
	}
	select {
	case p := <-fake.got:
		t.Errorf("a push reached the phone of a person whose access was disabled: %s", br.decrypt(t, p.Body))
	default:
	}
}

func drain(f *fakePush) {
	for {
		select {
		case <-f.got:
		default:
			for len(f.answers) > 0 {
				<-f.answers
			}
			return
		}
	}
}
