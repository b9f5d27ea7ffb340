// Package docs renders the operator guide (/guide, /guide/<section>) from the embedded Markdown,
// in English or Turkish, with a table of contents and a TR/EN switch.
package docs

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"highvibe/app/fault"
	"highvibe/app/web"
)

// Langs are the languages the guide is written in.
var Langs = []string{"en", "tr"}

// Section is one rendered page of the guide.
type Section struct {
	Slug  string
	Order string
	Title string
	HTML  template.HTML
}

// Guide is every section of both languages, rendered once at start-up.
type Guide struct {
	Render *web.Renderer
	pages  map[string][]*Section // lang → sections in order
	bySlug map[string]map[string]*Section
}

var titleRE = regexp.MustCompile(`(?m)^#\s+(.+)$`)

// Moved are the addresses of sections that were merged into another or renamed, with the section
// that holds their text now. A bookmarked or linked /guide/<old> answers 301 with the new address
// (the ?lang= kept; the browser keeps a #part, and the new page keeps the old page's headings, so
// the part still finds its place). In-product links name the new section directly.
var Moved = map[string]string{
	"leads-and-stages":   "leads-and-pipeline",         // merged into the leads list and board page
	"privacy-kvkk":       "privacy-notice-and-consent", // retitled: apart from exports and data requests
	"niches-and-modules": "niches",                     // retitled: apart from the modules page
}

// Load renders every Markdown file of fsys (en/NN-slug.md, tr/NN-slug.md). File names start with
// a two-digit order so the table of contents follows the reading order.
func Load(fsys fs.FS, render *web.Renderer) (*Guide, error) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	g := &Guide{Render: render, pages: map[string][]*Section{}, bySlug: map[string]map[string]*Section{}}
	for _, lang := range Langs {
		g.bySlug[lang] = map[string]*Section{}
		files, err := fs.Glob(fsys, lang+"/*.md")
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			src, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			base := strings.TrimSuffix(f[len(lang)+1:], ".md")
			order, slug, ok := strings.Cut(base, "-")
			if !ok || len(order) != 2 {
				return nil, fmt.Errorf("docs: %s: file names are NN-slug.md", f)
			}
			var buf bytes.Buffer
			headings := &headingIDs{}
			if err := md.Convert(src, &buf, parser.WithContext(parser.NewContext(parser.WithIDs(headings)))); err != nil {
				return nil, fmt.Errorf("docs: %s: %w", f, err)
			}
			title := slug
			if m := titleRE.FindSubmatch(src); m != nil {
				title = strings.TrimSpace(string(m[1]))
			}
			// Code blocks and tables scroll sideways inside the text's card; a keyboard reaches them.
			html := strings.NewReplacer("<pre>", `<pre tabindex="0">`, "<table>", `<div class="table-wrap" tabindex="0"><table>`,
				"</table>", "</table></div>").Replace(headings.keepFormer(buf.String()))
			s := &Section{Slug: slug, Order: order, Title: title, HTML: template.HTML(html)} // #nosec: our own embedded Markdown
			g.pages[lang] = append(g.pages[lang], s)
			g.bySlug[lang][slug] = s
		}
	}
	for old, to := range Moved {
		for _, lang := range Langs {
			if _, ok := g.bySlug[lang][old]; ok {
				return nil, fmt.Errorf("docs: moved section %q is still a section (%s)", old, lang)
			}
			if _, ok := g.bySlug[lang][to]; !ok {
				return nil, fmt.Errorf("docs: moved section %q points at %q, which is no %s section", old, to, lang)
			}
		}
	}
	return g, nil
}

// Sections lists a language's sections in order.
func (g *Guide) Sections(lang string) []*Section { return g.pages[lang] }

// Lang is the guide language for a panel language: Turkish readers get Turkish, everyone else
// English (the guide is written in these two). A page that links a part of the guide picks the
// part's anchor in this language, since the two languages' headings differ.
func Lang(panel string) string {
	if panel == "tr" {
		return "tr"
	}
	return "en"
}

type pageData struct {
	Lang     string
	Sections []*Section
	Current  *Section
	Other    string // the other guide language
}

// Index shows the first section.
func (g *Guide) Index(w http.ResponseWriter, r *http.Request) {
	lang := Lang(web.From(r).Lang)
	if len(g.pages[lang]) == 0 {
		g.Render.Fail(w, r, fault.NotFound(""))
		return
	}
	g.show(w, r, lang, g.pages[lang][0])
}

// Section shows /guide/<section>.
func (g *Guide) Section(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("section")
	if to, ok := Moved[slug]; ok {
		u := "/guide/" + to
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusMovedPermanently)
		return
	}
	lang := Lang(web.From(r).Lang)
	s, ok := g.bySlug[lang][slug]
	if !ok {
		g.Render.Fail(w, r, fault.NotFound(""))
		return
	}
	g.show(w, r, lang, s)
}

func (g *Guide) show(w http.ResponseWriter, r *http.Request, lang string, s *Section) {
	other := "tr"
	if lang == "tr" {
		other = "en"
	}
	g.Render.Render(w, r, http.StatusOK, "guide/page", &web.Page{Title: s.Title, Nav: "guide",
		Data: pageData{Lang: lang, Sections: g.pages[lang], Current: s, Other: other}})
}
