package inbox

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// A message that asks for a template keeps it with the message (its annotations), also when it is
// scheduled (the job id is added to the same annotations), so the deliverer and a retry find it.
func TestOutgoingTemplateIsStoredWithTheMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	s := &Service{Channels: FakeChannels()}
	in, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321234567", ProviderMessageID: "wamid.T1",
		Phone: "+905321234567", Name: "Ayşe", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	tpl := &TemplateUse{Purpose: PurposeVisitConfirmation, Params: []string{"Ayşe", "3 Aralık 10:00", "Moda Cd. 5"}}
	now, later := Outgoing{Direction: "outbound", AuthorKind: "system", Body: "Keşif 3 Aralık 10:00", Template: tpl},
		Outgoing{Direction: "outbound", AuthorKind: "system", AuthorName: "Talha", Body: "Yarın keşif", ScheduledAt: time.Now().Add(time.Hour),
			Template: &TemplateUse{Purpose: PurposeVisitReminder, Params: []string{"10:00"}}}
	for _, o := range []Outgoing{now, later} {
		id, err := s.AddMessage(ctx, "acme", db, in.ConversationID, o, "")
		if err != nil {
			t.Fatal(err)
		}
		m, err := MessageByID(ctx, db.Read, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.Template(), o.Template) || m.Body != o.Body {
			t.Errorf("stored %q with template %+v, want %q with %+v", m.Body, m.Template(), o.Body, o.Template)
		}
		if !o.ScheduledAt.IsZero() && (m.Notes().JobID == 0 || m.Notes().AuthorName != "Talha") {
			t.Errorf("scheduled message lost its job or author: %s", m.Annotations)
		}
	}
	plain, err := s.AddMessage(ctx, "acme", db, in.ConversationID, Outgoing{Direction: "outbound", AuthorKind: "ai", Body: "Tamam"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := MessageByID(ctx, db.Read, plain); m.Template() != nil {
		t.Errorf("a plain reply has template %+v", m.Template())
	}
	for _, bad := range []Outgoing{
		{Direction: "outbound", Body: "x", Template: &TemplateUse{Purpose: "marketing_blast"}},
		{Direction: "system", Body: "x", Template: &TemplateUse{Purpose: PurposeFollowUp}},
	} {
		if _, err := s.AddMessage(ctx, "acme", db, in.ConversationID, bad, ""); err == nil {
			t.Errorf("stored %+v", bad)
		}
	}
}
