/*
 * HighVibe panel behaviour: plain ES2017, no dependencies (uses htmx and Plotly
 * when loaded). The CSP allows no inline script, so data attributes switch on:
 *   [data-nav-toggle]      toggles its aria-controls nav (phones); Esc closes it, open menus
 *   [data-inbox-list]      keyboard over rows [data-row-href]; search is #q
 *   [data-confirm="text"]  confirm() before a form submits / a button acts
 *   [data-copy="#sel"]     copies the target's text
 *   [data-autosubmit]      submits its form on change
 *   main > .flashes        moved to the top of the section the page lands on (#users)
 *   details[data-open-wide] opened on screens 56rem and wider (folded on phones)
 *   input[data-select-all="<form id>"] checks or clears every input[data-pick] of that form
 *   button[data-ask-reason] (queue's Reject): a first press adds a reason field and shows
 *                          data-confirm-label; the second decides, with the reason
 *   (inbox panes, composer and its templates, shortcuts: see chat.js)
 * Charts: see charts.js. Load with `defer`, after htmx.
 */
(function () {
  'use strict';

  // For CSS: the nav folds only when JavaScript can open it.
  document.documentElement.classList.add('js');

  const on = (type, fn, capture) => document.addEventListener(type, fn, capture);
  const up = (e, sel) => e.target.closest && e.target.closest(sel);

  // ---- details[data-open-wide]: folded on phones, open on wider screens
  const openWide = () => {
    if (!window.matchMedia('(min-width: 56rem)').matches) return;
    for (const d of document.querySelectorAll('details[data-open-wide]')) d.open = true;
  };
  const ready = (fn) => (document.readyState === 'loading' ? on('DOMContentLoaded', fn) : fn());
  ready(openWide);
  on('htmx:load', openWide);

  // ---- forms and htmx requests name their page's business (web.PageBusiness)
  const biz = () => { const b = document.querySelector('[data-business]'); return b && b.dataset.business; };
  on('submit', (e) => {
    const f = e.target, b = biz(), k = '_business';
    if (!b || f.method !== 'post') return;
    if (f.enctype[0] === 'm') { const u = new URL(f.action); u.searchParams.set(k, b); f.action = u; return; }
    (f.querySelector('[name=' + k + ']') || f.appendChild(Object.assign(document.createElement('input'), { type: 'hidden', name: k }))).value = b;
  }, true);
  on('htmx:configRequest', (e) => { const b = biz(); if (b) e.detail.headers['X-HV-Business'] = b; });

  // ---- a refused form (422): its first message unfolded, in view, its field focused
  const revealError = () => {
    const err = document.querySelector('main .field-error, main [aria-invalid="true"]');
    if (!err) return;
    for (let p = err.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
    const f = err.matches('input, select, textarea') ? err : (err.closest('.field, fieldset, form') || err.parentElement)
      .querySelector('[aria-invalid="true"], input:not([type=hidden]), select, textarea');
    err.scrollIntoView({ block: 'center' });
    if (f && !f.disabled && f.offsetParent) f.focus({ preventScroll: true });
  };
  ready(revealError);
  on('htmx:load', (e) => { if (e.target.id === 'main') setTimeout(revealError, 0); }); // a boosted page, once htmx scrolled it up

  // ---- a page landing on a section (#users): the banner under its heading
  ready(() => {
    const b = document.querySelector('main > .flashes');
    const s = b && document.getElementById(location.hash.slice(1));
    if (!s || !s.matches('main section')) return;
    const h = s.firstElementChild;
    if (h && /^H[1-6]$/.test(h.tagName)) h.after(b); else s.prepend(b);
    s.scrollIntoView();
  });

  // ---- nav toggle
  on('click', (e) => {
    const btn = up(e, '[data-nav-toggle]');
    const nav = btn && document.getElementById(btn.getAttribute('aria-controls'));
    if (!nav) return;
    btn.setAttribute('aria-expanded', String(nav.classList.toggle('is-open')));
  });

  // ---- Esc closes the open menu, focus to its button
  on('keydown', (e) => {
    const m = e.key === 'Escape' && up(e, '.dropdown[open],.stage-menu[open],.nav.is-open,[data-nav-toggle][aria-expanded=true]');
    const b = m && (m.open ? m.firstElementChild : document.querySelector('[data-nav-toggle]'));
    if (!b) return;
    e.preventDefault(); // inbox: no blur
    if (m.open) m.open = false; else b.click();
    b.focus();
  });

  // ---- inbox keyboard
  // Selection is kept by href, so it survives htmx swapping the list.
  let selectedHref = null;
  const inboxList = () => document.querySelector('[data-inbox-list]');
  const rowsOf = (list) => Array.from(list.querySelectorAll('[data-row-href]'));

  function mark(list, row) {
    for (const r of rowsOf(list)) {
      r.classList.toggle('is-selected', r === row);
      if (r === row) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
    }
  }

  function move(list, step) {
    const rows = rowsOf(list);
    if (!rows.length) return;
    let i = rows.findIndex((r) => r.classList.contains('is-selected'));
    i = i < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + step));
    mark(list, rows[i]);
    selectedHref = rows[i].getAttribute('data-row-href');
    rows[i].scrollIntoView({ block: 'nearest' });
  }

  const markHref = (href) => {
    const list = inboxList();
    if (list) mark(list, rowsOf(list).find((r) => r.getAttribute('data-row-href') === href));
  };
  on('htmx:afterSettle', () => { if (selectedHref !== null) markHref(selectedHref); });

  on('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const list = inboxList();
    if (!list) return;
    const search = document.getElementById('q');
    const active = document.activeElement;
    // While typing, only Esc in the search field is ours.
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && (active !== search || e.key !== 'Escape')) return;

    switch (e.key) {
      case 'Escape':
        // Clear and leave the search; "input" lets an htmx search reload.
        if (search && search.value !== '') { search.value = ''; search.dispatchEvent(new Event('input', { bubbles: true })); }
        if (active && active.blur) active.blur();
        return;
      case '/': // to the search, the slash not typed
        if (search) { e.preventDefault(); search.focus(); search.select(); }
        return;
      case 'j': case 'ArrowDown': e.preventDefault(); move(list, 1); return;
      case 'k': case 'ArrowUp': e.preventDefault(); move(list, -1); return;
      case 'Enter': {
        // A focused link or button keeps its own Enter.
        if (active && active !== document.body && active !== list && !active.hasAttribute('data-row-href')) return;
        const row = list.querySelector('[data-row-href].is-selected');
        if (!row) return;
        e.preventDefault();
        openRow(row.getAttribute('data-row-href'));
      }
    }
  });

  // A click anywhere on a row opens it; links and controls inside keep theirs.
  on('click', (e) => {
    const row = up(e, '[data-row-href]');
    if (!row || e.defaultPrevented || e.button !== 0) return;
    if (up(e, 'a, button, input, select, textarea, label, summary')) return;
    openRow(row.getAttribute('data-row-href'));
  });

  // chat.js opens rows in the inbox's conversation pane on wide screens.
  const openRow = (href) => (window.hvOpenRow ? window.hvOpenRow(href) : window.location.assign(href));
  window.hvSelect = (href) => { selectedHref = href; markHref(href); };

  // ---- confirm
  // Capture phase runs before htmx's listeners: a "no" stops both kinds.
  function refuse(e, question) {
    if (window.confirm(question)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  }
  on('click', (e) => {
    const el = up(e, '[data-confirm]');
    if (el && el.tagName !== 'FORM') refuse(e, el.getAttribute('data-confirm'));
  }, true);
  on('submit', (e) => {
    const form = e.target;
    if (!form.hasAttribute('data-confirm')) return;
    // A button with its own data-confirm asked already.
    if (e.submitter && e.submitter.hasAttribute('data-confirm')) return;
    refuse(e, form.getAttribute('data-confirm'));
  }, true);

  // ---- a create form (input[name=form_once]) is posted once: a second submit on its way is dropped
  let sending = new WeakSet();
  on('submit', (e) => {
    const f = e.target;
    if (!f.querySelector || !f.querySelector('[name=form_once]') || /^get$/i.test(e.submitter && e.submitter.getAttribute('formmethod'))) return;
    if (sending.has(f)) { e.preventDefault(); e.stopImmediatePropagation(); } else sending.add(f);
  }, true);
  on('htmx:afterRequest', (e) => { const f = e.detail.elt.closest('form'); if (f) sending.delete(f); });
  window.addEventListener('pageshow', (e) => { if (e.persisted) sending = new WeakSet(); }); // back from the cache

  // ---- copy
  on('click', (e) => {
    const btn = up(e, '[data-copy]');
    const target = btn && document.querySelector(btn.getAttribute('data-copy'));
    if (!target) return;
    e.preventDefault();
    const text = /^(INPUT|TEXTAREA)$/.test(target.tagName) ? target.value : target.textContent;
    const done = () => { btn.classList.add('is-copied'); setTimeout(() => btn.classList.remove('is-copied'), 2000); };
    const selectIt = () => { // copying refused (plain HTTP): select for Ctrl+C
      const range = document.createRange();
      range.selectNodeContents(target);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text.trim()).then(done, selectIt);
    else selectIt();
  });

  // ---- approval queue: select the page, reason on demand
  // Reject asks for its reason when pressed (a field per card cost a phone's CPU).
  on('change', (e) => {
    const all = e.target;
    if (!all.matches('[data-select-all]')) return;
    const id = all.getAttribute('data-select-all');
    for (const box of document.querySelectorAll('input[data-pick][form="' + id + '"]')) box.checked = all.checked;
  });
  // Capture: before htmx sees the click. Enter in the reason presses Reject, not Approve.
  on('click', (e) => {
    const btn = up(e, 'button[data-ask-reason]');
    if (!btn || !btn.form) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const field = Object.assign(document.createElement('input'), { name: 'reason', maxLength: 1000, placeholder: btn.dataset.askReason, dir: 'auto' });
    field.setAttribute('aria-label', btn.dataset.askReason);
    btn.form.insertBefore(field, btn.form.firstChild);
    btn.textContent = btn.dataset.confirmLabel;
    btn.removeAttribute('data-ask-reason');
    field.onkeydown = (k) => k.key === 'Enter' && (k.preventDefault(), btn.click());
    field.focus();
  }, true);

  // ---- autosubmit
  on('change', (e) => {
    const el = e.target;
    if (!el.form || !el.closest('[data-autosubmit]') || el.matches('[data-insert-template]')) return;
    // requestSubmit fires "submit", which htmx and data-confirm see.
    if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
  });
})();
