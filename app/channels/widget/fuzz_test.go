package widget

import (
	"testing"
	"unicode/utf8"
)

func FuzzParsePost(f *testing.F) {
	f.Add([]byte(`{"text":"Merhaba","name":"Ayşe","phone":"0532 123 45 67","consent":true,"lang":"tr"}`))
	f.Add([]byte(`{"token":"abc","text":"مرحبا 👋🏽"}`))
	f.Add([]byte(`{"text":"","email":"a@b"}`))
	f.Add([]byte(`{"text":1}`))
	f.Add([]byte(`{"text":"x","email":"<script>@x.y"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, status, code := ParsePost(b)
		if status == 0 {
			if in == nil || in.Text == "" || utf8.RuneCountInString(in.Text) > MaxText || code != "" {
				t.Fatalf("accepted invalid input: %+v", in)
			}
			return
		}
		if code == "" || status < 400 || status > 499 {
			t.Fatalf("bad refusal %d %q", status, code)
		}
	})
}
