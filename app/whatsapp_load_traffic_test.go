package app_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
)

// The traffic of BenchmarkWhatsAppLoadBinary: Cloud API envelopes shaped like Meta's, built by hand
// so each POST costs the driver little CPU (it shares the two cores with the server).

// loadSender is one WhatsApp user writing to the business number.
type loadSender struct{ waID, name string }

// loadTexts are the message texts: Turkish with its dotted and dotless i, emoji with skin-tone
// modifiers and ZWJ sequences, Arabic, plain English, and one long text.
var loadTexts = []string{
	"Merhaba, 800 m² kilit parke 8 cm için fiyat alabilir miyim? 2 haftada teslim — stok var mı?",
	"200 m² villa bahçesi, gri granit istiyorum, rough budget?",
	"İyi günler, Çankaya'daki şantiyeye bazalt küp taş lazım. Işıl Hanım'ın numarasını verdiler.",
	"Teşekkürler 🙏🏽 yarın ararım",
	"👍🏻",
	"Ölçü: 12,5 × 7,3 m; eğim %2. Şu an yağmur yağıyor 🌧️ keşif cumartesi olur mu?",
	"Fiyat çok yüksek, başka firma %12 daha ucuz verdi 😕",
	"مرحبا، هل لديكم بلاط جرانيت رمادي؟",
	"Hi, do you install andesite pavers in Bodrum? We need about 350 m2 before June.",
	"👨‍👩‍👧‍👦 aile evi için bahçe yolu, begonit mi granit mi önerirsiniz?",
	"Adres: Atatürk Cad. No:17/3 Kadıköy/İstanbul — kapıda Şükrü Bey karşılayacak.",
	"ok",
	"Sipariş #4512 ne zaman yola çıkar? Ödemeyi havale ile yaptım, dekont ektedir.",
	"Küp taş 10×10 gri, 1.250,50 ₺/m² mi? KDV dahil mi?",
	longLoadText(),
}

func longLoadText() string {
	b := make([]byte, 0, 6000)
	for len(b) < 5500 {
		b = append(b, "Merhaba; bahçe, garaj yolu ve havuz kenarı için ayrı ayrı teklif rica ediyorum. Ölçüler ektedir. "...)
	}
	return string(b)
}

var loadNames = []string{"Ayşe Yılmaz", "Mehmet Öztürk", "Şükrü Çelik", "Işıl Güneş", "Ömer Faruk Şahin", "Zeynep Kılıç",
	"Gülşen Ağaoğlu", "Can Demir", "Emre Aydın", "Fatma Doğan", "Hüseyin Yıldız", "Elif Koç", "", "Ahmed Al-Farsi", "John Carter"}

// loadTraffic generates the bodies of one run. Each client goroutine owns one loadGen; the pool of
// accepted bodies (for redeliveries) is shared, so a redelivery can race its own original.
type loadTraffic struct {
	senders []loadSender
	runTag  string

	mu       sync.Mutex
	accepted []delivery // ring of recently accepted first deliveries
	next     int
	clients  int // loadGens made so far: each numbers its wamids apart from every other
}

// newClient numbers a new loadGen, so a later phase of the run never repeats a wamid.
func (t *loadTraffic) newClient() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clients++
	return t.clients
}

func newLoadTraffic(seed uint64) *loadTraffic {
	r := rand.New(rand.NewPCG(seed, 7))
	t := &loadTraffic{runTag: strconv.FormatUint(seed%0xFFFFFF, 36)}
	seen := map[string]bool{}
	for len(t.senders) < loadSenders {
		id := fmt.Sprintf("90%d%08d", 530+r.IntN(30), r.IntN(1e8))
		if seen[id] {
			continue
		}
		seen[id] = true
		t.senders = append(t.senders, loadSender{waID: id, name: loadNames[r.IntN(len(loadNames))]})
	}
	return t
}

// remember keeps an accepted first delivery for later redelivery.
func (t *loadTraffic) remember(d delivery) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.accepted) < 2048 {
		t.accepted = append(t.accepted, d)
		return
	}
	t.accepted[t.next] = d
	t.next = (t.next + 1) % len(t.accepted)
}

func (t *loadTraffic) redelivery(r *rand.Rand) (delivery, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.accepted) == 0 {
		return delivery{}, false
	}
	d := t.accepted[r.IntN(len(t.accepted))]
	d.redelivery = true
	return d, true
}

// loadGen builds bodies for one client.
type loadGen struct {
	t      *loadTraffic
	r      *rand.Rand
	client int
	seq    int
	single bool     // every POST one message, as Meta sends them (else the mix below)
	ids    []string // wamids of the POST being built
}

// delivery is one POST: its body and how many messages it carries.
type delivery struct {
	body       []byte
	msgs       int
	redelivery bool
	ids        []string // its messages' wamids
}

