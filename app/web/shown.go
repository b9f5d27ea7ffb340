package web

import (
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
)

// ShownField is the hidden field of a settings form that says what the form showed: a
// fingerprint of each setting's value as the page was drawn (ShownOf). A save leaves alone a
// setting the person did not touch in the form when it was changed since the page was drawn — in
// another tab, by another owner, from the command line — instead of writing back the value the
// older page still showed (KeepNewer). A secret is never among them: not even its digest goes
// into a page.
const ShownField = "shown"

// Fingerprint is a short, stable digest of a setting's value, for ShownField.
func Fingerprint(v string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(v))
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

// ShownOf is ShownField's value for the settings keys with values: key:fingerprint pairs.
func ShownOf(keys []string, values map[string]string) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+":"+Fingerprint(values[k]))
	}
	return strings.Join(parts, ",")
}

// ParseShown reads ShownField's value (a post without it: empty, every field is saved as sent).
func ParseShown(s string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		if k, f, ok := strings.Cut(p, ":"); ok {
			out[k] = f
		}
	}
	return out
}

// KeepNewer takes out of kv (the values a form is about to save) each setting the form sent as it
// showed it (shown, from ParseShown) while its stored value (now) changed since: the newer value
// stays. It returns those settings' keys, sorted.
func KeepNewer(kv, shown map[string]string, now func(string) string) []string {
	kept := []string{}
	for k, v := range kv {
		if was, ok := shown[k]; ok && Fingerprint(v) == was && Fingerprint(now(k)) != was {
			delete(kv, k)
			kept = append(kept, k)
		}
	}
	sort.Strings(kept)
	return kept
}
