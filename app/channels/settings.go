package channels

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/channels/widget"
	"highvibe/app/docs"
	"highvibe/app/fault"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/settingdef"
	"highvibe/app/web"
)

// Settings is the owner's channels page: one section per registered channel (the widget's embed
// code, WhatsApp, Telegram, e-mail...), drawn from the channel registry alone.
type Settings struct {
	Render   *web.Renderer
	Platform *platform.Service
	Channels *channel.Registry // the settings this page edits are the channels' (Info.Settings), in form order
}

type settingsData struct {
	Slug     string
	Shown    string            // web.ShownField: the non-secret values the form shows (never a secret's digest)
	Values   map[string]string // non-secret values
	Set      map[string]bool   // secrets: set or not, never the value
	Sections []section
}

// section is one channel's part of the page, ready to draw.
type section struct {
	ID, Title string
	channel.Section
	Code      string // Section.Code for this tenant and server ("" = none)
	Links     []channel.Link
	Connected bool              // every Section.Ready setting has a value
	Read      *channel.LastRead // Section.LastRead's answer (nil: none, or before the first try)
	Fields    []settingdef.Def
}

func (h *Settings) data(r *http.Request) (*settingsData, error) {
	c := web.From(r)
	t := c.Tenant
	o := widget.Origin(r)
	d := &settingsData{Slug: t.Slug, Values: map[string]string{}, Set: map[string]bool{}}
	var plain []string
	for _, st := range h.Channels.Settings() {
		k := st.Key
		if st.IsSecret() {
			d.Set[k] = t.Setting(k) != ""
		} else {
			d.Values[k] = t.Setting(k)
			plain = append(plain, k)
		}
	}
	d.Shown = web.ShownOf(plain, d.Values)
	for _, ch := range h.Channels.All() {
		i := ch.Info()
		if len(i.Settings) == 0 && i.Section.Help == "" && i.Section.Code == nil {
			continue
		}
		sec := section{ID: i.Name, Title: cmp.Or(i.Section.Title, i.Label()), Section: i.Section, Fields: i.Settings, Connected: true}
		if i.Section.Code != nil {
			sec.Code = i.Section.Code(o, t.Slug, t.PrimaryLocale)
		}
		for _, l := range i.Section.Links {
			sec.Links = append(sec.Links, channel.Link{Label: l.Label, Href: strings.ReplaceAll(l.Href, "{slug}", t.Slug)})
		}
		for _, k := range i.Section.Ready {
			if d.Values[k] == "" && !d.Set[k] {
				sec.Connected = false
			}
		}
		// The last read belongs to a mailbox the page says is connected: once its server is
		// cleared, an old "last read worked" (or failed) would describe a channel that is off.
		if i.Section.LastRead != nil && sec.Connected {
			read, err := i.Section.LastRead(r.Context(), c.DB.Read)
			if err != nil {
				return nil, err
			}
			sec.Read = read
		}
		d.Sections = append(d.Sections, sec)
	}
	return d, nil
}

// Show is GET /app/settings/channels.
func (h *Settings) Show(w http.ResponseWriter, r *http.Request) {
	d, err := h.data(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, d, nil)
}

func (h *Settings) render(w http.ResponseWriter, r *http.Request, status int, d *settingsData, errs web.Errors) {
	c := web.From(r)
	// Each channel's section links its own guide page; the page as a whole links the guide's
	// part on every channel at once (conversations and channels, under troubleshooting), in the
	// guide language the viewer reads it in.
	h.Render.Render(w, r, status, "channels/settings", &web.Page{Title: c.T("channels.settings.title"), Nav: "settings", Guide: channelsGuidePart[docs.Lang(c.Lang)], Data: d, Errors: errs})
}

// channelsGuidePart is the guide's part on every channel at once, per guide language: its
// heading's anchor differs with the language ("Conversations and channels", "Konuşmalar ve
// kanallar").
var channelsGuidePart = map[string]string{
	"en": "troubleshooting#conversations-and-channels",
	"tr": "troubleshooting#konusmalar-ve-kanallar",
}

