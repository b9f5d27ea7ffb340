package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// flashKeyMark starts a stored banner that is a catalog key with its arguments rather than words:
// it is put into words when shown, in the language of the page that shows it, so a banner queued
// in Turkish and read after switching to Arabic is Arabic.
const flashKeyMark = "\x00key\x00"

// flashArg is one argument of a keyed banner: words (a name, a number already formatted), a whole
// number, or a moment (shown as date and time in the reader's language and zone).
type flashArg struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	T *int64  `json:"t,omitempty"` // Unix ms
}

type flashKeyed struct {
	Key  string     `json:"k"`
	Args []flashArg `json:"a,omitempty"`
}

// FlashKey stores a one-time banner for the next page as a catalog key and its arguments
// (strings, whole numbers, time.Time), translated when the page shows it.
func FlashKey(w http.ResponseWriter, r *http.Request, ok bool, key string, args ...any) {
	k := flashKeyed{Key: key}
	for _, a := range args {
		var fa flashArg
		switch v := a.(type) {
		case string:
			fa.S = &v
		case int:
			n := int64(v)
			fa.I = &n
		case int64:
			fa.I = &v
		case time.Time:
			ms := v.UnixMilli()
			fa.T = &ms
		default:
			s := fmt.Sprint(v)
			fa.S = &s
		}
		k.Args = append(k.Args, fa)
	}
	b, err := json.Marshal(k)
	if err != nil {
		return
	}
	Flash(w, r, ok, flashKeyMark+string(b))
}

// flashWords is a stored banner in c's language: a keyed one is translated now, words stay as
// they were stored.
func flashWords(c *Ctx, stored string) string {
	raw, keyed := strings.CutPrefix(stored, flashKeyMark)
	if !keyed {
		return stored
	}
	var k flashKeyed
	if err := json.Unmarshal([]byte(raw), &k); err != nil || k.Key == "" {
		return ""
	}
	args := make([]any, 0, len(k.Args))
	for _, a := range k.Args {
		switch {
		case a.S != nil:
			args = append(args, *a.S)
		case a.I != nil:
			args = append(args, *a.I)
		case a.T != nil:
			args = append(args, c.P.DateTime(time.UnixMilli(*a.T).In(c.Zone())))
		default:
			args = append(args, "")
		}
	}
	return c.T(k.Key, args...)
}
