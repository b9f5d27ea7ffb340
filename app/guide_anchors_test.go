package app_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"highvibe/app/apptest"
	"highvibe/app/fold"
	"highvibe/guide"
)

// guideHeadings fetches every guide page of lang over HTTP and gives section → its headings'
// ids in order, and id → the heading's text.
func guideHeadings(t *testing.T, c *apptest.Client, lang string) (map[string][]string, map[string]map[string]string) {
	t.Helper()
	ids, texts := map[string][]string{}, map[string]map[string]string{}
	index := c.Get("/guide?lang=" + lang).Doc(t)
	index.Find(".guide-toc a[href^='/guide/']").Each(func(_ int, a *goquery.Selection) {
		slug := strings.TrimPrefix(a.AttrOr("href", ""), "/guide/")
		r := c.Get("/guide/" + slug + "?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("/guide/%s?lang=%s: %d", slug, lang, r.StatusCode)
		}
		texts[slug] = map[string]string{}
		r.Doc(t).Find("article.guide-content").Find("h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]").Each(func(_ int, h *goquery.Selection) {
			id := h.AttrOr("id", "")
			ids[slug] = append(ids[slug], id)
			texts[slug][id] = strings.TrimSpace(h.Text())
		})
	})
	if len(ids) < 20 {
		t.Fatalf("%s: only %d guide pages with headings; the walk is broken", lang, len(ids))
	}
	return ids, texts
}

// TestGuideAnchorsKeepTurkishLetters: a heading's anchor dropped every letter outside ASCII, so
// "Konuşmalar ve kanallar" was #konumalar-ve-kanallar, which nobody writing a link guesses. Turkish
// letters (and the other Latin letters with marks) now fold to their plain letter as the search
// folds them: #konusmalar-ve-kanallar. Every English anchor is the one the Markdown renderer gave
// before (links and bookmarks to them still land), and no Turkish anchor loses a letter of its
// heading.
func TestGuideAnchorsKeepTurkishLetters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Client()

	tr, trText := guideHeadings(t, c, "tr")
	if got := trText["troubleshooting"]["konusmalar-ve-kanallar"]; got != "Konuşmalar ve kanallar" {
		t.Errorf("the Turkish troubleshooting page's #konusmalar-ve-kanallar is %q (its ids: %v)", got, tr["troubleshooting"])
	}
	plain := regexp.MustCompile(`^[a-z0-9-]+$`)
	letters := regexp.MustCompile(`[^a-z0-9]+`)
	for slug, ids := range tr {
		for _, id := range ids {
			if !plain.MatchString(id) {
				t.Errorf("/guide/%s?lang=tr: anchor %q is not plain lower-case ASCII", slug, id)
			}
			// The heading's letters, folded, are the anchor's (a repeated heading's "-1" aside).
			want := letters.ReplaceAllString(fold.String(trText[slug][id]), "")
			if got := strings.ReplaceAll(id, "-", ""); !strings.HasPrefix(got, want) {
				t.Errorf("/guide/%s?lang=tr: heading %q has anchor %q, which lost letters", slug, trText[slug][id], id)
			}
		}
	}

	// English: the ids the stock renderer gives each page's Markdown, in order, are the ids served.
	en, _ := guideHeadings(t, c, "en")
	for slug, want := range stockAnchors(t, "en") {
		if got := en[slug]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("/guide/%s: English anchors %v, were %v", slug, got, want)
		}
	}
	// Turkish: an anchor as it was (a bookmark, a link pasted in a message) still lands on its
	// heading, held by an empty marker first thing inside it.
	for slug, former := range stockAnchors(t, "tr") {
		doc := c.Get("/guide/" + slug + "?lang=tr").Doc(t)
		for _, id := range former {
			h := doc.Find(`article.guide-content [id="` + id + `"]`)
			if h.Length() != 1 {
				t.Errorf("/guide/%s?lang=tr: the former anchor #%s is %d elements", slug, id, h.Length())
				continue
			}
			if !h.Is("h1, h2, h3, h4, h5, h6") && !h.Parent().Is("h1, h2, h3, h4, h5, h6") {
				t.Errorf("/guide/%s?lang=tr: the former anchor #%s is no heading's", slug, id)
			}
		}
	}
}

