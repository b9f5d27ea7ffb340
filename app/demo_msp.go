package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/msp"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// The second demo tenant: an IT service provider with the MSP module on (guide:
// 13-worked-example.md, 42-msp-tickets.md). The demo login is its owner too and switches to it
// with the top bar's tenant switch.
const (
	DemoMSPSlug = "demo-bilisim"
	DemoMSPName = "Pusula Bilişim Hizmetleri" // sorts after the paving business: sign-in still lands there first
)

// demoMSPClients are the provider's clients, Turkish small businesses, with their sites, devices
// and contract. share is the client's weight in the ticket stream.
var demoMSPClients = []demoMSPClient{
	{name: "Yıldız Mali Müşavirlik", contact: "Ayşe Yıldız", phone: "0216 418 22 70", mail: "ayse@yildizmali.com.tr", share: 24,
		notes: "Beyanname dönemlerinde (ayın 20–26'sı) öncelik verilir.",
		sites: []demoMSPSite{{"Kadıköy Merkez Ofis", "Caferağa Mah. Moda Cad. No:112 D:4, Kadıköy/İstanbul",
			"Bina girişinde kapıcıya haber verin; sunucu dolabının anahtarı Ayşe Hanım'da.", "Ayşe Yıldız", "0532 418 22 70"}},
		devices: []demoMSPDevice{
			{0, "server", "MALI-SRV01", "Dell", "PowerEdge T150", 3}, {0, "storage", "MALI-NAS", "Synology", "DS920+", 2},
			{0, "network", "MALI-FW", "Fortinet", "FortiGate 40F", 2}, {0, "printer", "MALI-YAZICI", "HP", "LaserJet Pro M428fdw", 1},
			{0, "desktop", "MALI-PC01", "HP", "ProDesk 400 G7", 1}, {0, "desktop", "MALI-PC02", "HP", "ProDesk 400 G7", 1},
			{0, "desktop", "MALI-PC03", "HP", "ProDesk 400 G7", 1}, {0, "desktop", "MALI-PC04", "Lenovo", "ThinkCentre M70q", 2},
			{0, "laptop", "MALI-LT01", "Lenovo", "ThinkPad E14", 2}},
		contract: demoMSPContract{kind: msp.ContractManaged, startMonths: -14, months: 24, hours: "12", price: "18500"}},
	{name: "Gülüş Ağız ve Diş Sağlığı Polikliniği", contact: "Dt. Mehmet Aksoy", phone: "0216 577 40 15", mail: "mehmet.aksoy@gulusdis.com", share: 20,
		notes: "Röntgen iş istasyonu hasta kayıt programına bağlı; muayene saatlerinde yeniden başlatmayın.",
		sites: []demoMSPSite{{"Ataşehir Klinik", "Atatürk Mah. Ataşehir Bulvarı 38. Ada, Ataşehir/İstanbul",
			"Resepsiyona uğrayın; sunucu odası sterilizasyon odasının yanında.", "Selin Kara", "0533 577 40 16"},
			{"Maltepe Şube", "Bağlarbaşı Mah. Bağdat Cad. No:401, Maltepe/İstanbul", "Cumartesi 14:00'e kadar açık.", "Emre Uçar", "0535 201 88 45"}},
		devices: []demoMSPDevice{
			{0, "server", "GULUS-SRV", "HPE", "ProLiant ML30 Gen10", 2}, {0, "network", "GULUS-FW", "Fortinet", "FortiGate 60F", 2},
			{0, "desktop", "RONTGEN-IS", "Dell", "OptiPlex 7090", 1}, {0, "desktop", "RESEPSIYON-01", "Dell", "OptiPlex 3080", 1},
			{0, "printer", "GULUS-YAZICI", "Brother", "HL-L5100DN", 1}, {1, "desktop", "MALTEPE-PC01", "Dell", "OptiPlex 3080", 1},
			{1, "printer", "MALTEPE-YAZICI", "Brother", "DCP-L2550DN", 1}, {1, "network", "MALTEPE-AP", "Ubiquiti", "UniFi U6 Lite", 2}},
		// The contract that ends within 30 days: its renewal reminder waits in the approval queue.
		contract: demoMSPContract{kind: msp.ContractManaged, startMonths: -12, endInDays: 18, hours: "16", price: "22000"}},
	{name: "Marmara Lojistik ve Depolama A.Ş.", contact: "Hakan Demir", phone: "0216 395 60 00", mail: "hakan.demir@marmaralojistik.com.tr", share: 28,
		notes: "Depo vardiyası 07:00'de başlar; el terminalleri ve etiket yazıcıları kritik.",
		sites: []demoMSPSite{{"Tuzla Depo", "Aydınlı Mah. Organize Sanayi Bölgesi 4. Cad. No:17, Tuzla/İstanbul",
			"Güvenlikte kimlik bırakılır; depo içinde baret zorunlu.", "Murat Polat", "0542 395 60 11"},
			{"Ümraniye Merkez Ofis", "Saray Mah. Dr. Adnan Büyükdeniz Cad. No:4 K:7, Ümraniye/İstanbul", "", "Hakan Demir", "0532 395 60 00"}},
		devices: []demoMSPDevice{
			{0, "server", "LOJ-WMS-SRV", "Dell", "PowerEdge R350", 3}, {0, "storage", "LOJ-NAS01", "Synology", "RS1221+", 2},
			{0, "network", "LOJ-TUZLA-FW", "Fortinet", "FortiGate 80F", 2}, {0, "printer", "ETIKET-01", "Zebra", "ZT411", 1},
			{0, "printer", "ETIKET-02", "Zebra", "ZT411", 1}, {0, "desktop", "DEPO-PC01", "Lenovo", "ThinkCentre M70s", 1},
			{0, "desktop", "DEPO-PC02", "Lenovo", "ThinkCentre M70s", 1}, {1, "network", "LOJ-MERKEZ-FW", "Fortinet", "FortiGate 40F", 2},
			{1, "laptop", "LOJ-LT-HAKAN", "Apple", "MacBook Air M2", 1}, {1, "laptop", "LOJ-LT-MUHASEBE", "Lenovo", "ThinkPad T14", 2},
			{1, "printer", "MERKEZ-YAZICI", "Canon", "imageRUNNER 2425", 1}},
		contract: demoMSPContract{kind: msp.ContractBlock, startMonths: -9, months: 12, hours: "20", price: "24000"}},
	{name: "Ege Mimarlık Tasarım Ofisi", contact: "Zeynep Şahin", phone: "0212 244 71 39", mail: "zeynep@egemimarlik.com", share: 12,
		sites: []demoMSPSite{{"Cihangir Atölye", "Firuzağa Mah. Defterdar Yokuşu No:21, Beyoğlu/İstanbul", "Merdivenler dar; büyük ekipman için önceden arayın.", "Zeynep Şahin", "0536 244 71 39"}},
		devices: []demoMSPDevice{
			{0, "storage", "EGE-NAS", "QNAP", "TS-464", 1}, {0, "desktop", "EGE-RENDER", "Dell", "Precision 3660", 2},
			{0, "laptop", "EGE-LT01", "Apple", "MacBook Pro 14", 1}, {0, "printer", "EGE-PLOTTER", "HP", "DesignJet T650", 1},
			{0, "network", "EGE-ROUTER", "TP-Link", "ER605", 1}},
		contract: demoMSPContract{kind: msp.ContractPerIncident, startMonths: -7, months: 12, price: "1750"}},
	{name: "Karaca Hukuk Bürosu", contact: "Av. Oğuz Karaca", phone: "0212 230 15 88", mail: "oguz@karacahukuk.av.tr", share: 9,
		sites: []demoMSPSite{{"Şişli Ofis", "Halaskargazi Cad. No:214 D:9, Şişli/İstanbul", "", "Gülşen Tekin", "0544 230 15 88"}},
		devices: []demoMSPDevice{
			{0, "storage", "KARACA-NAS", "Synology", "DS224+", 2}, {0, "laptop", "KARACA-LT01", "Lenovo", "ThinkPad X1 Carbon", 2},
			{0, "laptop", "KARACA-LT02", "Lenovo", "ThinkPad X1 Carbon", 2}, {0, "printer", "KARACA-YAZICI", "Kyocera", "ECOSYS M2540dn", 1}},
		contract: demoMSPContract{kind: msp.ContractBlock, startMonths: -5, months: 12, hours: "6", price: "7500"}},
	{name: "Lale Eczanesi", contact: "Ecz. Tuğba Arslan", phone: "0216 336 90 41", mail: "laleeczanesi@gmail.com", share: 7,
		sites: []demoMSPSite{{"Üsküdar Eczane", "Mimar Sinan Mah. Hakimiyeti Milliye Cad. No:58, Üsküdar/İstanbul", "Nöbetçi olduğu gecelerde 24 saat açık.", "Tuğba Arslan", "0555 336 90 41"}},
		devices: []demoMSPDevice{
			{0, "desktop", "ECZANE-PC01", "Casper", "Nirvana N200", 1}, {0, "printer", "ECZANE-YAZICI", "Epson", "TM-T20III", 1},
			{0, "network", "ECZANE-MODEM", "Zyxel", "VMG3625", 1}},
		contract: demoMSPContract{kind: msp.ContractPerIncident, startMonths: -6, months: 12, price: "1250"}},
}