// Save is POST /app/settings/channels. A secret left empty keeps its stored value; the "clear_"
// checkbox next to it removes it. Any bad value: the form again at 422, nothing stored.
func (h *Settings) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	kv, errs := h.readForm(r.PostForm, c.T)
	if errs.Any() {
		d, err := h.data(r)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		for k := range d.Values {
			if v, ok := r.PostForm[k]; ok {
				d.Values[k] = v[0]
			}
		}
		if _, ok := r.PostForm[web.ShownField]; ok {
			d.Shown = r.PostForm.Get(web.ShownField) // the corrected post compares with what was first shown
		}
		h.render(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	// A field left as the page showed it, while its setting changed since (another tab, another
	// owner): the newer value stays. Secrets are saved only when typed or cleared.
	now, err := h.Platform.TenantBySlug(r.Context(), c.Tenant.Slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	kept := web.KeepNewer(kv, web.ParseShown(r.PostForm.Get(web.ShownField)), now.Setting)
	if len(kv) > 0 {
		if err := h.Platform.SetSettings(r.Context(), c.Tenant.Slug, kv); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	// A channel that polls starts (or resumes) reading as soon as its settings are saved.
	for _, kind := range h.fetchJobs(kv) {
		if _, err := jobs.EnqueueDB(r.Context(), c.DB, kind, struct{}{}, jobs.Options{MaxAttempts: 1, DedupeKey: "settings"}); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	changed, shown := h.logged(kv)
	payload := map[string]any{"after": shown, "updated_by_user_id": c.UserID()}
	if len(kept) > 0 {
		payload["kept_newer"] = kept
	}
	_ = audit.Log(r.Context(), c.DB, audit.Entry{Provider: "settings", ActionType: "update_channels", Summary: "channel settings saved: " + strings.Join(changed, ", "),
		Payload: payload, ModelName: "human-review", ActorUserID: c.UserID(), ActorName: c.User.Username})
	if len(kept) > 0 {
		web.FlashKey(w, r, true, "settings.saved_kept")
	} else {
		web.FlashKey(w, r, true, "channels.settings.saved")
	}
	web.Redirect(w, r, "/app/settings/channels")
}

// readForm takes the registered channels' settings from a posted form: the values to store
// (a secret left empty is not among them; "clear_<key>" stores "") and, per field, what is wrong
// in the user's language (t).
func (h *Settings) readForm(form url.Values, t func(string, ...any) string) (map[string]string, web.Errors) {
	kv := map[string]string{}
	errs := web.Errors{}
	for _, st := range h.Channels.Settings() {
		k := st.Key
		v := strings.TrimSpace(form.Get(k))
		if st.IsSecret() {
			if form.Get("clear_"+k) == "1" {
				kv[k] = ""
				continue
			}
			if v == "" {
				continue
			}
		} else if _, ok := form[k]; !ok {
			continue
		}
		if msg := fieldProblem(st, v, t); msg != "" {
			errs.Add(k, msg)
			continue
		}
		if err := h.Platform.ValidateSetting(k, v); err != nil {
			errs.Add(k, t("channels.settings.invalid"))
			continue
		}
		kv[k] = v
	}
	return kv, errs
}

// fieldProblem says, in the user's language (t), what is wrong with v for the setting st, or "":
// too long names the field's limit (a WhatsApp verify token or template name of too many
// characters was answered "a URL must start with http://"), then the field's own Problem (which
// characters it takes), a choice or a number out of range. Whatever else the setting's checks
// refuse (an address that is not http:// or https://) is channels.settings.invalid.
func fieldProblem(st settingdef.Def, v string, t func(string, ...any) string) string {
	if st.MaxLen > 0 && utf8.RuneCountInString(v) > st.MaxLen {
		return t("validation.too_long", st.MaxLen)
	}
	if v == "" {
		return ""
	}
	if st.Problem != nil {
		if key := st.Problem(v); key != "" {
			return t(key)
		}
	}
	if len(st.Options) > 0 && !slices.Contains(st.Options, v) {
		return t("validation.choice")
	}
	if st.Kind == settingdef.Number && st.Max > st.Min {
		if n, err := strconv.Atoi(v); err != nil || n < st.Min || n > st.Max {
			return t("validation.range", st.Min, st.Max)
		}
	}
	return ""
}

// fetchJobs are the job kinds of the polling channels (Info.FetchJob) with a setting in kv.
func (h *Settings) fetchJobs(kv map[string]string) []string {
	var out []string
	for _, ch := range h.Channels.All() {
		i := ch.Info()
		if i.FetchJob == "" {
			continue
		}
		for _, st := range i.Settings {
			if _, ok := kv[st.Key]; ok {
				out = append(out, i.FetchJob)
				break
			}
		}
	}
	return out
}

// logged is what the action log keeps of saved settings: the keys, and the values with every
// secret replaced by "set" or "cleared".
func (h *Settings) logged(kv map[string]string) (changed []string, shown map[string]any) {
	changed = make([]string, 0, len(kv))
	shown = map[string]any{}
	for k, v := range kv {
		changed = append(changed, k)
		if h.Platform.IsSecret(k) {
			shown[k] = map[bool]string{true: "set", false: "cleared"}[v != ""]
		} else {
			shown[k] = v
		}
	}
	return changed, shown
}
