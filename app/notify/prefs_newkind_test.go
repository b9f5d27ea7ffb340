package notify_test

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"highvibe/app/notify"
	"highvibe/app/tenantdb"
	"highvibe/schema"
)

// TestNewKindReachesThePhoneOfWhoSavedBefore: a kind added to the product after a person saved
// their notification settings reaches their phone, as it does everyone who never saved any; the
// kinds they turned off stay off. Before, the settings kept only the kinds ticked on, so the site
// visit and SLA kinds reached no phone of anyone who had ever saved (for quiet hours, say).
func TestNewKindReachesThePhoneOfWhoSavedBefore(t *testing.T) {
	// A control database as it was before this change (platform migrations up to 00008), with
	// the settings of people who saved at three points of the product's history.
	old := fstest.MapFS{}
	if err := fs.WalkDir(schema.FS, "platform", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if v, _ := strconv.Atoi(strings.SplitN(path.Base(p), "_", 2)[0]); v <= 8 {
			b, err := fs.ReadFile(schema.FS, p)
			old[p] = &fstest.MapFile{Data: b}
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/platform.db"
	db, err := tenantdb.Open(t.Context(), file, old, "platform")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users(id, username, password_hash) VALUES (1, 'early', 'x'), (2, 'visits', 'x'), (3, 'recent', 'x')`,
		// Saved when there were six kinds, approvals turned off.
		`INSERT INTO notify_prefs(user_id, push_kinds, email_kinds, quiet_start, quiet_end, updated_at)
			VALUES (1, 'new_conversation,assigned_message,handoff,mention,overdue', '', 1320, 420, 0)`,
		// Saved once site visits existed, "visit soon" turned off.
		`INSERT INTO notify_prefs(user_id, push_kinds, email_kinds, updated_at)
			VALUES (2, 'new_conversation,assigned_message,handoff,mention,approval,overdue,visit_answer', '', 0)`,
		// Saved with every kind there is today, SLA warnings turned off.
		`INSERT INTO notify_prefs(user_id, push_kinds, email_kinds, updated_at)
			VALUES (3, 'new_conversation,assigned_message,handoff,mention,approval,overdue,visit_soon,visit_answer,sla_breach', '', 0)`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = tenantdb.Open(t.Context(), file, schema.FS, "platform"); err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	off := func(user int64) []string {
		p, err := notify.LoadPrefs(t.Context(), db, user)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, k := range notify.Kinds {
			if !p.Push[k] {
				out = append(out, k)
			}
		}
		return out
	}
	for user, want := range map[int64]string{1: "approval", 2: "visit_soon", 3: "sla_soon"} {
		if got := strings.Join(off(user), ","); got != want {
			t.Errorf("user %d: off for the phone %q, want only %q", user, got, want)
		}
	}

	// Saved today, then a kind is added: it is on for the phone; what was turned off stays off.
	p := notify.DefaultPrefs()
	p.Push[notify.KindMention] = false
	if err := notify.SavePrefs(t.Context(), db, 3, p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE notify_prefs SET push_kinds = replace(push_kinds, ',sla_breach', '') WHERE user_id = 3`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(off(3), ","); got != notify.KindMention {
		t.Errorf("after saving with mentions off: off %q, want only mention", got)
	}
}