type demoMSPClient struct {
	name, contact, phone, mail, notes string
	share                             int
	sites                             []demoMSPSite
	devices                           []demoMSPDevice
	contract                          demoMSPContract
}

type demoMSPSite struct{ name, address, access, contact, phone string }

// demoMSPDevice: site is an index into the client's sites; warranty is years after purchase.
type demoMSPDevice struct {
	site                    int
	kind, name, make, model string
	warranty                int
}

// demoMSPContract: starts startMonths from today, runs months (or ends endInDays from today).
type demoMSPContract struct {
	kind                string
	startMonths, months int
	endInDays           int
	hours, price        string
}

// demoMSPIssue is a kind of ticket: its category, the usual priority, the device kind it is
// about ("" for none), the subject, what the customer wrote, and what fixed it.
type demoMSPIssue struct {
	category, priority, device string
	subject, body, fix         string
}

var demoMSPIssues = []demoMSPIssue{
	{"hardware", "p3", "desktop", "Bilgisayar açılmıyor", "Sabah geldiğimde bilgisayar açılmadı, güç ışığı yanıp sönüyor.", "Güç kaynağı değiştirildi, bilgisayar çalışıyor."},
	{"hardware", "p3", "laptop", "Laptop ekranı titriyor", "Dizüstünün ekranı kapağı oynatınca titriyor, bazen tamamen kararıyor.", "Ekran kablosu garanti kapsamında değiştirildi."},
	{"hardware", "p2", "server", "Sunucuda disk uyarısı", "Sunucunun önünde turuncu ışık yanıyor, yönetim ekranı disk hatası diyor.", "Arızalı disk değiştirildi, RAID yeniden kuruldu."},
	{"software", "p3", "desktop", "Muhasebe programı güncellemeden sonra açılmıyor", "Dünkü güncellemeden sonra program lisans hatası verip kapanıyor.", "Lisans servisi yeniden kuruldu, program açılıyor."},
	{"software", "p4", "", "Office lisans etkinleştirme uyarısı", "Word açılırken ürün etkinleştirilemedi uyarısı çıkıyor.", "Lisans kullanıcıya yeniden atandı."},
	{"software", "p3", "desktop", "e-Defter programı donuyor", "Berat yüklerken program donuyor, ay sonu yaklaşıyor.", "Program güncellendi, geçici dosyalar temizlendi."},
	{"network", "p2", "network", "İnternet bağlantısı kesik kesik", "Ofiste internet gidip geliyor, bulut programına bağlanamıyoruz.", "Firewall'da WAN portu değiştirildi, servis sağlayıcıya hat arızası bildirildi."},
	{"network", "p1", "network", "Ofiste internet tamamen kesildi", "Hiçbir bilgisayarda internet yok, hasta kayıt programı çalışmıyor.", "Firewall yeniden başlatıldı, yedek hatta geçildi."},
	{"network", "p3", "network", "Misafir Wi-Fi çalışmıyor", "Bekleme salonundaki misafir ağına bağlanılıyor ama internet yok.", "Erişim noktasında misafir ağının DHCP ayarı düzeltildi."},
	{"email", "p3", "", "Outlook e-posta gönderemiyor", "E-postalar giden kutusunda kalıyor, gönderilmiyor.", "SMTP ayarları güncellendi, şifre yenilendi."},
	{"email", "p4", "", "Posta kutusu dolu uyarısı", "Posta kutunuz dolmak üzere uyarısı geliyor.", "Eski e-postalar arşive taşındı, kota artırıldı."},
	{"email", "p2", "", "Şirket adına sahte e-posta gönderilmiş", "Müşterilerimiz bizden gelmiş gibi görünen ödeme e-postası aldıklarını söylüyor.", "SPF ve DMARC kayıtları sıkılaştırıldı, müşterilere bilgi notu hazırlandı."},
	{"account", "p4", "", "Yeni personel için kullanıcı hesabı", "Pazartesi başlayan yeni arkadaşımız için e-posta ve bilgisayar hesabı lazım.", "Hesaplar açıldı, bilgisayar hazırlandı."},
	{"account", "p3", "", "Şifre sıfırlama", "Windows şifremi unuttum, bilgisayara giremiyorum.", "Şifre sıfırlandı, iki adımlı doğrulama kuruldu."},
	{"account", "p3", "", "Ayrılan çalışanın hesabını kapat", "Cuma günü ayrılan çalışanımızın erişimlerini kapatır mısınız?", "Hesap kapatıldı, e-postaları yöneticiye yönlendirildi."},
	{"security", "p1", "desktop", "Şüpheli ek açıldı, dosyalar şifrelenmiş olabilir", "Bir çalışan faturadan gelen eki açtı, ortak klasörde dosya adları değişti.", "Bilgisayar ağdan ayrıldı, dosyalar dünkü yedekten geri yüklendi."},
	{"security", "p2", "network", "Firewall'da çok sayıda giriş denemesi", "Firewall raporunda yurt dışından VPN'e giriş denemeleri görünüyor.", "VPN'e ülke kısıtı ve iki adımlı doğrulama eklendi."},
	{"security", "p3", "", "Antivirüs tehdit uyarısı", "Antivirüs bir dosyayı karantinaya aldı, ne yapmalıyız?", "Dosya incelendi, zararsız reklam yazılımı temizlendi."},
	{"printing", "p3", "printer", "Yazıcı kağıt sıkıştırıyor", "Yazıcı her çıktıda kağıt sıkıştırıyor.", "Besleme silindiri değiştirildi."},
	{"printing", "p2", "printer", "Etiket yazıcısı yanlış basıyor", "Kargo etiketleri kayık basılıyor, sevkiyat bekliyor.", "Yazıcı kalibre edildi, sürücü güncellendi."},
	{"printing", "p4", "printer", "Tarayıcı e-postaya gönderemiyor", "Taradığımız belgeler e-postaya gelmiyor.", "Tarayıcının SMTP ayarları yeni şifreyle güncellendi."},
	{"backup", "p2", "storage", "NAS yedekleme görevi başarısız", "NAS'tan gece yedeği başarısız oldu e-postası geldi.", "Bulut hedefinin erişim anahtarı yenilendi, yedek tamamlandı."},
	{"backup", "p3", "storage", "Silinen klasörün geri yüklenmesi", "Ortak klasörden geçen haftaki müşteri dosyaları silinmiş.", "Klasör anlık görüntüden geri yüklendi."},
	{"backup", "p2", "server", "Sunucu yedeği üç gündür alınmamış", "Yedekleme raporunda son üç gün boş görünüyor.", "Yedekleme servisi yeniden başlatıldı, tam yedek alındı."},
	{"other", "p4", "", "Yeni ofis için kablolama keşfi", "Yan daireyi kiraladık, iki masa için ağ ve priz lazım.", "Keşif yapıldı, kablolama tamamlandı."},
	{"other", "p4", "", "Toplantı odasına ekran kurulumu", "Toplantı odasındaki televizyona kablosuz yansıtma istiyoruz.", "Kablosuz sunum cihazı kuruldu."},
}

