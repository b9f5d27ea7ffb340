package ai

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strings"
	"sync"
)

// The ticket model (builtin-3 tickets) reads an IT support ticket — its subject, description or a
// customer's message on its conversation — and proposes a category and a priority, with the words
// behind each, and a first reply that promises nothing. It is the same kind of model as builtin-3:
// small logistic regressions over the features of features.go (folded Turkish, five-letter stems,
// letter groups, word pairs) plus the ticket word lists below, trained by `go generate ./app/ai`
// from corpus/tickets_train.txt and measured on corpus/tickets_heldout.txt, which it never
// trains on (labels: LABELS.md, "Tickets"). It runs offline: nothing leaves the server.

//go:embed tickets.json
var ticketsJSON []byte

// TicketModelName is the model name ticket proposals are stored and logged with.
const TicketModelName = "builtin-3-tickets"

// TicketCategories are the categories the model chooses from (the MSP room's, same order).
var TicketCategories = []string{"hardware", "software", "network", "email", "account", "security", "printing", "backup", "other"}

// TicketPriorities are the priorities, most urgent first.
var TicketPriorities = []string{"p1", "p2", "p3", "p4"}

// ticketOutputs: one output per category, and three ordered thresholds for the priority:
// prio_1 "P1", prio_2 "P2 or more urgent", prio_3 "P3 or more urgent" (P4 passes none).
func ticketOutputs() []string {
	var out []string
	for _, c := range TicketCategories {
		out = append(out, "cat_"+c)
	}
	return append(out, "prio_1", "prio_2", "prio_3")
}

// TicketModel is the ticket model shipped in the binary, read on first use (a broken weights
// file is a build defect: TestTicketModelWeights reads it).
var TicketModel = sync.OnceValue(func() *Model {
	m, err := LoadModel(ticketsJSON)
	if err != nil {
		panic(err)
	}
	return m
})