// stockAnchors renders every guide page of lang with the Markdown renderer's own heading ids
// (those the guide had before its anchors kept Turkish letters): section → ids in order.
func stockAnchors(t *testing.T, lang string) map[string][]string {
	t.Helper()
	stock := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	files, err := fs.Glob(guide.FS, lang+"/*.md")
	if err != nil {
		t.Fatal(err)
	}
	idAttr := regexp.MustCompile(`<h[1-6] id="([^"]*)"`)
	out := map[string][]string{}
	for _, f := range files {
		src, err := fs.ReadFile(guide.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := stock.Convert(src, &buf); err != nil {
			t.Fatal(err)
		}
		_, slug, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".md"), "-")
		for _, m := range idAttr.FindAllStringSubmatch(buf.String(), -1) {
			out[slug] = append(out[slug], m[1])
		}
	}
	return out
}

// guidePartIn finds a link to a part of a guide page: /guide/<section>#<part> in the guide's
// Markdown and the views, and "<section>#<part>" in Go (a page's Guide field).
var (
	guidePartIn   = regexp.MustCompile(`/guide/([a-z0-9][a-z0-9-]*)(?:\?[^#"'\s)]*)?#([^"'\s)<>]+)`)
	guidePartInGo = regexp.MustCompile(`"([a-z0-9][a-z0-9-]*)#([^"\s]+)"`)
)

// TestGuidePartLinksLand: every link to a part of a guide page lands on a heading: the links
// between guide pages (and within one) in that page's language; a view's fixed link in both
// languages, since the guide opens in the reader's; a Go page's Guide part in the language it is
// chosen for, which at least one of the two must have (the channels page's, per language, is
// TestChannelsPageGuideLinkIsGeneral's).
func TestGuidePartLinksLand(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Client()
	ids := map[string]map[string]map[string]bool{} // lang → section → id
	for _, lang := range []string{"en", "tr"} {
		got, _ := guideHeadings(t, c, lang)
		ids[lang] = map[string]map[string]bool{}
		for slug, list := range got {
			ids[lang][slug] = map[string]bool{}
			for _, id := range list {
				ids[lang][slug][id] = true
			}
		}
	}
	lands := func(lang, slug, part string) bool { return ids[lang][slug][part] }

	// In the guide: every link in a served page with a #part, to its own page or another.
	linksSeen := 0
	for _, lang := range []string{"en", "tr"} {
		for slug := range ids[lang] {
			doc := c.Get("/guide/" + slug + "?lang=" + lang).Doc(t)
			doc.Find("article.guide-content a[href]").Each(func(_ int, a *goquery.Selection) {
				href := a.AttrOr("href", "")
				if strings.HasPrefix(href, "/guide/") {
					linksSeen++
				}
				page, part, ok := strings.Cut(href, "#")
				if !ok {
					return
				}
				to := slug
				if page != "" {
					if !strings.HasPrefix(page, "/guide/") {
						return
					}
					to, _, _ = strings.Cut(strings.TrimPrefix(page, "/guide/"), "?")
				}
				if !lands(lang, to, part) {
					t.Errorf("/guide/%s?lang=%s links %s, which is no heading there", slug, lang, href)
				}
			})
		}
	}
	if linksSeen < 20 {
		t.Fatalf("saw only %d links between guide pages; the walk is broken", linksSeen)
	}

	// In the product: views and Go.
	for _, root := range []string{"../views", "."} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
				return err
			}
			isGo := strings.HasSuffix(p, ".go")
			if !isGo && !strings.HasSuffix(p, ".html") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !isGo {
				for _, m := range guidePartIn.FindAllStringSubmatch(string(b), -1) {
					for _, lang := range []string{"en", "tr"} {
						if !lands(lang, m[1], m[2]) {
							t.Errorf("%s links /guide/%s#%s, which is no heading in the %s guide", p, m[1], m[2], lang)
						}
					}
				}
				return nil
			}
			for _, m := range guidePartInGo.FindAllStringSubmatch(string(b), -1) {
				if ids["en"][m[1]] == nil {
					continue // not a guide section: some other string with a #
				}
				if !lands("en", m[1], m[2]) && !lands("tr", m[1], m[2]) {
					t.Errorf("%s links the guide's %s#%s, which is no heading in either language", p, m[1], m[2])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