// demoMSPReplies are the first public replies, by how the technician starts.
var demoMSPReplies = []string{
	"Merhaba, talebinizi aldık. Uzaktan bağlanıp kontrol ediyorum, birkaç dakika içinde dönüş yapacağım.",
	"Merhaba, kaydınızı açtık. Bilgisayarın AnyDesk numarasını iletebilir misiniz?",
	"Merhaba, sorunu inceliyoruz; gerekirse bugün yerinde bakacağız.",
	"Merhaba, bilgi için teşekkürler. Kayıtları kontrol ediyorum, ilk bulguları yazacağım.",
}

// seedDemoMSP fills the IT provider's tenant: clients, sites, devices and contracts through the
// MSP room's functions, then six months of tickets with their replies, pauses, resolutions and
// time worked through msp.InsertHistoryTx, in one transaction. A second run adds nothing.
func seedDemoMSP(ctx context.Context, s *Server, _ *platform.Tenant, db *tenantdb.DB) error {
	page, err := msp.List(ctx, db.Read, msp.Filter{Status: msp.FilterAll, Limit: 1})
	if err != nil {
		return err
	}
	if len(page.Tickets) > 0 {
		return nil
	}
	cfg := demoHours()
	cfg.Enabled = true
	if err := hoursdb.Save(ctx, db, cfg, time.Now()); err != nil {
		return fmt.Errorf("demo msp: hours: %w", err)
	}
	sched, err := hours.New(cfg)
	if err != nil {
		return err
	}
	loc := sched.Location()
	var talha msp.Actor
	if u, err := s.Platform.UserByUsername(ctx, DemoUser); err == nil {
		talha = msp.Actor{UserID: u.ID, Name: u.Name()}
	}
	now := time.Now()
	today := now.In(loc)
	r := rand.New(rand.NewPCG(2026, 14))
	g := &demoMSPGen{r: r, cr: rand.New(rand.NewPCG(14, 2026)), leads: map[string]int64{}, now: now, loc: loc, sched: sched, tech: talha}
	for ci, c := range demoMSPClients {
		cl := demoMSPClientIDs{}
		if cl.id, err = msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: c.name, ContactName: c.contact, ContactPhone: c.phone,
			ContactMail: c.mail, Notes: c.notes}, talha); err != nil {
			return fmt.Errorf("demo msp: client %s: %w", c.name, err)
		}
		for _, st := range c.sites {
			id, err := msp.SaveSite(ctx, db, 0, msp.Site{ClientID: cl.id, Name: st.name, Address: st.address, AccessNotes: st.access,
				ContactName: st.contact, ContactPhone: st.phone}, talha)
			if err != nil {
				return fmt.Errorf("demo msp: site %s: %w", st.name, err)
			}
			cl.sites = append(cl.sites, id)
		}
		for di, d := range c.devices {
			bought := today.AddDate(0, -6-r.IntN(40), -r.IntN(28))
			id, err := msp.SaveDevice(ctx, db, msp.Device{ClientID: cl.id, SiteID: cl.sites[d.site], Kind: d.kind, Name: d.name, Make: d.make,
				Model: d.model, Serial: demoSerial(r, d.make, ci, di), WarrantyEnd: bought.AddDate(d.warranty, 0, 0).Format(time.DateOnly)}, talha)
			if err != nil {
				return fmt.Errorf("demo msp: device %s: %w", d.name, err)
			}
			cl.devices = append(cl.devices, demoMSPDeviceID{id: id, site: cl.sites[d.site], kind: d.kind})
		}
		k := c.contract
		start := today.AddDate(0, k.startMonths, 0)
		start = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, loc)
		end := start.AddDate(0, k.months, -1)
		if k.endInDays > 0 {
			end = today.AddDate(0, 0, k.endInDays)
		}
		in := msp.ContractInput{ClientID: cl.id, Kind: k.kind, StartsOn: start.Format(time.DateOnly), EndsOn: end.Format(time.DateOnly),
			Hours: k.hours, Price: k.price, Currency: "TRY"}
		// A managed service covers all of the client's work; a block of hours and a per-incident
		// contract cover what they name (guide: "Which contract covers a ticket"): the block the
		// client's main site, the per-incident contract every site of the client — named nothing,
		// they would cover no ticket, and the month summary would bill them nothing.
		switch k.kind {
		case msp.ContractBlock:
			in.SiteIDs = cl.sites[:1]
		case msp.ContractPerIncident:
			in.SiteIDs = cl.sites
		}
		if _, err := msp.SaveContract(ctx, db, 0, in, talha); err != nil {
			return fmt.Errorf("demo msp: contract of %s: %w", c.name, err)
		}
		g.clients = append(g.clients, cl)
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if err := g.tickets(ctx, tx); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "demo", ActionType: "seed_msp", ModelName: "demo-seed",
			Summary: fmt.Sprintf("demo data: %d clients, %d tickets over six months (%d from conversations, %d messages), %d replies, %d time entries",
				len(g.clients), g.count, g.convs, g.msgs, g.replies, g.entries),
			Payload: map[string]any{"clients": len(g.clients), "tickets": g.count, "replies": g.replies, "time_entries": g.entries,
				"conversations": g.convs, "messages": g.msgs}})
		return err
	})
}