// ticketLists are the ticket word lists, folded (ç→c, ı→i …) and matched at the start of words,
// so "sunucudaki", "çalışamıyoruz" and "herkesin" match "sunucu", "calisamiy" and "herkes". Each
// list that matches is one feature whose weight the model learns.
var ticketLists = []struct {
	name  string
	words []string
}{
	{"wide", []string{"herkes", "kimse", "hicbir kullanici", "hicbir bilgisayar", "hicbir hat", "tum ofis", "tum sirket", "tum sube", "tum ekip",
		"tum sistem", "tum kullanici", "tumu", "butun", "tamami", "tamamen", "whole", "everyone", "everybody", "nobody", "no one", "entire",
		"all users", "all staff", "all our", "all the", "all remote", "for all", "none of", "company", "sirkette", "bina", "building"}},
	{"single", []string{"benim", "bende", "sadece", "yalnizca", "diger", "baskalari", "my ", "i can", "i cant", "i can't", "only me", "everyone else",
		"others can", "one user", "tek bir", "bir kullanici", "is fine", "sorun yok"}},
	{"stopped", []string{"durdu", "calisamiy", "coktu", "cokmus", "cokt", "kapandi", "gitti", "dustu", "down", "offline", "stopped", "cannot work",
		"can't work", "cant work", "crashed", "went down", "is stuck", "everything is", "bekliyor", "waiting", "yapamiyoruz", "alamiyoruz",
		"basamiyoruz", "we cannot", "we can't", "can't take", "can't check", "ulasamiyor", "nobody can", "no one can", "internet yok", "no internet"}},
	{"server", []string{"sunucu", "server", "erp", "domain", "firewall", "santral", "nas", "raid"}},
	{"ransom", []string{"fidye", "sifrelendi", "sifrelenmis", "encrypted", "ransom", "bitcoin", "para istiy", "asking for payment", "locked eklen",
		"readme", "uzantisi degis", "strange extension"}},
	{"breach", []string{"hack", "ele gecir", "sahte fatura", "fake payment", "fake invoice", "from abroad", "yurt disindan", "sending emails to our",
		"bizim adimiza", "yayiliyor", "spreading"}},
	{"phish", []string{"sahte", "fake", "phishing", "link", "tikla", "clicked", "typed her", "entered my", "girdi"}},
	{"urgent", []string{"acil", "urgent", "asap", "hemen", "help", "imdat"}},
	{"today", []string{"bugun", "today", "son gun", "due today", "dakika sonra", "minutes", "ogleden sonra", "this afternoon", "yatmali", "cikmali"}},
	{"calm", []string{"acelesi yok", "acil degil", "no rush", "not urgent", "no hurry", "when you can", "when you have", "when you get", "musait",
		"zaman buldugunuzda", "vaktiniz oldugunda"}},
	{"future", []string{"haftaya", "gelecek hafta", "next week", "next month", "next quarter", "pazartesi", "monday", "ay sonunda", "gelecek ay",
		"basliyor", "baslayacak", "starts", "starter", "yeni calisan", "new user", "stajyer", "intern", "ayrildi", "left", "moved to"}},
	{"request", []string{"kurabilir misiniz", "yapabilir misiniz", "acar misiniz", "acabilir misiniz", "ekleyebilir", "could you", "can you",
		"please install", "please create", "please add", "please order", "istiyoruz", "istiyorum", "we would like", "we'd like", "we want",
		"bilgi", "recommend", "oneri", "teklif", "quote", "sipariş", "siparis edebilir", "almak ist", "order two", "order a"}},
	{"business", []string{"musteri", "customer", "kasa", "till", "card", "satis", "sales", "siparis", "orders", "hasta", "patient", "uretim",
		"production", "sevkiyat", "irsaliye", "fatura", "invoice", "payroll", "maas", "beyanname", "odeme", "paket", "kargo", "resepsiyon", "reception"}},
	{"thanks", []string{"tesekkur", "thanks", "thank you", "cozuldu", "works fine", "working now", "everything works", "all working"}},
	// What the ticket is about: one list per category, the things and words of each trade.
	{"about_printing", []string{"yazici", "yazdir", "printer", "print", "toner", "kartus", "kagit", "paper", "tarama", "tarayici taradig", "scan",
		"fotokopi", "copier", "baski", "sikisti", "jam", "etiket yazici", "label printer"}},
	{"about_network", []string{"internet", "wifi", "wi-fi", "kablosuz", "wireless", "vpn", "ag ", "network", "modem", "router", "switch",
		"firewall", "erisim noktasi", "access point", "baglanti", "baglan", "connect", "ethernet", "kablo", "cable", "port", "uzak masaustu",
		"remote desktop", "tunel", "tunnel", "offline", "cevrimdisi"}},
	{"about_email", []string{"mail", "e-posta", "eposta", "outlook", "posta kutu", "mailbox", "gelen kutu", "inbox", "outbox", "giden kutu", "spam",
		"bounce", "geri don", "imza", "signature", "calendar", "takvim", "out of office", "webmail", "exchange", "gmail", "domain is on a blacklist"}},
	{"about_account", []string{"sifre", "parola", "password", "hesab", "hesap", "account", "kullanici", "user", "giris yap", "login", "log in",
		"log into", "logged", "kilitlen", "locked", "yetki", "access", "erisim", "permission", "mfa", "iki adimli", "dogrulama", "two-factor", "disable"}},
	{"about_security", []string{"virus", "fidye", "ransom", "hack", "phishing", "sahte", "supheli", "suspicious", "antivirus", "defender", "trojan",
		"malware", "calindi", "stolen", "kaybettim", "lost my", "reklam", "adware", "pop-up", "popup", "guvenlik", "security", "sifrelendi", "encrypted",
		"dolandir", "fraud", "scam", "fake"}},
	{"about_backup", []string{"yedek", "backup", "geri yukle", "geri getir", "restore", "sildi", "silindi", "deleted", "nas", "eski surum", "older version",
		"previous version", "overwrote", "uzerine yaz", "kurtar", "recover"}},
	{"about_hardware", []string{"laptop", "dizustu", "notebook", "monitor", "klavye", "keyboard", "mouse", "fare", "sarj", "battery", "pil", "batarya",
		"mavi ekran", "blue screen", "disk", "fan", "isiniyor", "overheat", "ups", "kulaklik", "headset", "docking", "mentese", "kirildi", "cracked",
		"dropped", "dokuldu", "spilled", "guc tusu", "power", "turn on", "acilmiyor", "won't boot", "boot", "ram", "bozuldu", "died", "broken"}},
	{"about_software", []string{"program", "excel", "word", "teams", "zoom", "chrome", "adobe", "pdf", "lisans", "licence", "license", "install",
		"kur", "guncelleme", "update", "windows", "office", "onedrive", "erp", "crm", "logo", "yazilim", "software", "uygulama", "app", "makro", "macro",
		"visio", "photoshop", "surum", "version", "crash", "sync", "senkron"}},
	{"about_other", []string{"fatura", "invoice", "sozlesme", "contract", "tasin", "moving", "projeksiyon", "projector", "tv", "santral", "phone system",
		"dahili", "desk phone", "dial tone", "kartli gecis", "door", "kapi", "bakim", "maintenance", "ekran toplanti", "meeting room screen"}},
	{"slow", []string{"yavas", "slow", "donuyor", "freez", "kopuyor", "dropping", "drops", "cutting out", "zayif", "weak"}},
}

