/*
 * A boosted link or form (hx-boost on <body>) swaps only the page's body: htmx drops the new
 * page's <head>, so a page's own stylesheets, rules and scripts (views: {{define "head"}}) were
 * missing when it was reached from the menu. Here the new head's stylesheets and <style> rules
 * not loaded yet are added before the swap (kept afterwards: the back button restores a page's
 * body from htmx's cache),
 * and a page whose head has a script not loaded yet (the KPI charts, the visits calendar) is
 * opened in full instead, so its scripts run as on a first visit. A refused boosted form's page
 * (422, 409, 404) is shown like any other instead of being dropped. Load with `defer`, after htmx.
 */
(function () {
  'use strict';
  const at = (n) => n.getAttribute('src') || n.getAttribute('href');
  const sel = 'link[rel=stylesheet], script[src]';
  document.addEventListener('htmx:beforeSwap', (event) => {
    const d = event.detail;
    // A refused boosted form (422 with its field messages, a 409, a 404) answers a whole page,
    // as it does without JavaScript; htmx drops 4xx/5xx answers, so the person saw nothing
    // happen. Show it (the server keeps the address: HX-Push-Url false).
    if (d.boosted && d.xhr.status >= 400 && typeof d.serverResponse === 'string' && /<body[\s>]/i.test(d.serverResponse)) {
      d.shouldSwap = true;
      d.isError = false;
    }
    const m = d.boosted && typeof d.serverResponse === 'string' && /<head[^>]*>([\s\S]*?)<\/head>/i.exec(d.serverResponse);
    if (!m) return;
    const t = document.createElement('template');
    t.innerHTML = m[1];
    const have = new Set([...document.querySelectorAll(sel)].map(at));
    const got = [...t.content.querySelectorAll(sel)].filter((n) => !have.has(at(n)));
    if (got.some((n) => n.tagName === 'SCRIPT') && d.requestConfig && d.requestConfig.verb === 'get' && d.xhr.responseURL) {
      d.shouldSwap = false;
      location.assign(d.xhr.responseURL);
      return;
    }
    got.forEach((n) => { if (n.tagName === 'LINK') document.head.append(n); });
    // a page's few rules written in its head (the approval queue's)
    const styles = [...document.head.querySelectorAll('style')].map((n) => n.textContent);
    t.content.querySelectorAll('style').forEach((n) => { if (!styles.includes(n.textContent)) document.head.append(n); });
  });
})();
