/*
 * HighVibe inbox and conversation behaviour (after app.js; plain ES2017). The
 * CSP allows no inline script, so data attributes switch on:
 *   [data-inbox-pane]      wide screens: list rows open in this pane and the
 *                          address becomes the conversation's own URL
 *   textarea[data-enter-send]  Enter sends its form, Shift+Enter is a new line
 *                          (on touch screens Enter stays a new line)
 *   form[data-composer]    cleared after htmx sent it; [data-composer-kind]
 *                          switches reply / internal note (yellow)
 *   [data-swap-errors]     htmx swaps its 422 answers (inline validation)
 *   [data-timeline]        kept scrolled to the newest message; where #composer
 *                          sticks (phones), sized to end above it
 *   select[data-insert-template][data-target="#sel"][data-vars='{"name":..}']
 *                          inserts option[data-text] there, {{name}} filled in
 *   [data-shortcuts-open], ?  opens dialog#shortcuts; r focuses the reply box
 *   [data-once="key"]      shown on the first visit only (localStorage)
 *   [sse-connect]          gets data-live="open" once its event stream is open
 *   select (any)           changed with the arrow keys: its change acts on Enter or on leaving it
 */
(function () {
  'use strict';
  if (window.hvChat) return; // loaded once per window, however pages are swapped
  window.hvChat = true;

  const on = (type, fn, capture) => document.addEventListener(type, fn, capture);
  const up = (event, sel) => (event.target && event.target.closest ? event.target.closest(sel) : null);
  const isTyping = (el) => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  // The row's own link opens in the pane too (capture phase: before htmx's
  // boost sees the click).
  on('click', (event) => {
    const link = up(event, '[data-row-href] a');
    const row = link && link.closest('[data-row-href]');
    if (!row || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (link.getAttribute('href') !== row.getAttribute('data-row-href') || !paneShown()) return;
    event.preventDefault();
    event.stopPropagation();
    openRow(row.getAttribute('data-row-href'));
  }, true);

  // ---- three panes ----------------------------------------------------------
  // On a wide screen the inbox shows list | conversation | lead panel: a row
  // opens in the pane and the address becomes the conversation's own URL, which
  // is also a full page (links, phones, reload).
  const pane = () => document.querySelector('[data-inbox-pane]');
  const paneShown = () => { const p = pane(); return !!p && p.offsetParent !== null; };
  let paneEmpty = null;

  function loadPane(href) {
    const p = pane();
    if (paneEmpty === null) paneEmpty = p.innerHTML;
    return window.htmx.ajax('GET', href, { target: '#inbox-pane', swap: 'innerHTML' });
  }

  function openRow(href) {
    if (!paneShown() || !window.htmx) { window.location.assign(href); return; }
    if (window.hvSelect) window.hvSelect(href);
    loadPane(href).then(() => {
      if (location.pathname !== href) history.pushState({ inboxPane: href }, '', href);
    });
  }

  window.addEventListener('popstate', (event) => {
    const p = pane();
    if (!p) return;
    const st = event.state;
    if (st && st.inboxPane) { loadPane(st.inboxPane); return; }
    if (location.pathname === '/app/inbox/' && paneEmpty !== null) p.innerHTML = paneEmpty;
  });

  // ---- composer -------------------------------------------------------------
  const touch = () => window.matchMedia && window.matchMedia('(hover: none) and (pointer: coarse)').matches;

  on('keydown', (event) => {
    const ta = event.target;
    if (event.key !== 'Enter' || !ta.matches || !ta.matches('textarea[data-enter-send]')) return;
    if (event.shiftKey || event.isComposing || event.keyCode === 229 || touch()) return;
    event.preventDefault();
    if (ta.value.trim() === '' || !ta.form) return;
    if (ta.form.requestSubmit) ta.form.requestSubmit(); else ta.form.submit();
  });

  function composerKind(sel) {
    const form = sel.form;
    const btn = form && form.querySelector('.composer-send');
    if (!btn) return;
    const kind = { outbound: 'reply', system: 'note', inbound: 'inbound' }[sel.value] || 'reply';
    form.classList.toggle('is-note', kind === 'note');
    btn.textContent = btn.getAttribute('data-label-' + kind) || btn.textContent;
  }
  on('change', (event) => { if (event.target.matches('[data-composer-kind]')) composerKind(event.target); });

  on('htmx:afterRequest', (event) => {
    const form = event.detail.elt;
    if (!event.detail.successful || !form.matches || !form.matches('form[data-composer]')) return;
    const body = form.querySelector('textarea[name=body]');
    if (body) { body.value = ''; body.focus(); }
    const later = form.querySelector('input[name=send_at]');
    if (later) later.value = '';
    const det = form.querySelector('details[open]');
    if (det) det.open = false;
  });

  // Inline saves answer 422 with the reason: show it where the control is. Any other error
  // answer that names its place (HX-Retarget: the server's error renderer puts it above the
  // page) is shown there instead of being dropped.
  on('htmx:beforeSwap', (event) => {
    const elt = event.detail.elt;
    const xhr = event.detail.xhr;
    if ((xhr.status === 422 && elt.closest && elt.closest('[data-swap-errors]')) ||
        (xhr.status >= 400 && xhr.getResponseHeader('HX-Retarget'))) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The timeline shows its newest message; new ones scroll into view.
  function toBottom(root) {
    // root is the timeline, a message added inside it (live redraws swap its children), or a page part holding it.
    const tl = root.closest && (root.closest('[data-timeline]') || root.querySelector('[data-timeline]'));
    if (!tl) return;
    tl.scrollTop = tl.scrollHeight;
    // A page htmx swapped in is scrolled to its top after this event: fit it afterwards.
    if (root.id === 'main') setTimeout(() => fit(!document.querySelector(refused)), 0);
    else fit(!document.querySelector(refused));
    watch();
  }
  on('htmx:load', (event) => toBottom(event.target));

  // Phones and tablets: the composer sticks to the bottom of the screen (chat.css). The thread
  // gets the height left between its top and the composer, whatever stands above it (WhatsApp's
  // closed-window notice heads it there) and however tall the composer is (its send-later part, a
  // refusal, a stretched text box); where not even the thread's least height fits, the page is
  // scrolled until its newest message ends above the composer. A wide screen keeps chat.css's.
  const gap = 12; // chat.css: .chat-main's gap, .75rem
  const refused = 'main .field-error, main [aria-invalid="true"]'; // app.js brings it into view
  function fit(reveal) {
    const tl = document.querySelector('[data-timeline]');
    const form = document.getElementById('composer');
    if (!tl) return;
    if (!form || getComputedStyle(form).position !== 'sticky') { tl.style.maxBlockSize = ''; return; }
    const atEnd = tl.scrollHeight - tl.scrollTop - tl.clientHeight < 2;
    const top = tl.getBoundingClientRect().top + window.scrollY;
    tl.style.maxBlockSize = Math.max(0, Math.floor(window.innerHeight - top - form.offsetHeight - gap)) + 'px';
    if (!atEnd) return; // the reader scrolled back in the thread: left where it is
    tl.scrollTop = tl.scrollHeight;
    const end = tl.getBoundingClientRect().bottom;
    const over = end + gap - form.getBoundingClientRect().top;
    if (reveal && end > 0 && over > 0) window.scrollBy(0, Math.ceil(over));
  }
  // The composer and the notice change height (a part opened, a refusal said): the thread is
  // fitted again, and its newest message, in view before, stays in view.
  const seen = new WeakMap();
  const sizes = window.ResizeObserver && new ResizeObserver((entries) => {
    let grew = false;
    for (const en of entries) {
      const h = en.target.offsetHeight;
      if (seen.has(en.target) && seen.get(en.target) !== h) grew = true;
      seen.set(en.target, h);
    }
    fit(grew);
  });
  function watch() {
    if (!sizes) return;
    sizes.disconnect();
    for (const el of document.querySelectorAll('#composer, #window-closed')) sizes.observe(el);
  }
  window.addEventListener('resize', () => fit(false));

  // The live stream's state on its element (data-live="open|closed"): pages and
  // tests can tell that updates will arrive.
  on('htmx:sseOpen', (event) => event.target.setAttribute('data-live', 'open'));
  on('htmx:sseError', (event) => event.target.setAttribute('data-live', 'closed'));
  on('htmx:sseClose', (event) => event.target.setAttribute('data-live', 'closed'));

  // ---- shortcuts overlay and one-time hints ---------------------------------
  function showShortcuts() {
    const d = document.getElementById('shortcuts');
    if (d && d.showModal && !d.open) d.showModal();
  }
  on('click', (event) => { if (up(event, '[data-shortcuts-open]')) showShortcuts(); });
  on('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(document.activeElement)) return;
    if (event.key === '?') { event.preventDefault(); showShortcuts(); return; }
    if (event.key === 'r') {
      const body = document.querySelector('form[data-composer] textarea[name=body]');
      if (body) { event.preventDefault(); body.focus(); }
    }
  });

  function once(root) {
    for (const el of root.querySelectorAll('[data-once]')) {
      const key = 'hv-once-' + el.getAttribute('data-once');
      try {
        if (window.localStorage.getItem(key)) el.remove(); else window.localStorage.setItem(key, '1');
      } catch (e) { /* storage refused: keep showing it */ }
    }
  }

  window.hvOpenRow = openRow;

  const ready = () => { once(document); toBottom(document); };
  if (document.readyState === 'loading') on('DOMContentLoaded', ready);
  else ready();

  // ---- a select that acts on change, used from the keyboard ----------------
  // Arrow keys and type-ahead letters change a closed select at each press, and each change acted:
  // the conversation's state was saved at every step on the way (new, contacted, engaged, … each
  // logged), the template menu inserted the first template and left. A change made with these keys
  // acts on Enter or when the focus leaves the select; a click acts at once.
  let keyed = null;
  on('pointerdown', () => { keyed = null; }, true);
  on('keydown', (event) => {
    const sel = event.target;
    if (!sel.matches || !sel.matches('select')) return;
    if (event.key === 'Enter' && sel.hvHeld) { event.preventDefault(); act(sel); return; }
    if (!event.altKey && (/^(Arrow|Page|Home|End)/.test(event.key) || /^\S$/.test(event.key))) keyed = sel; // Alt+↓ opens the list
  }, true);
  on('change', (event) => {
    if (event.target !== keyed) return;
    event.stopImmediatePropagation();
    event.target.hvHeld = true;
  }, true);
  on('focusout', (event) => { if (event.target.hvHeld) act(event.target); });
  function act(sel) {
    sel.hvHeld = false;
    keyed = null;
    sel.dispatchEvent(new Event('change', { bubbles: true }));
  }

  // ---- insert template
  // {{name}} becomes vars.name; unknown variables stay visible to be noticed.
  const fillVars = (text, vars) => text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (all, key) =>
    (Object.prototype.hasOwnProperty.call(vars, key) && vars[key] !== null ? String(vars[key]) : all));

  on('change', (e) => {
    const sel = e.target;
    if (!sel.matches('select[data-insert-template]')) return;
    const opt = sel.options[sel.selectedIndex];
    const target = sel.hasAttribute('data-target') && document.querySelector(sel.getAttribute('data-target'));
    if (!opt || !opt.hasAttribute('data-text') || !target) return;
    let vars = {};
    try { vars = JSON.parse(sel.getAttribute('data-vars') || '{}') || {}; } catch (_) { /* keep {} */ }
    const text = fillVars(opt.getAttribute('data-text'), vars);
    // Insert at the cursor (replacing a selection).
    const start = target.selectionStart != null ? target.selectionStart : target.value.length;
    const end = target.selectionEnd != null ? target.selectionEnd : start;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + text.length;
    target.dispatchEvent(new Event('input', { bubbles: true }));
    sel.selectedIndex = 0; // back to the placeholder option
  });
})();