// visitWords and priceWords are what a customer says asking for somebody to come, or for a price:
// both commit the business, so they become recommendations a person decides, never a reply.
var (
	visitWords = []string{"yerinde", "gelebilir", "gelir misiniz", "gelin", "teknisyen", "birini gonder", "birini yollay", "ziyaret", "on-site",
		"on site", "onsite", "come over", "come by", "come and", "send someone", "send a technician", "technician", "visit"}
	priceWords = []string{"fiyat", "ucret", "ne kadar", "teklif", "maliyet", "price", "cost", "quote", "how much", "pricing"}
)

// foldedTokens splits text into words as written and as folded.
func foldedTokens(text string) (raw, folded []string) {
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r == '\'' || r == '’' || r == '-' || isLetterOrDigit(r))
	}) {
		f := strings.Trim(foldWord(tok), "'’-")
		if f == "" {
			continue
		}
		raw, folded = append(raw, tok), append(folded, strings.ReplaceAll(f, "’", "'"))
	}
	return raw, folded
}

func isLetterOrDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r > 127 && !isEmoji(r)
}

// findWords returns the customer's words for the first entry of list found in the text ("" when
// none): an entry's words must start the text's words in a row ("tum ofis" matches "tüm ofiste").
func findWords(raw, folded []string, list []string) string {
	for _, entry := range list {
		want := strings.Fields(foldWord(entry))
		trailing := strings.HasSuffix(entry, " ")
		for i := 0; i+len(want) <= len(folded); i++ {
			ok := true
			for k, w := range want {
				f := folded[i+k]
				last := k == len(want)-1
				if !(f == w || (!trailing && last && strings.HasPrefix(f, w)) || (!last && strings.HasPrefix(f, w) && len(w) >= 4)) {
					ok = false
					break
				}
			}
			if ok {
				return strings.Join(raw[i:i+len(want)], " ")
			}
		}
	}
	return ""
}

// ticketFeatures are the features the ticket model reads: builtin-3's, and one per ticket word
// list that matched (its surface is the customer's words).
func ticketFeatures(text string) []feature {
	fs := extract(text, nil)
	raw, folded := foldedTokens(text)
	for _, l := range ticketLists {
		if hit := findWords(raw, folded, l.words); hit != "" {
			fs = append(fs, feature{name: "t:" + l.name, kind: KindWord, surface: hit})
		}
	}
	return fs
}

// TicketProposal is what the ticket model proposes for one text.
type TicketProposal struct {
	Category, Priority string
	Language           string  // "tr" or "en": the language of the reply draft
	Confidence         float64 // the smaller of the category's and the priority's probability
	// CategoryWhy and PriorityWhy are the customer's words that pushed the choice most, strongest
	// first (at most three each).
	CategoryWhy, PriorityWhy []string
	// Visit and Price are the customer's words asking for somebody to come or for a price ("":
	// none); each becomes a recommendation for a person, never a promise in the reply.
	Visit, Price string
}

