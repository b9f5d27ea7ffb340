/*
 * HighVibe panel behaviour: plain ES2017, no dependencies (uses htmx and Plotly
 * when loaded). The CSP allows no inline script, so data attributes switch on:
 *   [data-nav-toggle]      toggles its aria-controls nav (phones)
 *   [data-inbox-list]      keyboard over rows [data-row-href]; search is #q
 *   [data-confirm="text"]  confirm() before a form submits / a button acts
 *   [data-copy="#sel"]     copies the target's text
 *   select[data-insert-template][data-target="#sel"][data-vars='{"name":..}']
 *                          inserts option[data-text], {{name}} filled in
 *   [data-autosubmit]      submits its form on change
 *   details[data-open-wide] opened on screens 56rem and wider (folded on phones)
 *   input[data-select-all="<form id>"] checks or clears every input[data-pick] of that form
 *   button[data-ask-reason] (Reject on a queue card): the first press adds a reason field to
 *                          its form and turns into its confirming label (data-confirm-label);
 *                          the second press decides, with the reason
 *   form with input[name=form_once] (a form that creates a record): sent once — while its post
 *                          is on its way a second submit is dropped and its buttons are disabled
 *   (inbox panes, composer, shortcuts: see chat.js)
 * Charts: see charts.js. Load with `defer`, after htmx.
 */
