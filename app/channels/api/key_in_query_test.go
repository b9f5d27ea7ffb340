package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// The integration API refuses a key sent in the address (?api_key=) with 401 naming the headers:
// it was accepted on every /api/v1 route, so keys ended up in proxies' and servers' access logs.
// The same key in a header works.
func TestAPIRefusesKeyInTheAddress(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	key := e.APIKey("acme", "read", "import")
	c := e.Client()

	for _, path := range []string{"/api/v1/conversations?api_key=" + key, "/api/v1/recommendations?status=pending&api_key=" + key} {
		r := c.Get(path)
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s with the key in the address: %d, want 401", strings.Replace(path, key, "KEY", 1), r.StatusCode)
			continue
		}
		var p struct {
			Code   string `json:"code"`
			Detail string `json:"detail"`
		}
		_ = json.Unmarshal([]byte(r.Body), &p)
		if p.Code != "key_in_query" || !strings.Contains(p.Detail, "Authorization: Bearer") || !strings.Contains(p.Detail, "X-Api-Key") {
			t.Errorf("refusal: %s", r.Body)
		}
	}
	// Also with a header: the key in the address is refused whatever else came.
	req, _ := http.NewRequest("POST", e.URL+"/api/v1/leads?api_key="+key, strings.NewReader(`{"name":"A"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	if r := c.Do(req); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST with the key in the address and a header: %d, want 401", r.StatusCode)
	}

	req, _ = http.NewRequest("GET", e.URL+"/api/v1/conversations", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	if r := c.Do(req); r.StatusCode != http.StatusOK {
		t.Errorf("the key in the Authorization header: %d %s", r.StatusCode, r.Body)
	}
	req, _ = http.NewRequest("GET", e.URL+"/api/v1/conversations", nil)
	req.Header.Set("X-Api-Key", key)
	if r := c.Do(req); r.StatusCode != http.StatusOK {
		t.Errorf("the key in X-Api-Key: %d %s", r.StatusCode, r.Body)
	}
}