// TriageTicket runs the ticket model over a ticket's text.
func (m *Model) TriageTicket(text string) TicketProposal {
	text = ownWords(text)
	fs := ticketFeatures(text)
	d := Decision{P: map[string]float64{}, feats: fs, m: m}
	for _, o := range m.Outputs {
		d.P[o] = sigmoid(m.score(fs, o))
	}
	p := TicketProposal{Language: "en"}
	for _, c := range TicketCategories {
		if p.Category == "" || d.P["cat_"+c] > d.P["cat_"+p.Category] {
			p.Category = c
		}
	}
	out, sign := "prio_3", -1.0
	switch {
	case d.P["prio_1"] >= 0.5:
		p.Priority, out, sign = "p1", "prio_1", 1
	case d.P["prio_2"] >= 0.5:
		p.Priority, out, sign = "p2", "prio_2", 1
	case d.P["prio_3"] >= 0.5:
		p.Priority, out, sign = "p3", "prio_3", 1
	default:
		p.Priority = "p4"
	}
	pp := d.P[out]
	if sign < 0 {
		pp = 1 - pp
	}
	p.Confidence = min(d.P["cat_"+p.Category], pp)
	words := func(ev []Evidence) []string {
		var w []string
		for _, e := range ev {
			if s := strings.TrimSpace(e.Surface); s != "" && (e.Kind == KindWord || e.Kind == KindPhrase) && !slices.Contains(w, s) {
				w = append(w, s)
			}
		}
		return w
	}
	p.CategoryWhy = words(d.evidence("cat_"+p.Category, 3, 1))
	p.PriorityWhy = words(d.evidence(out, 3, sign))
	if DetectLanguage(text) == "tr" || slices.ContainsFunc([]rune(text), func(r rune) bool { return strings.ContainsRune("çğışöüÇĞİŞÖÜ", r) }) {
		p.Language = "tr"
	}
	raw, folded := foldedTokens(text)
	p.Visit, p.Price = findWords(raw, folded, visitWords), findWords(raw, folded, priceWords)
	return p
}

// ticketAsks lists what a reply draft asks the customer, per category, so the team can start:
// never a date, a price or a promise.
var ticketAsks = map[string][2]string{
	"hardware": {"Hangi cihaz olduğunu (varsa üzerindeki etiket ya da seri numarası) ve ne zamandan beri böyle olduğunu yazabilir misiniz? Ekranda bir hata görünüyorsa fotoğrafı da çok yardımcı olur.",
		"Could you tell us which device it is (the label or serial number if there is one) and since when it happens? A photo of any error on the screen helps a lot."},
	"software": {"Hangi programda olduğunu, ekranda çıkan hata mesajını (mümkünse ekran görüntüsüyle) ve sorunun yalnızca sizde mi yoksa başkalarında da mı olduğunu yazabilir misiniz?",
		"Could you tell us which program it is, the error message on the screen (a screenshot if you can) and whether it happens only to you or to others too?"},
	"network": {"Sorun yalnızca sizde mi yoksa ofisteki herkeste mi, kablolu mu kablosuz mu bağlısınız ve modem/erişim noktasında hangi ışıklar yanıyor, yazabilir misiniz?",
		"Could you tell us whether it is only you or everyone in the office, whether you are on cable or Wi-Fi, and which lights are on at the modem or access point?"},
	"email": {"Sorun Outlook'ta mı, telefonda mı, webmail'de mi; gelen mi giden mi etkileniyor ve geri dönen bir mail varsa içindeki hata mesajını iletebilir misiniz?",
		"Could you tell us whether it is in Outlook, on the phone or in webmail, whether incoming or outgoing mail is affected, and forward any bounce message you received?"},
	"account": {"Hangi hesap ya da sistem olduğunu ve ekranda çıkan mesajı yazabilir misiniz? Güvenliğiniz için şifrenizi mesajla göndermeyin; kimliğinizi telefonla doğrulayacağız.",
		"Could you tell us which account or system it is and the message on the screen? For your safety, do not send your password in a message; we will confirm who you are by phone."},
	"security": {"Lütfen şüpheli cihazın ağ kablosunu çıkarın ya da Wi-Fi'sini kapatın, kapatmayın ve hiçbir ödeme yapmayın. Ne gördüğünüzü ve ne zaman başladığını yazabilir misiniz?",
		"Please unplug the affected device from the network (or turn its Wi-Fi off) but do not switch it off, and do not pay anything. Could you tell us what you see and when it started?"},
	"printing": {"Hangi yazıcı olduğunu, ekranında bir hata görünüyorsa ne yazdığını ve sorunun tek bir bilgisayardan mı yoksa herkesten mi olduğunu yazabilir misiniz?",
		"Could you tell us which printer it is, what its display says if it shows an error, and whether it happens from one computer or from everyone?"},
	"backup": {"Hangi dosya ya da klasör olduğunu, yaklaşık konumunu ve hangi tarihteki halinin gerektiğini yazabilir misiniz? Yedekleme uyarısı aldıysanız iletmeniz yeterli.",
		"Could you tell us which file or folder it is, roughly where it was and from which date you need it? If you received a backup warning, just forward it to us."},
	"other": {"Biraz daha ayrıntı verebilir misiniz: ne oluyor, ne zamandan beri ve kimler etkileniyor?",
		"Could you give us a few more details: what happens, since when, and who is affected?"},
}

