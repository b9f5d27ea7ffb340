package msp

import (
	"net/http"
	"strconv"
	"time"

	"highvibe/app/auth"
	"highvibe/app/web"
)

// ---- clients ----------------------------------------------------------------------------------

type clientsPage struct {
	Clients   []*Client
	Q         string
	CanManage bool
}

// ClientsList is GET /app/msp/clients/: the clients with their counts, searchable.
func (h *Handler) ClientsList(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q := r.URL.Query().Get("q")
	cs, err := Clients(r.Context(), c.DB.Read, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "clients", c.T("msp.clients.title"), &clientsPage{Clients: cs, Q: q, CanManage: c.Can(auth.ManageSettings)}, nil)
}

type clientPage struct {
	C         *Client // nil: a new client
	In        ClientInput
	Customers []Option
	Sites     []*Site
	Devices   []*Device
	Tickets   []*Ticket
	CanManage bool
	CanWrite  bool
	Today     string
}

func (h *Handler) clientForm(w http.ResponseWriter, r *http.Request, status int, id int64, in *ClientInput, errs map[string]string) {
	c := web.From(r)
	ctx := r.Context()
	d := &clientPage{CanManage: c.Can(auth.ManageSettings), CanWrite: c.Can(auth.WriteCRM), Today: time.Now().In(c.Zone()).Format("2006-01-02")}
	var err error
	if id != 0 {
		if d.C, err = ClientByID(ctx, c.DB.Read, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.In = ClientInput{ContactName: d.C.ContactName, ContactPhone: d.C.ContactPhone, ContactMail: d.C.ContactMail, Notes: d.C.Notes}
		if d.Sites, err = Sites(ctx, c.DB.Read, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if d.Devices, err = Devices(ctx, c.DB.Read, id, ""); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		p, err := List(ctx, c.DB.Read, Filter{Status: FilterAll, ClientID: id, Limit: 20})
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.Tickets = p.Tickets
	} else if d.Customers, err = FreeCustomers(ctx, c.DB.Read); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if in != nil {
		d.In = *in
	}
	title := c.T("msp.client.new")
	if d.C != nil {
		title = d.C.Name
	}
	h.page(w, r, status, "client", title, d, errs)
}

// NewClient is GET /app/msp/clients/new.
func (h *Handler) NewClient(w http.ResponseWriter, r *http.Request) {
	h.clientForm(w, r, http.StatusOK, 0, nil, nil)
}

// Client is GET /app/msp/clients/{id}/: the client's MSP fields, sites, devices and tickets.
func (h *Handler) Client(w http.ResponseWriter, r *http.Request) {
	h.clientForm(w, r, http.StatusOK, idParam(r, "id"), nil, nil)
}

// SaveClient is POST /app/msp/clients/new and POST /app/msp/clients/{id}/.
func (h *Handler) SaveClient(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "customer", "was_customer"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := r.PostForm
	in := clientInputOf(f)
	id := idParam(r, "id")
	if id != 0 {
		in.form = f // the boxes sent as the page drew them take what is stored, read in the save's transaction
	}
	in.Region = c.Tenant.PhoneRegion()
	saved, err := SaveClient(r.Context(), c.DB, id, in, actor(c))
	if errs := web.FieldErrors(r, err); errs != nil {
		in = clientInputOf(f)                                // as the save read it: the untouched boxes with what is stored
		h.clientForm(w, r, web.StatusOf(err), id, &in, errs) // 409 when changed meanwhile
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp.flash.client_saved")
	web.Redirect(w, r, "/app/msp/clients/"+strconv.FormatInt(saved, 10)+"/")
}

// ---- sites ------------------------------------------------------------------------------------

type sitesPage struct {
	Sites    []*Site
	Clients  []*Client
	ClientID int64
	CanWrite bool
}

// SitesList is GET /app/msp/sites/ (?client=<id>).
func (h *Handler) SitesList(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	cid := c.FilterID(r.URL.Query(), "client", c.T("msp.filter.client"))
	ss, err := Sites(r.Context(), c.DB.Read, cid)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	cs, err := ClientOptions(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "sites", c.T("msp.sites.title"), &sitesPage{Sites: ss, Clients: cs, ClientID: cid, CanWrite: c.Can(auth.WriteCRM)}, nil)
}

type sitePage struct {
	S        Site
	Clients  []*Client
	CanWrite bool
}

func (h *Handler) siteForm(w http.ResponseWriter, r *http.Request, status int, s Site, errs map[string]string) {
	c := web.From(r)
	cs, err := ClientOptions(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	title := c.T("msp.site.new")
	if s.ID != 0 {
		title = s.Name
	}
	h.page(w, r, status, "site", title, &sitePage{S: s, Clients: cs, CanWrite: c.Can(auth.WriteCRM)}, errs)
}

// NewSite is GET /app/msp/sites/new (?client=<id>).
func (h *Handler) NewSite(w http.ResponseWriter, r *http.Request) {
	h.siteForm(w, r, http.StatusOK, Site{ClientID: formID(r.URL.Query().Get("client"))}, nil)
}

// Site is GET /app/msp/sites/{id}/.
func (h *Handler) Site(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s, err := SiteByID(r.Context(), c.DB.Read, idParam(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.siteForm(w, r, http.StatusOK, *s, nil)
}

// SaveSite is POST /app/msp/sites/new and POST /app/msp/sites/{id}/.
func (h *Handler) SaveSite(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "client", "was_client"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := r.PostForm
	s := siteOf(idParam(r, "id"), f)
	if s.ID != 0 {
		s.form = f // the boxes sent as the page drew them take what is stored, read in the save's transaction
	}
	id, err := SaveSite(r.Context(), c.DB, s.ID, s, actor(c))
	if errs := web.FieldErrors(r, err); errs != nil {
		s = siteOf(s.ID, f) // as the save read it: the untouched boxes with what is stored
		h.siteForm(w, r, web.StatusOf(err), s, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp.flash.site_saved")
	web.Redirect(w, r, "/app/msp/clients/"+strconv.FormatInt(s.ClientID, 10)+"/#sites-"+strconv.FormatInt(id, 10))
}

// ---- devices ----------------------------------------------------------------------------------

type devicesPage struct {
	Devices  []*Device
	Clients  []*Client
	ClientID int64
	Q        string
	CanWrite bool
	Today    string
}

// DevicesList is GET /app/msp/devices/ (?client=<id>, ?q=).
func (h *Handler) DevicesList(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	cid, q := c.FilterID(r.URL.Query(), "client", c.T("msp.filter.client")), r.URL.Query().Get("q")
	ds, err := Devices(r.Context(), c.DB.Read, cid, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	cs, err := ClientOptions(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "devices", c.T("msp.devices.title"), &devicesPage{Devices: ds, Clients: cs, ClientID: cid, Q: q,
		CanWrite: c.Can(auth.WriteCRM), Today: time.Now().In(c.Zone()).Format("2006-01-02")}, nil)
}

type devicePage struct {
	D        Device
	Clients  []*Client
	Sites    []*Site
	Kinds    []string
	CanWrite bool
}

func (h *Handler) deviceForm(w http.ResponseWriter, r *http.Request, status int, d Device, errs map[string]string) {
	c := web.From(r)
	cs, err := ClientOptions(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	ss, err := Sites(r.Context(), c.DB.Read, 0)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	title := c.T("msp.device.new")
	if d.ID != 0 {
		title = d.Label()
	}
	h.page(w, r, status, "device", title, &devicePage{D: d, Clients: cs, Sites: ss, Kinds: DeviceKinds, CanWrite: c.Can(auth.WriteCRM)}, errs)
}

// NewDevice is GET /app/msp/devices/new (?client=<id>).
func (h *Handler) NewDevice(w http.ResponseWriter, r *http.Request) {
	h.deviceForm(w, r, http.StatusOK, Device{ClientID: formID(r.URL.Query().Get("client")), Kind: "desktop"}, nil)
}

// Device is GET /app/msp/devices/{id}/.
func (h *Handler) Device(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	d, err := DeviceByID(r.Context(), c.DB.Read, idParam(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.deviceForm(w, r, http.StatusOK, *d, nil)
}

// SaveDevice is POST /app/msp/devices/new and POST /app/msp/devices/{id}/.
func (h *Handler) SaveDevice(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "client", "site", "was_client", "was_site"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := r.PostForm
	d := deviceOf(idParam(r, "id"), f)
	if d.ID != 0 {
		d.form = f // the boxes sent as the page drew them take what is stored, read in the save's transaction
	}
	if _, err := SaveDevice(r.Context(), c.DB, d, actor(c)); err != nil {
		if errs := web.FieldErrors(r, err); errs != nil {
			d = deviceOf(d.ID, f) // as the save read it: the untouched boxes with what is stored
			if _, ok := errs["kind"]; ok {
				// msp.err.kind names the codes an import sends; the form offers translated names.
				errs["kind"] = c.T("validation.choice")
			}
			h.deviceForm(w, r, web.StatusOf(err), d, errs)
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp.flash.device_saved")
	web.Redirect(w, r, "/app/msp/devices/?client="+strconv.FormatInt(d.ClientID, 10))
}
