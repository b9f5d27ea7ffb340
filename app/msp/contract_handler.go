package msp

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"highvibe/app/auth"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

type contractRow struct {
	*Contract
	Status string
	Usage  *MonthUsage // this month's, for contracts with hours
}

type contractsPage struct {
	views
	Rows     []contractRow
	Owner    bool
	Client   int64
	Clients  []*Client
	Statuses []string
	Status   string
}

// Contracts is GET /app/msp/contracts/: every contract with its status and this month's hours,
// narrowed by ?client= and ?status=.
func (h *TimeHandler) Contracts(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	q := r.URL.Query()
	d := &contractsPage{views: viewsOf(c), Owner: c.Can(auth.ManageSettings), Client: c.FilterID(q, "client", c.T("msp_time.contract.client")),
		Statuses: []string{ContractActive, ContractEndingSoon, ContractScheduled, ContractEnded}}
	d.Status = c.FilterChoice(q, "status", c.T("msp_time.contract.status"), d.Statuses)
	cs, err := Contracts(ctx, c.DB.Read, d.Client)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Clients, err = Clients(ctx, c.DB.Read, ""); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	month := d.Today[:7]
	for _, k := range cs {
		row := contractRow{Contract: k, Status: k.Status(d.Today)}
		if d.Status != "" && row.Status != d.Status {
			continue
		}
		if k.HasHours() && k.runsOn(d.Today) {
			us, err := Usage(ctx, c.DB.Read, k, []string{month})
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			row.Usage = &us[0]
		}
		d.Rows = append(d.Rows, row)
	}
	h.page(w, r, http.StatusOK, "contracts", c.T("msp_time.contracts.title"), d, nil)
}

type contractPage struct {
	views
	C       *Contract
	Status  string
	Usage   []MonthUsage
	Sites   map[int64]string
	Devices map[int64]string
	Owner   bool
}

// Contract is GET /app/msp/contracts/{id}/: a contract, what it covers and its hours month by
// month (the last 12), with the over-allowance warning on the months that went over.
func (h *TimeHandler) Contract(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	k, err := ContractByID(ctx, c.DB.Read, pathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &contractPage{views: viewsOf(c), C: k, Owner: c.Can(auth.ManageSettings)}
	d.Status = k.Status(d.Today)
	// The months with hours included, and time counted against them: also a month that included
	// hours before the contract became per incident, or that lies outside days changed since.
	months, err := UsageMonths(ctx, c.DB.Read, k, d.Today, 12)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	us, err := Usage(ctx, c.DB.Read, k, months)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, u := range us {
		if u.Included > 0 || k.HasHours() {
			d.Usage = us
			break
		}
	}
	if d.Sites, err = siteNames(ctx, c.DB.Read, k.SiteIDs); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Devices, err = deviceNames(ctx, c.DB.Read, k.DeviceIDs); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "contract", c.T("msp_time.contract.title", k.ClientName), d, nil)
}

type contractForm struct {
	views
	ID      int64 // 0: a new contract
	C       *Contract
	In      ContractInput
	Clients []*Client
	Client  *Client
	Sites   []*Site
	Devices []*Device
	Kinds   []string
	Curr    []string
	// FirstOpen is the first month still open for billing (YYYY-MM): the client's time from it on
	// counts by the contract as saved; closed months keep theirs.
	FirstOpen string
}