// TicketReply is the draft of a first reply to a ticket in lang ("tr" or "en"): it says the
// ticket was received under its number and asks what the team needs to start. It promises no
// time, no visit and no price; a person approves it before it goes out.
func TicketReply(lang, ref, category, priority string) string {
	asks, ok := ticketAsks[category]
	if !ok {
		asks = ticketAsks["other"]
	}
	if lang == "tr" {
		s := "Merhaba, talebinizi " + ref + " numarasıyla kaydettik."
		if priority == "p1" || priority == "p2" {
			s += " Ekibimiz talebinizi öncelikli olarak inceliyor."
		}
		return s + " " + asks[0]
	}
	s := "Hello, we have logged your request as " + ref + "."
	if priority == "p1" || priority == "p2" {
		s += " Our team is looking at it with priority."
	}
	return s + " " + asks[1]
}

// TicketFollowUp is the draft of an answer to a customer's later message on a ticket: it says the
// message reached the ticket. Like TicketReply it promises nothing.
func TicketFollowUp(lang, ref string) string {
	if lang == "tr" {
		return "Teşekkürler, mesajınızı " + ref + " numaralı talebinize ekledik; ekibimiz inceliyor ve gerekirse size buradan yazacak."
	}
	return "Thank you, we have added your message to your request " + ref + "; our team is looking at it and will write to you here if we need anything."
}

// ---- training and measuring ------------------------------------------------------------------

// TicketExample is one labelled ticket message (corpus/tickets_*.txt: "category priority language | message").
type TicketExample struct {
	Line                         int
	Text                         string
	Category, Priority, Language string
}

// ParseTickets reads a ticket corpus file.
func ParseTickets(r io.Reader) ([]TicketExample, error) {
	var out []TicketExample
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, text, ok := strings.Cut(line, " | ")
		f := strings.Fields(head)
		if !ok || len(f) != 3 || strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("line %d: want 'category priority language | message', got %q", n, line)
		}
		if !slices.Contains(TicketCategories, f[0]) || !slices.Contains(TicketPriorities, f[1]) || !slices.Contains([]string{"tr", "en"}, f[2]) {
			return nil, fmt.Errorf("line %d: unknown category, priority or language in %q", n, head)
		}
		out = append(out, TicketExample{Line: n, Text: strings.TrimSpace(text), Category: f[0], Priority: f[1], Language: f[2]})
	}
	return out, sc.Err()
}

// TicketTrainOptions are the options the shipped ticket weights were trained with (chosen by
// cross-validation on the training corpus only).
var TicketTrainOptions = TrainOptions{Epochs: 60, Rate: 2, L2: 0.003, MinCount: 2, Prune: 0.05, Seed: 3}

