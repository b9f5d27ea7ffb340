package telegram

import "testing"

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"update_id":10000,"message":{"message_id":1365,"from":{"id":1111111,"is_bot":false,"first_name":"Ayşe"},"chat":{"id":-1001234567890123,"type":"supergroup"},"date":1441645532,"text":"Merhaba 👋"}}`))
	f.Add([]byte(`{"update_id":2,"message":{"message_id":2,"chat":{"id":9007199254740993,"type":"private"},"date":1,"photo":[{"file_id":"x"}],"caption":"bahçe"}}`))
	f.Add([]byte(`{"update_id":3,"edited_message":{"message_id":2,"chat":{"id":1},"date":1,"text":"edit"}}`))
	f.Add([]byte(`{"message":{}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		if p.Message != nil && p.Message.Body == "" && p.Message.Kind != "text" {
			t.Fatalf("empty body for %s", p.Message.Kind)
		}
	})
}

func TestParseKinds(t *testing.T) {
	p, err := Parse([]byte(`{"update_id":2,"message":{"message_id":2,"from":{"id":5,"first_name":"Ali","last_name":"Veli"},"chat":{"id":9007199254740993,"type":"private"},"date":1700000000,"photo":[{"file_id":"x"}],"caption":"bahçe fotoğrafı"}}`))
	if err != nil || p.Message == nil || p.Message.ChatID != 9007199254740993 || p.Message.Body != "bahçe fotoğrafı" || p.Message.Name != "Ali Veli" {
		t.Fatalf("%v %+v", err, p)
	}
	p, _ = Parse([]byte(`{"update_id":3,"edited_message":{"message_id":2,"chat":{"id":1},"date":1,"edit_date":1700000100,"text":"edit"}}`))
	if p.Message == nil || !p.Message.Edited || p.Message.MessageID != 2 || p.Message.Body != "edit" || p.Message.At.Unix() != 1700000100 {
		t.Fatalf("an edit reads %+v, want the new words of message 2 at the edit's time", p.Message)
	}
	if _, err := Parse([]byte(`{"message":{}}`)); err == nil {
		t.Fatal("update without update_id accepted")
	}
}