// Picked reports whether a site or device id is among the form's covered ones.
func (f *contractForm) Picked(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// NewContract is GET /app/msp/contracts/new?client=: first the client, then the contract's form
// with that client's sites and devices to pick from.
func (h *TimeHandler) NewContract(w http.ResponseWriter, r *http.Request) {
	in := ContractInput{ClientID: numID(r.URL.Query().Get("client")), Kind: ContractManaged, Currency: "TRY"}
	h.contractForm(w, r, 0, http.StatusOK, in, nil)
}

// EditContract is GET /app/msp/contracts/{id}/edit.
func (h *TimeHandler) EditContract(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	k, err := ContractByID(r.Context(), c.DB.Read, pathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if k.EndedAt != 0 {
		h.Render.Fail(w, r, ErrContractEnded)
		return
	}
	in := ContractInput{ClientID: k.ClientID, Kind: k.Kind, StartsOn: k.StartsOn, EndsOn: k.EndsOn, Currency: k.Currency, Notes: k.Notes,
		SiteIDs: k.SiteIDs, DeviceIDs: k.DeviceIDs, Hours: hoursValue(k.MonthlyMinutes), Price: trimAmount(k.Price())}
	h.contractForm(w, r, k.ID, http.StatusOK, in, nil)
}

// hoursValue writes a contract's monthly minutes as the form's hours, with at most two decimals
// (440 minutes: "7.33"), which read back as the same minutes.
func hoursValue(minutes int) string { return trimAmount(math.Round(float64(minutes)/60*100) / 100) }

// readCents is parse (parseAmount, parseMoneyIn) in hundredths, as web.Number compares amounts.
func readCents(parse func(string) (float64, bool)) func(string) (int64, bool) {
	return func(s string) (int64, bool) {
		f, ok := parse(s)
		return int64(math.Round(f * 100)), ok
	}
}

func trimAmount(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (h *TimeHandler) contractForm(w http.ResponseWriter, r *http.Request, id int64, status int, in ContractInput, errs map[string]string) {
	c := web.From(r)
	ctx := r.Context()
	d := &contractForm{views: viewsOf(c), ID: id, In: in, Kinds: ContractKinds, Curr: Currencies}
	d.FirstOpen = FirstOpenMonth(d.Today)
	var err error
	if d.Clients, err = Clients(ctx, c.DB.Read, ""); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if in.ClientID != 0 {
		if d.Client, err = ClientByID(ctx, c.DB.Read, in.ClientID); err != nil && !notFound(err) {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if d.Client != nil {
		for _, k := range d.Clients {
			if k.ID == d.Client.ID {
				d.Client.Name = k.Name
			}
		}
		if d.Sites, err = Sites(ctx, c.DB.Read, d.Client.ID); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if d.Devices, err = Devices(ctx, c.DB.Read, d.Client.ID, ""); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	title := c.T("msp_time.form.new_title")
	if id != 0 {
		title = c.T("msp_time.form.edit_title")
	}
	h.page(w, r, status, "contract_form", title, d, errs)
}

func ids(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		if id := numID(v); id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// contractInputOf reads the contract form.
func contractInputOf(f url.Values) ContractInput {
	return ContractInput{ClientID: numID(f.Get("client")), Kind: f.Get("kind"), StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"),
		Hours: f.Get("hours"), Price: f.Get("price"), Currency: f.Get("currency"), Notes: f.Get("notes"),
		SiteIDs: ids(f["site"]), DeviceIDs: ids(f["device"])}
}

// keepUntouched gives the boxes of the edit form (in.form) sent as the page drew them the stored
// contract's values, and the covered sites and devices the stored ones with what the page ticked
// and unticked: a save changes only what its sender changed.
func (in *ContractInput) keepUntouched(old *Contract) error {
	f := in.form
	if f == nil {
		return nil
	}
	err := web.KeepUntouched(f, map[string]any{"kind": web.Choice{Value: old.Kind, Prefix: "msp_time.kind."}, "starts_on": old.StartsOn,
		"ends_on": old.EndsOn, "hours": web.Number{Value: hoursValue(old.MonthlyMinutes), Read: readCents(parseAmount)},
		"price":    web.Number{Value: trimAmount(old.Price()), Read: readCents(func(s string) (float64, bool) { return parseMoneyIn(s, old.Currency) })},
		"currency": old.Currency,
		"notes":    old.Notes})
	web.KeepUntouchedSet(f, "site", old.SiteIDs)
	web.KeepUntouchedSet(f, "device", old.DeviceIDs)
	*in = contractInputOf(f)
	in.form = f
	return err
}

// SaveContract is POST /app/msp/contracts/new and POST /app/msp/contracts/{id}/: creates or
// changes a contract (the owner's). Bad input answers 422 with the form, storing nothing.
func (h *TimeHandler) SaveContract(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "client", "site", "device"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := r.PostForm
	id := pathID(r, "id")
	if strings.HasSuffix(r.URL.Path, "/new") {
		id = 0
	}
	in := contractInputOf(f)
	if id != 0 {
		// The boxes sent as the page drew them take what is stored, read in the save's transaction.
		in.form = f
	}
	saved, rc, err := SaveContractRecounted(r.Context(), c.DB, id, in, timeActor(c))
	if err != nil {
		if errs := web.FieldErrors(r, err); errs != nil {
			in = contractInputOf(f) // as the save read it: the untouched boxes with what is stored
			if id != 0 {
				if k, err := ContractByID(r.Context(), c.DB.Read, id); err == nil {
					in.ClientID = k.ClientID
				}
			}
			h.contractForm(w, r, id, web.StatusOf(err), in, errs) // 409 when changed meanwhile
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	if rc.Kept > 0 {
		// Said, not done silently: the time of closed months that would count elsewhere now stays.
		web.FlashSay(w, r, true, i18n.P("msp_time.contract.saved"), keptClosed(rc), i18n.P("msp_time.kept_closed_reopen"))
	} else {
		web.FlashKey(w, r, true, "msp_time.contract.saved")
	}
	web.Redirect(w, r, "/app/msp/contracts/"+strconv.FormatInt(saved, 10)+"/")
}

// keptClosed says which time of months closed for billing stayed counted as it was billed after
// an edit that counts the open months' time anew (rc.Kept > 0).
func keptClosed(rc Recount) i18n.Phrase {
	return i18n.P("msp_time.kept_closed", i18n.Count{Key: "msp_time.kept_closed_entries", N: rc.Kept}, MinutesPhrase(rc.KeptMinutes))
}

// EndContract is POST /app/msp/contracts/{id}/end: the owner ends a contract today.
func (h *TimeHandler) EndContract(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	k, err := EndContract(r.Context(), c.DB, pathID(r, "id"), timeActor(c))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp_time.contract.ended_flash", i18n.Day(k.EndsOn))
	web.Redirect(w, r, "/app/msp/contracts/"+strconv.FormatInt(k.ID, 10)+"/")
}