type demoMSPClientIDs struct {
	id      int64
	sites   []int64
	devices []demoMSPDeviceID
}

type demoMSPDeviceID struct {
	id, site int64
	kind     string
}

type demoMSPGen struct {
	r                       *rand.Rand
	cr                      *rand.Rand // the channels tickets came in by (its own stream: the tickets' story stays as it was)
	leads                   map[string]int64
	convs, msgs, wamid      int
	now                     time.Time
	loc                     *time.Location
	sched                   *hours.Schedule
	tech                    msp.Actor
	clients                 []demoMSPClientIDs
	count, replies, entries int
	busy                    map[string][][2]time.Time // the technician's clocked stretches, by day
	dayMinutes              map[string]int            // the technician's logged minutes, by day
	weekMinutes             map[string]int            // … and by ISO week ("2026-48")
	lastMonth               map[int]bool              // the clients with a ticket opened last month
	lastMonthNo             int                       // last month as year*12 + month, on the business's clock
	force                   int                       // the client the next ticket is for, -1 drawn
}

// A believable week for the one technician who logs all the demo's time: no more than
// demoMaxDayMinutes in a day nor demoMaxWeekMinutes in a week (Monday to Sunday), every clocked
// stretch between demoDayFrom and demoDayUntil on the business's clock.
const (
	demoMaxDayMinutes  = 10 * 60
	demoMaxWeekMinutes = 45 * 60
	demoDayFrom        = 8 * 60
	demoDayUntil       = 20 * 60
)

