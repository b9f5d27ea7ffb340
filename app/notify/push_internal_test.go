package notify_test

import (
	"encoding/base64"
	"net"
	"net/http"
	"testing"

	"highvibe/app/notify"
)

// TestPushSubscriptionRefusesInternalAddresses: a push subscription is an address the server
// posts to, and any member, a viewer too, can hand one in. One naming the server itself or the
// network it stands in (loopback, private, link-local such as a cloud's metadata service) is
// refused, so nobody can make the server knock on its internal services and learn from the
// subscription vanishing (404/410) what answers there.
func TestPushSubscriptionRefusesInternalAddresses(t *testing.T) {
	tm := newTeam(t)
	br := newBrowser(t)
	for _, ep := range []string{"https://127.0.0.1:8443/x", "https://localhost/x", "https://api.localhost/x", "https://[::1]/x",
		"https://10.0.0.5/x", "https://192.168.1.1/x", "https://172.16.0.1/x", "https://169.254.169.254/latest/x",
		"https://[fd00::1]/x", "https://[fe80::1]/x", "https://0.0.0.0/x", "https://[::ffff:127.0.0.1]/x", "https://2130706433/x"} {
		if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(ep), nil); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("subscription to %s: %d, want 422", ep, r.StatusCode)
		}
	}
	subs, err := notify.Subscriptions(t.Context(), tm.e.Server.Platform.DB, tm.oscar.UserID)
	if err != nil || len(subs) != 0 {
		t.Fatalf("subscriptions stored: %v %v", subs, err)
	}
	for _, ep := range []string{"https://fcm.googleapis.com/fcm/send/abc:def", "https://web.push.apple.com/QGx", "https://updates.push.services.mozilla.com/wpush/v2/gAAA"} {
		if r := tm.oscar.PostJSON("/app/notifications/push/subscribe", br.subscription(ep), nil); r.StatusCode != http.StatusOK {
			t.Errorf("subscription to %s: %d, want 200", ep, r.StatusCode)
		}
	}
}

// TestPushNeverDialsAnInternalAddress: a subscription stored before internal addresses were
// refused (or a name that resolves into the server's network) is not dialled: the push client
// connects to public addresses only. Here one points at a listener on the server's own loopback;
// a notification for its owner is queued and worked off, and nothing connects.
func TestPushNeverDialsAnInternalAddress(t *testing.T) {
	tm := newTeam(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialled := make(chan struct{}, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dialled <- struct{}{}
			c.Close()
		}
	}()
	br := newBrowser(t)
	if err := notify.Subscribe(t.Context(), tm.e.Server.Platform.DB, notify.Subscription{UserID: tm.oscar.UserID,
		Endpoint: "https://" + ln.Addr().String() + "/wpush/x", P256dh: base64.RawURLEncoding.EncodeToString(br.priv.PublicKey().Bytes()),
		Auth: base64.RawURLEncoding.EncodeToString(br.auth)}); err != nil {
		t.Fatal(err)
	}
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba, parke fiyatı?")
	// The refused push is retried later on purpose, so the test waits for its first try, not
	// for the job to finish (settle would wait for its retries).
	db := tm.e.DB("acme")
	waitFor(t, db, "a push tried", `count(*) > 0 FROM jobs WHERE kind = ? AND attempts > 0`, notify.JobPush)
	select {
	case <-dialled:
		t.Fatal("the server connected to its own loopback for a push")
	default:
	}
}
