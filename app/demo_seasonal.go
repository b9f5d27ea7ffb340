package app

import (
	"context"
	"time"

	"highvibe/app/platform"
	"highvibe/app/seasonal"
	"highvibe/app/tenantdb"
)

// seedDemoSeasonal turns the seasonal calendar on for the demo's stone and paving business and
// puts the dates such a business plans around on it: the spring building season (preset), the
// push to finish outdoor work before the autumn rains (preset), and the two holidays that stop
// the sites for days, worded by the owner (a quieter week: negative uplift). The seasonal job
// raises a recommendation for a date whose lead time has begun, as it would any day.
func seedDemoSeasonal(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	// On top of the modules the demo has by now (the niche's, and inventory: demo_stock.go).
	cur, err := s.Platform.TenantBySlug(ctx, t.Slug)
	if err != nil {
		return err
	}
	mods := append(cur.EnabledModules(), platform.ModuleSeasonal)
	list := ""
	for i, m := range mods {
		if i > 0 {
			list += ","
		}
		list += m
	}
	if err := s.Platform.SetSettings(ctx, t.Slug, map[string]string{"modules": list}); err != nil {
		return err
	}
	now := time.Now()
	by := seasonal.Actor{Name: DemoUserName}
	for _, k := range []string{"spring_season", "autumn_finish"} {
		p, _ := seasonal.PresetByKey(k)
		c := p.Campaign(demoPresetName[k])
		switch k {
		case "spring_season":
			c.Notes = "Kilit taşı ve bordür stoğunu Şubat sonuna kadar tamamlayın; iki ekip daha için taşeronla görüşün."
		case "autumn_finish":
			c.Notes = "Eylülde gelen bahçe ve otopark tekliflerine hızlı dönün: Kasımda yağmur başlayınca döşeme durur."
		}
		if err := seasonal.Save(ctx, db, c, by, now); err != nil {
			return err
		}
	}
	ny, _ := seasonal.PresetByKey("new_year")
	c := ny.Campaign("Yılbaşı")
	c.LeadDays, c.UpliftPct = 30, -30
	c.Notes = "Aralık ortasından sonra şantiyeler yavaşlar: açık teklifleri Aralık başında toparlayın, Ocak programını şimdiden verin."
	if err := seasonal.Save(ctx, db, c, by, now); err != nil {
		return err
	}
	kb, _ := seasonal.PresetByKey("kurban_bayrami")
	c = kb.Campaign("Kurban Bayramı")
	c.LeadDays, c.UpliftPct = 14, -40
	c.Notes = "Bayram haftası ekipler izinde: teslim tarihlerini bayram öncesine ya da sonrasına planlayın."
	if err := seasonal.Save(ctx, db, c, by, now); err != nil {
		return err
	}
	_, err = seasonal.RunCheck(ctx, db, now, true)
	return err
}

// demoPresetName are the demo's preset names, in Turkish like the rest of the demo.
var demoPresetName = map[string]string{
	"spring_season": "İlkbahar inşaat sezonu başlıyor",
	"autumn_finish": "Yağmurlardan önce dış işleri bitirin",
}
