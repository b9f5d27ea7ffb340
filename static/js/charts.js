/*
 * HighVibe charts (the KPI page): plain ES2017. Each [data-chart][data-src][data-key][data-empty]
 * draws chart_pack[key] of the JSON at data-src, or shows data-empty.
 *
 * 2-D charts use the 2-D Plotly bundle the page loads before this file. A chart with 3-D traces
 * waits until it scrolls into view, then the 3-D bundle named by [data-plotly-3d] is loaded once;
 * it is a Plotly of its own, kept apart so window.Plotly stays the 2-D one.
 *
 * Numbers follow the page's language: separators from Intl (Western digits, as the server
 * writes them) and large values in its compact form ("15,7 Mn" in Turkish, not "15.74M").
 * Percentages and hover texts come written by the server (chart_pack.json, in the reader's
 * language), as does the mirrored layout of a right-to-left page.
 */
(function () {
  'use strict';

  const lang = document.documentElement.lang || 'en';
  const loc = lang + '-u-nu-latn';
  const parts = new Intl.NumberFormat(loc).formatToParts(12345.6);
  const sep = (type, dflt) => (parts.find((p) => p.type === type) || { value: dflt }).value;
  const decimal = sep('decimal', '.');
  const group = sep('group', ',');
  const compact = new Intl.NumberFormat(loc, { notation: 'compact', maximumFractionDigits: 1 });
  const full = new Intl.NumberFormat(loc, { maximumFractionDigits: 2 });
  const config = {
    responsive: true, displayModeBar: false, locale: lang,
    locales: { [lang]: { format: { decimal: decimal, thousands: group } } },
  };
  const BIG = 1e4; // from here on, axis labels use the compact form

  function showEmpty(el) {
    el.classList.add('is-empty');
    el.textContent = el.getAttribute('data-empty') || '';
  }

  const numbers = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'number' && isFinite(x)) : []);

  // Round tick values from lo to hi, about five of them.
  function ticks(lo, hi) {
    lo = Math.min(0, lo);
    const raw = (hi - lo) / 5 || 1;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const n = raw / mag;
    const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    const out = [];
    for (let v = Math.floor(lo / step) * step; v <= hi + step / 2; v += step) out.push(Math.round(v / step) * step);
    return out;
  }

  // Large amounts on a value axis: compact tick labels and full numbers on hover.
  function compactAxis(layout, data, axisKey, key) {
    const traces = data.filter((t) => !t.type || t.type === 'bar' || t.type === 'scatter');
    const vals = [].concat(...traces.map((t) => numbers(t[key])));
    if (!vals.length || Math.max(...vals.map(Math.abs)) < BIG) return;
    const tv = ticks(Math.min(...vals), Math.max(...vals));
    layout[axisKey] = Object.assign({}, layout[axisKey], { tickmode: 'array', tickvals: tv, ticktext: tv.map((v) => compact.format(v)) });
    for (const t of traces) {
      if (t.hoverinfo === 'skip' || t.hovertemplate) continue; // the server's own hover stays
      t.customdata = (t[key] || []).map((v) => (typeof v === 'number' ? full.format(v) : v));
      t.hovertemplate = (key === 'y' ? '%{x}' : '%{y}') + ': %{customdata}<extra>%{fullData.name}</extra>';
    }
  }

  // A gauge's number in compact form: values are scaled to the unit the language names
  // ("Mn" for millions in Turkish) and that unit becomes the suffix.
  function compactIndicator(t) {
    const v = t.value;
    if (typeof v !== 'number' || Math.abs(v) < BIG) return;
    let scale = Math.pow(1000, Math.floor(Math.log10(Math.abs(v)) / 3));
    const unit = (compact.formatToParts(scale * 1.5).find((p) => p.type === 'compact') || {}).value;
    if (!unit) scale = 1;
    const s = (x) => (typeof x === 'number' ? x / scale : x);
    const suffix = unit ? '\u00a0' + unit : '';
    t.value = s(v);
    t.number = Object.assign({}, t.number, { valueformat: ',.1f', suffix: suffix });
    // The delta is in the same unit as the number: "▲17,7 Mn", not a bare "▲17,7".
    if (t.delta) t.delta = Object.assign({}, t.delta, { reference: s(t.delta.reference), valueformat: ',.1f', suffix: suffix });
    const g = t.gauge;
    if (g) {
      if (g.axis && g.axis.range) g.axis = Object.assign({}, g.axis, { range: g.axis.range.map(s) });
      if (g.steps) g.steps = g.steps.map((st) => Object.assign({}, st, { range: (st.range || []).map(s) }));
      if (g.threshold) g.threshold = Object.assign({}, g.threshold, { value: s(g.threshold.value) });
    }
  }

  // A long category name breaks onto two lines at the space, or the soft hyphen the catalog put
  // in a long word ("Daten\u00adqualität"), nearest its middle; a word broken there keeps a hyphen.
  const SHY = '\u00ad';
  function wrap(s, longer) {
    if (typeof s !== 'string') return s;
    let best = -1;
    if (s.length > (longer || 12)) {
      for (let i = 0; i < s.length; i++) {
        if ((s[i] === ' ' || s[i] === SHY) && (best < 0 || Math.abs(i - s.length / 2) < Math.abs(best - s.length / 2))) best = i;
      }
    }
    const plain = (x) => x.split(SHY).join('');
    if (best < 0) return plain(s);
    return plain(s.slice(0, best)) + (s[best] === SHY ? '-' : '') + '<br>' + plain(s.slice(best + 1));
  }

  // shorten cuts s to fit px pixels as a 12 px tick label (Plotly's size) and ends it with an
  // ellipsis; s itself when it fits.
  let measure = null;
  function shorten(s, px, family) {
    if (!measure) measure = document.createElement('canvas').getContext('2d');
    measure.font = '12px ' + family;
    if (measure.measureText(s).width <= px) return s;
    const cs = Array.from(s);
    let n = cs.length;
    while (n > 1 && measure.measureText(cs.slice(0, n).join('').trimEnd() + '\u2026').width > px) n--;
    return cs.slice(0, n).join('').trimEnd() + '\u2026';
  }

  // Markers over the plot (the forecast's campaigns, one per month) that run into each other are
  // stacked: each goes up by the fewest rows that clear, 4 px around, the markers already placed
  // where they now stand (markers stand at their months' heights, so a row up from a lower one can
  // land on a higher one); the top margin and the chart grow by the rows added.
  function fitNotes(el, P, layout) {
    const notes = Array.from(el.querySelectorAll('.infolayer .annotation'));
    if (notes.length < 2) return null;
    const boxes = notes.map((g, i) => {
      const r = (g.querySelector('.annotation-text-g') || g).getBoundingClientRect();
      return { i: Number(g.getAttribute('data-index') || i), left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height };
    }).sort((a, b) => a.left - b.left);
    const placed = []; // the markers placed so far, where they stand after the move
    const update = {};
    let top = 0;
    for (const b of boxes) {
      const clash = (up) => placed.some((p) => b.left < p.right + 4 && p.left < b.right + 4 && b.top - up < p.bottom + 4 && p.top < b.bottom - up + 4);
      let row = 0;
      while (clash(row * (b.height + 4))) row++;
      placed.push({ left: b.left, right: b.right, top: b.top - row * (b.height + 4), bottom: b.bottom - row * (b.height + 4) });
      if (!row) continue;
      const base = layout.annotations[b.i] || {};
      const ay = (typeof base.ay === 'number' ? base.ay : -30) - row * (b.height + 4);
      update['annotations[' + b.i + '].ay'] = ay;
      top = Math.max(top, row * (b.height + 4));
    }
    if (!Object.keys(update).length) return null;
    const m = layout.margin || {};
    update['margin.t'] = (m.t || 20) + top;
    // the card grows by as much, so the plot keeps its height (a phone's is small already)
    const height = el.clientHeight + top;
    el.style.blockSize = height + 'px';
    update.height = height;
    return P.relayout(el, update);
  }

  // The figure as this page draws it: no title of its own (the card's caption names it), margins
  // that grow to fit tick labels, numbers in the page's language.
  function prepare(fig, el) {
    const data = fig.data.map((t) => Object.assign({}, t));
    const layout = Object.assign({}, fig.layout);
    delete layout.title;
    layout.font = Object.assign({}, layout.font, { family: getComputedStyle(document.body).fontFamily });
    layout.separators = decimal + group;
    const polar = data.some((t) => /polar/.test(t.type || ''));
    const gauge = data.some((t) => t.type === 'indicator');
    const narrow = el.clientWidth < 500;
    // Polar labels sit outside the circle and a gauge's end labels and title outside its arc;
    // Plotly makes no room for either.
    layout.margin = polar ? { l: narrow ? 70 : 90, r: narrow ? 70 : 90, t: 30, b: 30 }
      : gauge ? { l: 45, r: 45, t: 60, b: 10 } : { l: 10, r: 30, t: 20, b: 10 };
    for (const t of data) {
      if (polar && Array.isArray(t.theta)) t.theta = t.theta.map((s) => wrap(s, 8));
      // A heatmap shows every state's label (the figure asks for each): long ones take two lines
      // on a wide card; on a phone the labels stand upright and the cells' own counts replace
      // the colour bar, which would take a third of the width.
      if (t.type === 'heatmap') {
        if (narrow) t.showscale = false;
        else if (Array.isArray(t.x)) t.x = t.x.map((s) => wrap(s));
      }
      if (t.type === 'indicator' && t.title) t.title = Object.assign({}, t.title, { text: wrap(t.title.text, 24), font: { size: 13 } });
    }
    // A chart laid out from the right (the server mirrors them for Arabic: Mirror) has its value
    // axis on the right and the x axis's last label overhanging at the left.
    // Plotly then lets the axis title run into the tick labels unless it is given its distance.
    if (layout.yaxis && layout.yaxis.side === 'right' && !polar && !gauge) {
      layout.margin = Object.assign({}, layout.margin, { l: 30, r: 10 });
      if (layout.yaxis.title) layout.yaxis = Object.assign({}, layout.yaxis, { title: Object.assign({ standoff: 12 }, layout.yaxis.title) });
    }
    // A marker over a month (the forecast's campaigns) says on a phone only the change its
    // figure gives as "short" ("-30%"); the whole label ("Yılbaşı -30%") is its hover. fitNotes
    // then stacks markers that would still run into each other.
    if (Array.isArray(layout.annotations)) {
      layout.annotations = layout.annotations.map((a) => {
        const n = Object.assign({}, a);
        if (narrow && typeof n.short === 'string' && n.short) n.text = n.short;
        else delete n.hovertext; // the marker says it all
        delete n.short;
        return n;
      });
    }
    // A horizontal bar chart's names (clients) that would take more than their share of the
    // width are cut with an ellipsis; the bar's hover keeps the whole name.
    const bars = data.filter((t) => t.type === 'bar' && t.orientation === 'h' && Array.isArray(t.y));
    if (bars.length) {
      const names = Array.from(new Set([].concat(...bars.map((t) => t.y)))).filter((s) => typeof s === 'string');
      const room = Math.max(60, Math.round(el.clientWidth * (narrow ? 0.45 : 0.3)));
      const cut = names.map((s) => shorten(s, room, layout.font.family));
      if (cut.some((s, i) => s !== names[i])) {
        layout.yaxis = Object.assign({}, layout.yaxis, { tickmode: 'array', tickvals: names, ticktext: cut });
      }
    }
    // Notes under the plot (the funnel's lost leads) need a line of their own.
    if (layout.annotations && !polar && !gauge) layout.margin.b = 36;
    for (const k of ['xaxis', 'yaxis']) layout[k] = Object.assign({ automargin: true }, layout[k], { automargin: true });
    compactAxis(layout, data, 'yaxis', 'y');
    for (const t of data) if (t.type === 'indicator') compactIndicator(t);
    // The legend sits at the foot of the whole figure, not a fixed share under the plot, where
    // a phone's upright month labels ran into it.
    if (layout.legend) layout.legend = Object.assign({}, layout.legend, { yref: 'container', y: 0, yanchor: 'bottom' });
    return { data, layout };
  }

  // A polar chart's axis names stand outside its circle, where Plotly makes no room for them: a
  // long one ("Conversion", "Datenqualität") ran past the card's edge. Once drawn, the margins
  // grow by what sticks out, the same on both sides so the circle stays centred, until every
  // name is whole (a smaller circle brings the names in with it).
  function fitPolar(el, P, layout) {
    let m = Object.assign({}, layout.margin);
    const step = (tries) => {
      const box = el.getBoundingClientRect();
      let x = 0, y = 0;
      for (const t of el.querySelectorAll('.angular-axis text, .angularaxistick text')) {
        const r = t.getBoundingClientRect();
        if (!r.width) continue;
        x = Math.max(x, box.left - r.left, r.right - box.right);
        y = Math.max(y, box.top - r.top, r.bottom - box.bottom);
      }
      const dx = x > 0 ? Math.ceil(x) + 4 : 0, dy = y > 0 ? Math.ceil(y) + 4 : 0;
      // never so far that the circle all but vanishes
      if ((!dx && !dy) || !tries || box.width - m.l - m.r - 2 * dx < 80 || box.height - m.t - m.b - 2 * dy < 80) return null;
      m = Object.assign({}, m, { l: m.l + dx, r: m.r + dx, t: m.t + dy, b: m.b + dy });
      return Promise.resolve(P.relayout(el, { margin: m })).then(() => step(tries - 1));
    };
    return step(4);
  }

  function draw(el, fig, P) {
    const f = prepare(fig, el);
    el.classList.remove('is-empty');
    el.textContent = '';
    el.hvPlotly = P;
    const polar = f.data.some((t) => /polar/.test(t.type || ''));
    el.removeAttribute('data-drawn');
    Promise.resolve(P.newPlot(el, f.data, f.layout, config))
      .then(() => (polar ? fitPolar(el, P, f.layout) : fitNotes(el, P, f.layout)))
      .then(() => el.setAttribute('data-drawn', '')) // laid out for good
      .catch(() => showEmpty(el));
  }

  // The 3-D bundle, loaded at most once per page.
  let plotly3d = null;
  function load3d() {
    if (plotly3d) return plotly3d;
    const holder = document.querySelector('[data-plotly-3d]');
    plotly3d = new Promise((resolve, reject) => {
      if (!holder) return reject(new Error('no 3-D bundle named'));
      const plotly2d = window.Plotly;
      const s = document.createElement('script');
      s.src = holder.getAttribute('data-plotly-3d');
      s.onload = () => {
        const P = window.Plotly;
        window.Plotly = plotly2d;
        resolve(P);
      };
      s.onerror = reject;
      document.head.appendChild(s);
    });
    return plotly3d;
  }

  const is3d = (fig) => fig.data.some((t) => /3d|surface|mesh/.test(t.type || ''));
  const seen = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      seen.unobserve(e.target);
      const el = e.target;
      load3d().then((P) => draw(el, el.hvFigure, P), () => showEmpty(el));
    }
  }, { rootMargin: '200px' });

  function place(el, pack) {
    // A key may name a figure inside a part of the pack: "msp_payload.figures.sla_compliance".
    const fig = pack && pack.chart_pack ? el.getAttribute('data-key').split('.').reduce((o, k) => (o ? o[k] : null), pack.chart_pack) : null;
    if (!fig || !Array.isArray(fig.data) || !fig.data.length) return showEmpty(el);
    if (is3d(fig)) {
      el.hvFigure = fig;
      seen.observe(el);
      return;
    }
    if (!window.Plotly) return showEmpty(el);
    draw(el, fig, window.Plotly);
  }

  // Draws every chart under root not drawn yet, fetching each URL once.
  function drawCharts(root) {
    const packs = new Map(); // URL → Promise of the parsed JSON, null on failure
    const charts = Array.from(root.querySelectorAll('[data-chart]'));
    if (root.matches && root.matches('[data-chart]')) charts.push(root);
    for (const el of charts) {
      if (el.hasAttribute('data-chart-done')) continue;
      el.setAttribute('data-chart-done', '');
      const src = el.getAttribute('data-src');
      if (!src) { showEmpty(el); continue; }
      if (!packs.has(src)) {
        packs.set(src, fetch(src, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
          .then((r) => (r.ok ? r.json() : null))
          .catch(() => null));
      }
      packs.get(src).then((pack) => place(el, pack));
    }
  }

  // Deferred scripts run in order, so the 2-D Plotly (listed first) is ready here.
  const ready = () => drawCharts(document);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
  // htmx may swap charts in; free Plotly's listeners when it removes one.
  document.addEventListener('htmx:load', (event) => { if (event.target !== document.body) drawCharts(event.target); });
  document.addEventListener('htmx:beforeCleanupElement', (event) => {
    const el = event.target;
    if (el.hvPlotly && el.classList && el.classList.contains('js-plotly-plot')) el.hvPlotly.purge(el);
  });
})();