// place fits mins of the technician's work starting at start on a free stretch of its day: later,
// right after any stretch it would overlap, and not before demoDayFrom. One that no longer fits
// its working day (or the present) is kept as a duration; one that would take the day past
// demoMaxDayMinutes or the week past demoMaxWeekMinutes is dropped (ok false): the technician
// did not log it.
func (g *demoMSPGen) place(start time.Time, mins int) (time.Time, string, bool) {
	if g.busy == nil {
		g.busy, g.dayMinutes, g.weekMinutes = map[string][][2]time.Time{}, map[string]int{}, map[string]int{}
	}
	local := start.In(g.loc)
	day := local.Format(time.DateOnly)
	y, w := local.ISOWeek()
	week := fmt.Sprintf("%d-%02d", y, w)
	if g.dayMinutes[day]+mins > demoMaxDayMinutes || g.weekMinutes[week]+mins > demoMaxWeekMinutes {
		return time.Time{}, day, false
	}
	g.dayMinutes[day] += mins
	g.weekMinutes[week] += mins
	if from := time.Date(local.Year(), local.Month(), local.Day(), 0, demoDayFrom, 0, 0, g.loc); start.Before(from) {
		start = from
	}
	for moved := true; moved; {
		moved = false
		end := start.Add(time.Duration(mins) * time.Minute)
		for _, b := range g.busy[day] {
			if start.Before(b[1]) && b[0].Before(end) {
				start, moved = b[1], true
				break
			}
		}
	}
	end := start.Add(time.Duration(mins) * time.Minute)
	until := time.Date(local.Year(), local.Month(), local.Day(), 0, demoDayUntil, 0, 0, g.loc)
	if end.After(g.now) || end.After(until) {
		return time.Time{}, day, true
	}
	g.busy[day] = append(g.busy[day], [2]time.Time{start, end})
	return start, day, true
}

// demoSerial makes a serial in the maker's usual shape.
func demoSerial(r *rand.Rand, make string, ci, di int) string {
	const an = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	rnd := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(an[r.IntN(len(an))])
		}
		return b.String()
	}
	switch make {
	case "HP", "HPE":
		return fmt.Sprintf("5CG%d%02d%s", 2+r.IntN(3), ci*10+di, rnd(4))
	case "Dell":
		return rnd(7)
	case "Lenovo":
		return "PF" + rnd(6)
	case "Fortinet":
		return fmt.Sprintf("FGT%dFTK2%d%06d", 4+r.IntN(5), 1+r.IntN(3), r.IntN(1_000_000))
	case "Synology":
		return fmt.Sprintf("%d%02dQ%s%05d", 20+r.IntN(4), 10+ci, rnd(2), r.IntN(100_000))
	case "Apple":
		return "C02" + rnd(9)
	}
	return strings.ToUpper(make[:min(3, len(make))]) + rnd(9)
}

// policy targets of the seeded Standard policy, in business minutes: response, resolution.
var demoMSPTargets = map[string][2]int{"p1": {60, 240}, "p2": {120, 480}, "p3": {240, 1620}, "p4": {540, 2700}}

