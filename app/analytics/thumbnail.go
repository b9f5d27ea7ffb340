package analytics

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// A thumbnail is a small SVG the server draws from one 3-D chart of the chart pack, so the
// dashboard shows its previews without loading Plotly: the points seen from the front (x
// across, y up) with the third axis as the colour, and the three axis names.
const (
	thumbW, thumbH = 320, 180
	plotL, plotR   = 40.0, 312.0 // plot area, in viewBox units
	plotT, plotB   = 24.0, 148.0
	thumbMaxPoints = 400 // more points are sampled evenly; a preview needs the shape, not each lead
)

// thumbColours are four steps of each chart's Plotly colour scale, low to high.
var thumbColours = map[string][]string{
	"lead_3d":     {"#440154", "#31688e", "#35b779", "#fde725"}, // Viridis
	"decision_3d": {"#fcbba1", "#fb6a4a", "#cb181d", "#67000d"}, // Reds
}

// Thumbnail draws the chart_pack figure key of pack (the stored JSON) as an SVG of label (the
// chart's name, read by screen readers), with axis names translated by t. It returns "" when the
// figure has no points, and the page shows its empty state.
func Thumbnail(pack json.RawMessage, key, label string, t func(key string, args ...any) string) template.HTML {
	var figs map[string]Figure
	if err := json.Unmarshal(pack, &figs); err != nil {
		return ""
	}
	fig, ok := figs[key]
	if !ok || len(fig.Data) == 0 {
		return ""
	}
	tr := fig.Data[0]
	xs, ys, zs := floats(tr["x"]), floats(tr["y"]), floats(tr["z"])
	n := min(len(xs), len(ys), len(zs))
	if n == 0 {
		return ""
	}
	names := [3]string{}
	if scene, ok := fig.Layout["scene"].(map[string]any); ok {
		for i, a := range []string{"xaxis", "yaxis", "zaxis"} {
			if ax, ok := scene[a].(map[string]any); ok {
				if title, ok := ax["title"].(map[string]any); ok {
					if s, ok := title["text"].(string); ok {
						names[i] = t(strings.TrimPrefix(s, i18nPrefix))
					}
				}
			}
		}
	}
	x0, x1 := span(xs[:n])
	y0, y1 := span(ys[:n])
	z0, z1 := span(zs[:n])
	colours := thumbColours[key]
	if colours == nil {
		colours = thumbColours["lead_3d"]
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="thumb" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, thumbW, thumbH, html.EscapeString(label))
	// Frame and three guide lines.
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="#fafbfc" stroke="#d0d5dd"/>`, plotL, plotT, plotR-plotL, plotB-plotT)
	for i := 1; i < 4; i++ {
		y := plotT + (plotB-plotT)*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#eaecf0"/>`, plotL, y, plotR, y)
	}
	step := 1.0
	if n > thumbMaxPoints {
		step = float64(n) / thumbMaxPoints
	}
	b.WriteString(`<g fill-opacity=".8">`)
	for f := 0.0; int(f) < n; f += step {
		i := int(f)
		px := plotL + 4 + (plotR-plotL-8)*scale(xs[i], x0, x1)
		py := plotB - 4 - (plotB-plotT-8)*scale(ys[i], y0, y1)
		c := colours[min(len(colours)-1, int(scale(zs[i], z0, z1)*float64(len(colours))))]
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, px, py, c)
	}
	b.WriteString(`</g>`)
	// Axis names: x under the plot, y along its left edge, the colour's meaning above it.
	text := `<text x="%g" y="%g" font-size="11" fill="#475467"%s>%s</text>`
	fmt.Fprintf(&b, text, (plotL+plotR)/2, float64(thumbH)-14, ` text-anchor="middle"`, html.EscapeString(names[0]))
	fmt.Fprintf(&b, text, 14.0, (plotT+plotB)/2, fmt.Sprintf(` text-anchor="middle" transform="rotate(-90 14 %g)"`, (plotT+plotB)/2), html.EscapeString(names[1]))
	for i, c := range colours {
		fmt.Fprintf(&b, `<rect x="%g" y="8" width="10" height="8" fill="%s"/>`, plotL+float64(i)*10, c)
	}
	fmt.Fprintf(&b, text, plotL+float64(len(colours))*10+6, 16.0, "", "→ "+html.EscapeString(names[2]))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text inside is escaped above
}

// floats reads a decoded JSON array of numbers; anything else reads as no numbers.
func floats(v any) []float64 {
	arr, _ := v.([]any)
	out := make([]float64, 0, len(arr))
	for _, x := range arr {
		f, ok := x.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			f = 0
		}
		out = append(out, f)
	}
	return out
}

func span(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// scale places x between lo and hi on 0..1; a flat range puts everything in the middle.
func scale(x, lo, hi float64) float64 {
	if hi <= lo {
		return 0.5
	}
	return min(1, max(0, (x-lo)/(hi-lo)))
}
