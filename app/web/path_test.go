package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

func TestPathID(t *testing.T) {
	for path, want := range map[string]int64{"/x/42": 42, "/x/0": 0, "/x/-3": 0, "/x/abc": 0, "/x/9999999999999999999": 0, "/x/07": 7} {
		var got int64
		var err error
		mux := http.NewServeMux()
		mux.HandleFunc("GET /x/{id}", func(w http.ResponseWriter, r *http.Request) { got, err = web.PathID(r, "id") })
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if got != want {
			t.Errorf("%s: id %d, want %d", path, got, want)
		}
		if (want == 0) != errors.Is(err, tenantdb.ErrNotFound) {
			t.Errorf("%s: err %v", path, err)
		}
		if want == 0 && web.StatusOf(err) != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, web.StatusOf(err))
		}
	}
}