// next returns the next POST: 3% are byte-identical redeliveries of an earlier accepted body
// (Meta retries until it sees a 200); the rest one message each, or in the mixed traffic 78% one
// message, 14% one sender with 2–4 messages, 5% several senders (two entries, or one change with
// several contacts).
func (g *loadGen) next() delivery {
	p := g.r.IntN(100)
	if p < 3 {
		if d, ok := g.t.redelivery(g.r); ok {
			return d
		}
	}
	if g.single {
		p = 3
	}
	g.ids = nil
	escape := g.r.IntN(2) == 0 // Meta escapes non-ASCII as \u00e7-style escapes; some proxies re-send raw UTF-8
	b := make([]byte, 0, 1024)
	b = append(b, `{"object":"whatsapp_business_account","entry":[`...)
	n := 0
	switch {
	case p < 81:
		b, n = g.entry(b, escape, []loadSender{g.sender()}, 1)
	case p < 95:
		b, n = g.entry(b, escape, []loadSender{g.sender()}, 2+g.r.IntN(3))
	case p < 97:
		var k int
		b, k = g.entry(b, escape, []loadSender{g.sender()}, 1)
		b = append(b, ',')
		b, n = g.entry(b, escape, []loadSender{g.sender()}, 1+g.r.IntN(2))
		n += k
	default:
		b, n = g.entry(b, escape, []loadSender{g.sender(), g.sender(), g.sender()}, 3)
	}
	b = append(b, "]}"...)
	return delivery{body: b, msgs: n, ids: g.ids}
}

// loadSenders people write; a fifth of the messages come from the first 50 (regulars in long
// threads), the rest from everyone (a campaign's replies: short threads, new leads).
const loadSenders = 5000

func (g *loadGen) sender() loadSender {
	if g.r.IntN(5) == 0 {
		return g.t.senders[g.r.IntN(50)]
	}
	return g.t.senders[g.r.IntN(len(g.t.senders))]
}

// entry appends one entry with one "messages" change carrying n messages from the given senders.
func (g *loadGen) entry(b []byte, esc bool, from []loadSender, n int) ([]byte, int) {
	b = append(b, `{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"902165550100","phone_number_id":"106540352242922"},"contacts":[`...)
	for i, s := range from {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"profile":{"name":`...)
		b = appendJSONString(b, s.name, esc)
		b = append(b, `},"wa_id":"`...)
		b = append(b, s.waID...)
		b = append(b, `"}`...)
	}
	b = append(b, `],"messages":[`...)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		s := from[i%len(from)]
		g.seq++
		id := loadWamid(g.t.runTag, g.client, g.seq)
		g.ids = append(g.ids, id)
		b = append(b, `{"from":"`...)
		b = append(b, s.waID...)
		b = append(b, `","id":"`...)
		b = append(b, id...)
		b = append(b, `","timestamp":"`...)
		b = append(b, ts...)
		b = append(b, `",`...)
		switch k := g.r.IntN(100); {
		case k < 84:
			b = append(b, `"text":{"body":`...)
			b = appendJSONString(b, loadTexts[g.r.IntN(len(loadTexts))], esc)
			b = append(b, `},"type":"text"}`...)
		case k < 90:
			b = append(b, `"type":"image","image":{"caption":`...)
			b = appendJSONString(b, "Bahçenin şu anki hali 📷", esc)
			b = append(b, `,"mime_type":"image/jpeg","sha256":"Gq3xQ0YtYV5P1xZ8bIh3E5bEw8fCw1q1Y2Z3a4b5c6d=","id":"1037543291543636"}}`...)
		case k < 95:
			b = append(b, `"type":"location","location":{"latitude":40.9909,"longitude":29.0303,"name":`...)
			b = appendJSONString(b, "Şantiye", esc)
			b = append(b, `,"address":`...)
			b = appendJSONString(b, "Moda Cd. 12, Kadıköy/İstanbul", esc)
			b = append(b, `}}`...)
		default:
			b = append(b, `"type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"keşif_evet","title":`...)
			b = appendJSONString(b, "Evet, keşif istiyorum", esc)
			b = append(b, `}}}`...)
		}
	}
	b = append(b, `]},"field":"messages"}]}`...)
	return b, n
}

// loadWamid makes a message id unique within one run; real ids are base64 after "wamid.".
func loadWamid(tag string, client, seq int) string {
	return "wamid.HBgMOTA1MzIxMjM0NTY3FQIAEhg" + tag + "C" + strconv.Itoa(client) + "N" + strconv.Itoa(seq)
}

// appendJSONString quotes s; with ascii it escapes every non-ASCII rune as a \u escape such as \u00e7 (surrogate pairs
// for emoji), as Meta's servers do, so the signature covers bytes a re-encoder would not produce.
func appendJSONString(b []byte, s string, ascii bool) []byte {
	const hex = "0123456789abcdef"
	u4 := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r < 0x20:
			b = u4(b, r)
		case r < 0x80 || !ascii:
			b = append(b, string(r)...)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			b = u4(u4(b, r1), r2)
		default:
			b = u4(b, r)
		}
	}
	return append(b, '"')
}