// TrainTickets fits the ticket model.
func TrainTickets(examples []TicketExample, o TrainOptions) *Model {
	feats := make([][]feature, len(examples))
	for i, e := range examples {
		feats[i] = ticketFeatures(e.Text)
	}
	m := fit(feats, ticketOutputs(), func(i int, out string) float64 {
		e := examples[i]
		rank := slices.Index(TicketPriorities, e.Priority) + 1
		switch {
		case out == "cat_"+e.Category:
			return 1
		case strings.HasPrefix(out, "prio_") && rank <= int(out[5]-'0'):
			return 1
		}
		return 0
	}, o)
	m.Name = TicketModelName
	return m
}

// TicketEvaluation is how the ticket model does on labelled tickets.
type TicketEvaluation struct {
	N                                 int
	CategoryOK, PriorityOK, WithinOne int
	Category, Priority                *Confusion
	Wrong                             []TicketMiss
}

// TicketMiss is one ticket the model got wrong.
type TicketMiss struct {
	TicketExample
	Category, Priority string
}

// EvaluateTickets runs the model over labelled tickets.
func EvaluateTickets(m *Model, examples []TicketExample) *TicketEvaluation {
	ev := &TicketEvaluation{Category: newConfusion(TicketCategories...), Priority: newConfusion(TicketPriorities...)}
	for _, e := range examples {
		p := m.TriageTicket(e.Text)
		ev.add(e, p)
	}
	return ev
}

func (ev *TicketEvaluation) add(e TicketExample, p TicketProposal) {
	ev.N++
	ev.Category.add(e.Category, p.Category)
	ev.Priority.add(e.Priority, p.Priority)
	d := slices.Index(TicketPriorities, e.Priority) - slices.Index(TicketPriorities, p.Priority)
	if p.Category == e.Category {
		ev.CategoryOK++
	}
	if d == 0 {
		ev.PriorityOK++
	}
	if d >= -1 && d <= 1 {
		ev.WithinOne++
	}
	if p.Category != e.Category || d != 0 {
		ev.Wrong = append(ev.Wrong, TicketMiss{e, p.Category, p.Priority})
	}
}

// CrossValidateTickets trains on k-1 folds and measures on the remaining one, k times.
func CrossValidateTickets(examples []TicketExample, k int, o TrainOptions) *TicketEvaluation {
	idx := rand.New(rand.NewSource(o.Seed + 100)).Perm(len(examples))
	total := &TicketEvaluation{Category: newConfusion(TicketCategories...), Priority: newConfusion(TicketPriorities...)}
	for f := 0; f < k; f++ {
		var train, test []TicketExample
		for pos, i := range idx {
			if pos%k == f {
				test = append(test, examples[i])
			} else {
				train = append(train, examples[i])
			}
		}
		m := TrainTickets(train, o)
		for _, e := range test {
			total.add(e, m.TriageTicket(e.Text))
		}
	}
	return total
}

// Report writes the evaluation as Markdown: the headline figures and both confusion matrices.
func (ev *TicketEvaluation) Report(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%d tickets): category %.1f %% (%d of %d), priority exact %.1f %% (%d), priority within one level %.1f %% (%d).\n\n",
		title, ev.N, Percent(ev.CategoryOK, ev.N), ev.CategoryOK, ev.N, Percent(ev.PriorityOK, ev.N), ev.PriorityOK, Percent(ev.WithinOne, ev.N), ev.WithinOne)
	for _, m := range []struct {
		name string
		c    *Confusion
	}{{"category", ev.Category}, {"priority", ev.Priority}} {
		fmt.Fprintf(&b, "| %s: label ↓ / predicted → | %s |\n|---|%s\n", m.name, strings.Join(m.c.Classes, " | "), strings.Repeat("---|", len(m.c.Classes)))
		for _, a := range m.c.Classes {
			fmt.Fprintf(&b, "| %s |", a)
			for _, p := range m.c.Classes {
				fmt.Fprintf(&b, " %d |", m.c.Matrix[a][p])
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}