// tickets writes six months of tickets: about two a working day, a few more in recent months,
// some in the evening or at the weekend.
func (g *demoMSPGen) tickets(ctx context.Context, tx *sql.Tx) error {
	r := g.r
	first := g.now.In(g.loc).AddDate(0, -6, 0)
	// Every client has work last month, so the month summary bills each of them: drawn at random
	// by share, a small client's month could hold none, depending on the day the demo is made.
	// The clients with no ticket by the first working day from the 10th of last month get one
	// then (its time lands in that month).
	local := g.now.In(g.loc)
	g.lastMonth, g.lastMonthNo, g.force = map[int]bool{}, local.Year()*12+int(local.Month())-1, -1
	fill := time.Date(local.Year(), local.Month()-1, 10, 0, 0, 0, 0, g.loc)
	for fill.Weekday() == time.Saturday || fill.Weekday() == time.Sunday {
		fill = fill.AddDate(0, 0, 1)
	}
	for day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, g.loc); day.Before(g.now); day = day.AddDate(0, 0, 1) {
		if day.Equal(fill) {
			for ci := range g.clients {
				if g.lastMonth[ci] {
					continue
				}
				g.force = ci
				err := g.ticket(ctx, tx, day.Add(time.Duration(7*60+30+ci)*time.Minute))
				g.force = -1
				if err != nil {
					return err
				}
			}
		}
		n := 1 + r.IntN(3)
		switch day.Weekday() {
		case time.Saturday:
			n = r.IntN(2)
		case time.Sunday:
			n = 0
			if r.IntN(6) == 0 {
				n = 1
			}
		}
		if g.now.Sub(day) < 60*24*time.Hour && r.IntN(3) == 0 {
			n++
		}
		if g.now.Sub(day) < 7*24*time.Hour && n > 0 { // a busy week: the board has work on it
			n += 2
		}
		minutes := make([]int, n)
		for i := range minutes {
			minutes[i] = 8*60 + r.IntN(11*60) // 08:00–19:00, mostly in opening hours
		}
		slices.Sort(minutes) // ticket numbers follow the time they were opened
		for _, minute := range minutes {
			at := day.Add(time.Duration(minute) * time.Minute)
			if at.After(g.now) {
				continue
			}
			if err := g.ticket(ctx, tx, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// pickClient draws a client by its share of the ticket stream.
func (g *demoMSPGen) pickClient() int {
	total := 0
	for _, c := range demoMSPClients {
		total += c.share
	}
	x := g.r.IntN(total)
	for i, c := range demoMSPClients {
		if x < c.share {
			return i
		}
		x -= c.share
	}
	return 0
}

// due is the wall-clock moment business duration d after from.
func (g *demoMSPGen) due(from time.Time, d time.Duration) time.Time {
	t, ok := g.sched.Due(from, d)
	if !ok {
		return from.Add(d)
	}
	return t
}

// ticket writes one ticket opened at at, with a story cut at now.
func (g *demoMSPGen) ticket(ctx context.Context, tx *sql.Tx, at time.Time) error {
	r := g.r
	ci := g.pickClient()
	if g.force >= 0 {
		ci = g.force
	}
	if l := at.In(g.loc); g.lastMonth != nil && l.Year()*12+int(l.Month()) == g.lastMonthNo {
		g.lastMonth[ci] = true
	}
	cl := g.clients[ci]
	is := demoMSPIssues[r.IntN(len(demoMSPIssues))]
	prio := is.priority
	switch x := r.IntN(10); {
	case x == 0 && prio != "p1":
		prio = map[string]string{"p2": "p1", "p3": "p2", "p4": "p3"}[prio]
	case x == 1 && prio != "p4" && prio != "p1":
		prio = map[string]string{"p2": "p3", "p3": "p4"}[prio]
	}
	n := msp.NewTicket{Subject: is.subject, Description: is.body, ClientID: cl.id, Category: is.category, Priority: prio,
		AssigneeID: g.tech.UserID}
	if is.device != "" {
		var fit []demoMSPDeviceID
		for _, d := range cl.devices {
			if d.kind == is.device || (is.device == "desktop" && d.kind == "laptop") {
				fit = append(fit, d)
			}
		}
		if len(fit) > 0 {
			d := fit[r.IntN(len(fit))]
			n.DeviceID, n.SiteID = d.id, d.site
		}
	}
	if n.SiteID == 0 {
		n.SiteID = cl.sites[r.IntN(len(cl.sites))]
	}
	// The technician opens the ticket — from the client's message, call or e-mail — and takes it;
	// the client's contact is its requester (the conversation's lead), never the one who opened
	// or assigned it.
	h := &msp.HistoricTicket{NewTicket: n, CreatedAt: at, CreatedBy: g.tech}
	tg := demoMSPTargets[prio]
	// Most tickets meet both targets; about one in eight misses the reply or the fix.
	respF, resF := 0.1+0.6*r.Float64(), 0.15+0.7*r.Float64()
	switch x := r.IntN(100); {
	case x < 5:
		respF = 1.1 + r.Float64()
	case x < 13:
		resF = 1.05 + 1.5*r.Float64()
	}
	reply := g.due(at, time.Duration(float64(tg[0])*respF)*time.Minute)
	used := time.Duration(float64(tg[0])*respF) * time.Minute
	steps := []msp.HistoricStep{
		{At: reply, Kind: "reply", Body: demoMSPReplies[r.IntN(len(demoMSPReplies))], Actor: g.tech},
		{At: reply, Kind: "status", To: msp.StatusOpen, Actor: g.tech},
	}
	cur := reply
	// About a quarter wait on the customer once: a question, an answer hours or days later.
	// The newest ones more often, and longer: some wait on the customer now, their clocks paused.
	recent := g.now.Sub(at) < 5*24*time.Hour && (prio == "p3" || prio == "p4")
	if r.IntN(4) == 0 || (recent && r.IntN(3) == 0) {
		ask := g.due(cur, time.Duration(15+r.IntN(90))*time.Minute)
		used += ask.Sub(cur) // close enough: a short stretch inside opening hours
		back := ask.Add(time.Duration(2+r.IntN(60)) * time.Hour)
		if recent {
			back = back.Add(72 * time.Hour)
		}
		steps = append(steps,
			msp.HistoricStep{At: ask, Kind: "reply", Body: "Sorunun tekrarlandığı anın ekran görüntüsünü gönderebilir misiniz? Bilgisayarı kapatmayın lütfen.", Actor: g.tech},
			msp.HistoricStep{At: ask, Kind: "status", To: msp.StatusWaitingCustomer, Actor: g.tech},
			msp.HistoricStep{At: back, Kind: "status", To: msp.StatusOpen, Actor: g.tech})
		cur = back
	}
	if r.IntN(5) == 0 {
		steps = append(steps, msp.HistoricStep{At: cur.Add(10 * time.Minute), Kind: "note",
			Body: "Cihazın seri numarası ve garanti durumu kontrol edildi; olay kayıtları ekte.", Actor: g.tech})
		cur = cur.Add(10 * time.Minute)
	}
	left := time.Duration(float64(tg[1])*resF)*time.Minute - used
	if left < 15*time.Minute {
		left = 15 * time.Minute
	}
	resolved := g.due(cur, left)
	steps = append(steps,
		msp.HistoricStep{At: resolved, Kind: "reply", Body: is.fix + " Başka bir sorun olursa bu kayda yazabilirsiniz.", Actor: g.tech},
		msp.HistoricStep{At: resolved, Kind: "status", To: msp.StatusResolved, Actor: g.tech})
	closed := resolved.Add(time.Duration(48+r.IntN(72)) * time.Hour)
	steps = append(steps, msp.HistoricStep{At: closed, Kind: "status", To: msp.StatusClosed, Actor: g.tech})
	// What happened by now.
	for i, s := range steps {
		if s.At.After(g.now) {
			steps = steps[:i]
			break
		}
	}
	h.Steps = steps
	// Time worked: the diagnosis with the first reply and the fix before the resolution.
	for _, s := range steps {
		if s.Kind != "status" || (s.To != msp.StatusOpen && s.To != msp.StatusResolved) {
			continue
		}
		mins := 15 + 15*r.IntN(4)
		if s.To == msp.StatusResolved {
			mins = 30 + 15*r.IntN(10)
			if prio == "p1" {
				mins += 60
			}
		}
		start := s.At.Add(-time.Duration(mins) * time.Minute)
		if start.Before(at) {
			start = at
		}
		// One technician logs all of it: no two stretches of a day overlap, and a day and a week hold
		// what one person works (place).
		start, day, ok := g.place(start, mins)
		billable := r.IntN(10) != 0
		if !ok {
			continue
		}
		h.Time = append(h.Time, msp.HistoricTime{Day: day, StartedAt: start, Minutes: mins,
			Billable: billable, Note: map[bool]string{true: is.fix, false: "İlk inceleme"}[s.To == msp.StatusResolved], Actor: g.tech})
	}
	if err := g.conversation(ctx, tx, ci, h); err != nil {
		return err
	}
	if _, err := msp.InsertHistoryTx(ctx, tx, h); err != nil {
		return fmt.Errorf("demo msp: ticket %q: %w", is.subject, err)
	}
	g.count++
	for _, s := range steps {
		if s.Kind == "reply" {
			g.replies++
		}
	}
	g.entries += len(h.Time)
	return nil
}

// demoMSPChannels: how tickets came in, by share out of ten — a WhatsApp message, an e-mail, the
// web chat widget; the rest were phoned in or typed by the technician (no conversation).
var demoMSPChannels = []struct {
	channel string
	share   int
}{{"whatsapp", 3}, {"email", 2}, {"webchat", 1}}

// conversation gives a ticket the conversation it came from, about six in ten of them: the
// client's contact wrote (the ticket's description), the technician's public replies went back
// on the same channel, the customer answered a question and thanked for the fix. One lead per
// client and channel (its contact), linked to the client's CRM customer; a thread per ticket.
func (g *demoMSPGen) conversation(ctx context.Context, tx *sql.Tx, ci int, h *msp.HistoricTicket) error {
	x, channel := g.cr.IntN(10), ""
	for _, c := range demoMSPChannels {
		if x < c.share {
			channel = c.channel
			break
		}
		x -= c.share
	}
	if channel == "" {
		return nil
	}
	c := demoMSPClients[ci]
	ext := ""
	switch channel {
	case "whatsapp":
		ext = strings.TrimPrefix(inbox.NormalizePhone(c.phone, "TR"), "+")
	case "email":
		ext = c.mail
	case "webchat":
		ext = fmt.Sprintf("demo-visitor-msp-%d-%d", ci, g.cr.IntN(1_000_000))
	}
	key := fmt.Sprintf("%d:%s", ci, channel)
	lead, ok := g.leads[key]
	if !ok {
		cl, err := msp.ClientByID(ctx, tx, g.clients[ci].id)
		if err != nil {
			return err
		}
		if lead, _, err = inbox.UpsertLead(ctx, tx, &inbox.LeadRecord{ExternalID: demoExternalMark + "msp-" + key, Name: c.contact,
			Phone: c.phone, Email: c.mail, Stage: "won", Source: channel, CustomerID: cl.CustomerID,
			CreatedAt: h.CreatedAt.Add(-5 * time.Minute).UnixMilli()}); err != nil {
			return fmt.Errorf("demo msp: lead: %w", err)
		}
		g.leads[key] = lead
	}
	asked := h.CreatedAt.Add(-time.Duration(2+g.cr.IntN(8)) * time.Minute)
	body := h.Description
	if channel == "email" {
		body = h.Subject + "\n\n" + h.Description + "\n\n" + c.contact
	}
	msgs := []inbox.HistoricMessage{{Direction: "inbound", AuthorKind: "customer", Body: body, At: asked.UnixMilli()}}
	out := "sent"
	if channel == "whatsapp" {
		out = "read"
	}
	resolved, closed := false, false
	for i, s := range h.Steps {
		switch {
		case s.Kind == "reply":
			msgs = append(msgs, inbox.HistoricMessage{Direction: "outbound", AuthorKind: "user", AuthorUserID: s.Actor.UserID, Body: s.Body,
				DeliveryStatus: out, At: s.At.UnixMilli()})
		case s.Kind == "status" && s.To == msp.StatusOpen && i > 0 && h.Steps[i-1].To == msp.StatusWaitingCustomer:
			msgs = append(msgs, inbox.HistoricMessage{Direction: "inbound", AuthorKind: "customer",
				Body: "Ekran görüntüsünü ekledim; bilgisayar açık, bağlanabilirsiniz.", At: s.At.Add(-time.Minute).UnixMilli()})
		case s.Kind == "status" && s.To == msp.StatusClosed:
			closed = true
		case s.Kind == "status" && s.To == msp.StatusResolved:
			resolved = true
			if thanks := s.At.Add(time.Duration(20+g.cr.IntN(200)) * time.Minute); thanks.Before(g.now) && g.cr.IntN(3) > 0 {
				msgs = append(msgs, inbox.HistoricMessage{Direction: "inbound", AuthorKind: "customer",
					Body: "Teşekkürler, şu an sorun yok.", At: thanks.UnixMilli()})
			}
		}
	}
	slices.SortStableFunc(msgs, func(a, b inbox.HistoricMessage) int { return int(a.At - b.At) })
	var lastIn, waiting int64
	for _, m := range msgs {
		if m.Direction == "inbound" {
			lastIn = m.At
		}
	}
	if last := msgs[len(msgs)-1]; last.Direction == "inbound" && !resolved {
		waiting = last.At
	}
	if channel == "whatsapp" {
		for i := range msgs {
			if msgs[i].Direction == "inbound" {
				g.wamid++
				msgs[i].ProviderMessageID = fmt.Sprintf("wamid.demo-msp-%06d", g.wamid)
			}
		}
	}
	cl, err := msp.ClientByID(ctx, tx, g.clients[ci].id)
	if err != nil {
		return err
	}
	// The technician closes the conversation with its ticket (the client's lead is won already, so
	// Won): a client writing again starts a new conversation, and the inbox's open conversations
	// are those of the tickets still being worked on, not six months of fixed problems.
	state := "contacted"
	if closed {
		state = "won"
	}
	conv, err := inbox.InsertHistory(ctx, tx, &inbox.HistoricConversation{LeadID: lead, CustomerID: cl.CustomerID, Channel: channel,
		ExternalID: ext, State: state, Language: "tr", AssignedUserID: g.tech.UserID, AIMode: "manual",
		LastInboundAt: lastIn, WaitingSince: waiting, CreatedAt: asked.UnixMilli(), Messages: msgs})
	if err != nil {
		return fmt.Errorf("demo msp: conversation: %w", err)
	}
	h.ConversationID = conv
	g.convs++
	g.msgs += len(msgs)
	return nil
}

// ensureDemoMSP creates the IT provider's demo tenant when absent, makes the demo login its owner,
// and seeds it once.
func (s *Server) ensureDemoMSP(ctx context.Context, u *platform.User) error {
	t, err := s.Platform.TenantBySlug(ctx, DemoMSPSlug)
	fresh := false
	if errors.Is(err, tenantdb.ErrNotFound) {
		if t, err = s.Platform.CreateTenant(ctx, DemoMSPSlug, DemoMSPName, "default", "tr"); err != nil {
			return err
		}
		fresh = true
		if err := s.Platform.SetSettings(ctx, DemoMSPSlug, map[string]string{"modules": "repair,msp", "currency": "TRY"}); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if err := s.Platform.SetMembership(ctx, u.ID, t.ID, platform.RoleOwner); err != nil {
		return err
	}
	if !fresh {
		return nil
	}
	db, err := s.Mgr.Tenant(ctx, DemoMSPSlug)
	if err != nil {
		return err
	}
	if err := seedDemoMSP(ctx, s, t, db); err != nil {
		return err
	}
	// Its KPI page (with the MSP reports) has numbers on the first visit too.
	if err := seedDemoSnapshot(ctx, s, t, db); err != nil {
		return err
	}
	return seedDemoMSPNotifications(ctx, s, db)
}