(function () {
  'use strict';

  // For CSS: the nav collapses only when JavaScript can open it.
  document.documentElement.classList.add('js');

  const on = (type, fn, capture) => document.addEventListener(type, fn, capture);
  const up = (event, sel) => (event.target && event.target.closest ? event.target.closest(sel) : null);
  const fire = (el, type) => el.dispatchEvent(new Event(type, { bubbles: true }));
  const isTyping = (el) => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  // ---- details[data-open-wide]: folded on phones, open on wider screens ------
  const openWide = () => {
    if (!window.matchMedia('(min-width: 56rem)').matches) return;
    for (const d of document.querySelectorAll('details[data-open-wide]')) d.open = true;
  };
  if (document.readyState === 'loading') on('DOMContentLoaded', openWide); else openWide();
  on('htmx:load', openWide);

  // ---- a refused form: its first message where the person looks -------------
  // A page answering a refused form (422) may hold it in a folded section (a closed <details>,
  // the lead list's filters on a phone) or far below the top (the settings page's sections): the
  // first message is unfolded, scrolled into view and its field focused, so the refusal is seen.
  const revealError = () => {
    const err = document.querySelector('main .field-error, main [aria-invalid="true"]');
    if (!err) return;
    for (let p = err.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
    const box = err.closest('.field, fieldset, form') || err.parentElement;
    const field = err.matches('input, select, textarea') ? err : box.querySelector('[aria-invalid="true"], input:not([type=hidden]), select, textarea');
    err.scrollIntoView({ block: 'center' });
    if (field && !field.disabled && field.offsetParent !== null) field.focus({ preventScroll: true });
  };
  if (document.readyState === 'loading') on('DOMContentLoaded', revealError); else revealError();
  // After a boosted page swap (a new main area), not after every fragment; once htmx has
  // scrolled the new page to its top, which it does right after this event.
  on('htmx:load', (event) => { if (event.target.id === 'main') setTimeout(revealError, 0); });

  // ---- nav toggle -----------------------------------------------------------
  on('click', (event) => {
    const btn = up(event, '[data-nav-toggle]');
    const nav = btn && document.getElementById(btn.getAttribute('aria-controls') || '');
    if (!nav) return;
    btn.setAttribute('aria-expanded', String(nav.classList.toggle('is-open')));
  });

  // ---- inbox keyboard -------------------------------------------------------
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

  on('htmx:afterSettle', () => {
    const list = inboxList();
    if (list && selectedHref !== null) {
      mark(list, rowsOf(list).find((r) => r.getAttribute('data-row-href') === selectedHref));
    }
  });

  on('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const list = inboxList();
    if (!list) return;
    const search = document.getElementById('q');
    const active = document.activeElement;
    // While typing, only Esc in the search field is ours.
    if (isTyping(active) && (active !== search || event.key !== 'Escape')) return;

    switch (event.key) {
      case 'Escape':
        // Clear and leave the search; "input" lets an htmx search reload.
        if (search && search.value !== '') { search.value = ''; fire(search, 'input'); }
        if (active && active.blur) active.blur();
        return;
      case '/':
        if (!search) return;
        event.preventDefault(); // do not type the slash into the field
        search.focus();
        search.select();
        return;
      case 'j': case 'ArrowDown':
        event.preventDefault();
        move(list, 1);
        return;
      case 'k': case 'ArrowUp':
        event.preventDefault();
        move(list, -1);
        return;
      case 'Enter': {
        // A focused link or button keeps its own Enter.
        if (active && active !== document.body && active !== list && !active.hasAttribute('data-row-href')) return;
        const row = list.querySelector('[data-row-href].is-selected');
        if (!row) return;
        event.preventDefault();
        openRow(row.getAttribute('data-row-href'));
      }
    }
  });

  // A click anywhere on a row opens it; links and controls inside keep theirs.
  on('click', (event) => {
    const row = up(event, '[data-row-href]');
    if (!row || event.defaultPrevented || event.button !== 0) return;
    if (up(event, 'a, button, input, select, textarea, label, summary')) return;
    openRow(row.getAttribute('data-row-href'));
  });

  // chat.js opens rows in the inbox's conversation pane on wide screens.
  const openRow = (href) => (window.hvOpenRow ? window.hvOpenRow(href) : window.location.assign(href));
  window.hvSelect = (href) => {
    selectedHref = href;
    const list = inboxList();
    if (list) mark(list, rowsOf(list).find((r) => r.getAttribute('data-row-href') === href));
  };

  // ---- confirm --------------------------------------------------------------
  // Capture phase runs before htmx's listeners: a "no" stops both kinds.
  function refuse(event, question) {
    if (window.confirm(question)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }
  on('click', (event) => {
    const el = up(event, '[data-confirm]');
    if (el && el.tagName !== 'FORM') refuse(event, el.getAttribute('data-confirm'));
  }, true);
  on('submit', (event) => {
    const form = event.target;
    if (!form.hasAttribute('data-confirm')) return;
    // A button with its own data-confirm asked already.
    if (event.submitter && event.submitter.hasAttribute('data-confirm')) return;
    refuse(event, form.getAttribute('data-confirm'));
  }, true);

  // ---- a create form is sent once -------------------------------------------
  // A double click, or a second tap on a slow phone, used to post the form twice (htmx queues the
  // second submit of a boosted form behind the first). The server answers a resend of the same
  // one-time token as the first post anyway; here the second submit is not even sent. Capture
  // phase, after data-confirm: a refused confirm never marks the form.
  const sending = new WeakSet();
  const submitters = (form) => form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]');
  const release = (form) => {
    if (!sending.delete(form)) return;
    form.removeAttribute('aria-busy');
    for (const b of submitters(form)) {
      if (b.hasAttribute('data-once-off')) { b.disabled = false; b.removeAttribute('data-once-off'); }
    }
  };
  on('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector('input[name="form_once"]')) return;
    const s = event.submitter;
    if (s && s.hasAttribute('formmethod') && s.getAttribute('formmethod').toLowerCase() === 'get') return; // a search, not a send
    if (sending.has(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    sending.add(form);
    form.setAttribute('aria-busy', 'true');
    // After this event: the browser and htmx read the pressed button's name and value first.
    setTimeout(() => {
      if (!sending.has(form)) return;
      for (const b of submitters(form)) {
        if (!b.disabled) { b.disabled = true; b.setAttribute('data-once-off', ''); }
      }
    }, 0);
  }, true);
  // htmx answered (a refused form stays on the page; a lost connection can be sent again: the
  // server knows the token) — the form may be sent again.
  on('htmx:afterRequest', (event) => {
    const elt = event.detail && event.detail.elt;
    const form = elt && (elt instanceof HTMLFormElement ? elt : elt.closest && elt.closest('form'));
    if (form) release(form);
  });
  // Back to a page kept in the browser's cache: its forms are idle again.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const f of document.querySelectorAll('form[aria-busy="true"]')) release(f);
  });

  // ---- copy -----------------------------------------------------------------
  on('click', (event) => {
    const btn = up(event, '[data-copy]');
    const target = btn && document.querySelector(btn.getAttribute('data-copy'));
    if (!target) return;
    event.preventDefault();
    const text = /^(INPUT|TEXTAREA)$/.test(target.tagName) ? target.value : target.textContent;
    const done = () => {
      btn.classList.add('is-copied');
      setTimeout(() => btn.classList.remove('is-copied'), 2000);
    };
    const selectIt = () => { // copying refused (plain HTTP): select for Ctrl+C
      const range = document.createRange();
      range.selectNodeContents(target);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.trim()).then(done, selectIt);
    } else {
      selectIt();
    }
  });

  // ---- insert template ------------------------------------------------------
  // {{name}} becomes vars.name; unknown variables stay visible to be noticed.
  const fillVars = (text, vars) => text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (all, key) =>
    (Object.prototype.hasOwnProperty.call(vars, key) && vars[key] !== null ? String(vars[key]) : all));

  on('change', (event) => {
    const sel = event.target;
    if (!sel.matches('select[data-insert-template]')) return;
    const opt = sel.options[sel.selectedIndex];
    const target = sel.hasAttribute('data-target') && document.querySelector(sel.getAttribute('data-target'));
    if (!opt || !opt.hasAttribute('data-text') || !target) return;
    let vars = {};
    try { vars = JSON.parse(sel.getAttribute('data-vars') || '{}') || {}; } catch (e) { /* keep {} */ }
    const text = fillVars(opt.getAttribute('data-text'), vars);
    // Insert at the cursor (replacing a selection).
    const start = target.selectionStart != null ? target.selectionStart : target.value.length;
    const end = target.selectionEnd != null ? target.selectionEnd : start;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + text.length;
    fire(target, 'input');
    sel.selectedIndex = 0; // back to the placeholder option
  });

  // ---- approval queue: select the page, reason on demand ---------------------
  // The queue ships no reason field per card (a phone-class CPU pays for every control of 60
  // cards); Reject asks for it when pressed.
  on('change', (event) => {
    const all = event.target;
    if (!all.matches('[data-select-all]')) return;
    const id = all.getAttribute('data-select-all');
    for (const box of document.querySelectorAll('input[data-pick][form="' + id + '"]')) box.checked = all.checked;
  });
  // Capture phase: runs before htmx sees the click (and the submit it would cause).
  on('click', (event) => {
    const btn = up(event, 'button[data-ask-reason]');
    if (!btn || !btn.form) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const field = document.createElement('input');
    field.name = 'reason';
    field.maxLength = 1000;
    field.placeholder = btn.dataset.askReason;
    field.setAttribute('aria-label', btn.dataset.askReason);
    field.dir = 'auto';
    btn.form.insertBefore(field, btn.form.firstChild);
    btn.textContent = btn.dataset.confirmLabel;
    btn.removeAttribute('data-ask-reason');
    field.focus();
  }, true);

  // ---- autosubmit -----------------------------------------------------------
  on('change', (event) => {
    const el = event.target;
    if (!el.form || !el.closest('[data-autosubmit]') || el.matches('[data-insert-template]')) return;
    // requestSubmit fires "submit", which htmx and data-confirm see.
    if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
  });
})();
