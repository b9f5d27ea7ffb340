package web

import "net/http"

// A panel page says which business it was drawn for: the top bar carries it (data-business) and
// app.js sends it with every form (FieldBusiness: a field, or in the address of a multipart form)
// and htmx request (HeaderBusiness). The session's business can change after the page was drawn —
// the switcher in another tab, a notification link of another business — and a number on an old
// page (conversation 5, visit 12) would then be read in the new business: a reply typed to one
// customer sent to another one's conversation. Server.panel refuses such a request (PageBusiness).
const (
	FieldBusiness  = "_business"
	HeaderBusiness = "X-HV-Business"
)

// PageBusiness is the slug of the business the request's page was drawn for, "" when the request
// does not say (a page without JavaScript, a caller outside the panel). A form field of that name
// is taken out of the parsed form (CheckFormText parsed a plain one), so no handler reads it as one
// of its own.
func PageBusiness(r *http.Request) string {
	v := r.Header.Get(HeaderBusiness)
	if v == "" {
		v = r.URL.Query().Get(FieldBusiness)
	}
	if r.PostForm != nil {
		if v == "" {
			v = r.PostForm.Get(FieldBusiness)
		}
		r.PostForm.Del(FieldBusiness)
		r.Form.Del(FieldBusiness)
	}
	return v
}
