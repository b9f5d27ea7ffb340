/*
 * Notifications (app/notify, guide 36-notifications): plain ES2017, no dependencies.
 *   [data-push][data-vapid="KEY"]  the preferences page's phone section: registers /sw.js,
 *       shows whether this browser receives push messages and turns them on or off
 *       ([data-push-on], [data-push-off], [data-push-state]; texts from .push-msgs data-msg-*).
 *   textarea[data-mention-members='[{"id":1,"name":"oscar","label":"Oscar Kaya"}]'] in a form
 *       whose [data-composer-kind] select says "system" (an internal note): typing @ opens a list
 *       of team members under the box (login, and the name they go by when they gave one; typing
 *       either narrows it); arrows move, Enter or Tab or a click inserts "@login ", Esc closes.
 *       The server finds the mentions in the saved text.
 */
(function () {
  'use strict';

  // ---- Web Push on the preferences page -------------------------------------
  const b64 = (s) => {
    const pad = '='.repeat((4 - (s.length % 4)) % 4);
    const raw = atob((s + pad).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  const post = (url, body) => fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => { if (!r.ok) throw new Error(String(r.status)); return r.json(); });

  function setupPush(box) {
    if (box.dataset.pushReady) return;
    box.dataset.pushReady = '1';
    const msgs = box.querySelector('.push-msgs').dataset;
    const state = box.querySelector('[data-push-state]');
    const onBtn = box.querySelector('[data-push-on]');
    const offBtn = box.querySelector('[data-push-off]');
    const show = (text, subscribed) => {
      state.textContent = text;
      onBtn.hidden = subscribed !== false;
      offBtn.hidden = subscribed !== true;
    };
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
      show(msgs.msgUnsupported, null);
      return;
    }
    const reg = navigator.serviceWorker.register('/sw.js', { scope: '/' });
    const refresh = () => reg.then((r) => r.pushManager.getSubscription()).then((s) => {
      if (Notification.permission === 'denied') show(msgs.msgDenied, null);
      else show(s ? msgs.msgOn : msgs.msgOff, !!s);
    }).catch(() => show(msgs.msgFailed, false));
    onBtn.addEventListener('click', () => {
      Notification.requestPermission().then((p) => {
        if (p !== 'granted') { show(msgs.msgDenied, null); return null; }
        return reg.then((r) => r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64(box.dataset.vapid) }))
          .then((s) => post('/app/notifications/push/subscribe', Object.assign(s.toJSON(), { label: navigator.userAgent.slice(0, 100) })))
          .then(refresh);
      }).catch(() => show(msgs.msgFailed, false));
    });
    offBtn.addEventListener('click', () => {
      reg.then((r) => r.pushManager.getSubscription()).then((s) => {
        if (!s) return null;
        return post('/app/notifications/push/unsubscribe', { endpoint: s.endpoint }).then(() => s.unsubscribe());
      }).then(refresh).catch(() => show(msgs.msgFailed, true));
    });
    refresh();
  }

  // ---- @mentions in internal notes ------------------------------------------
  let picker = null; // { ta, list, items, sel, start }

  function closePicker() {
    if (!picker) return;
    picker.list.remove();
    picker.ta.removeAttribute('aria-activedescendant');
    picker.ta.setAttribute('aria-expanded', 'false');
    picker = null;
  }

  const isNote = (ta) => {
    const kind = ta.form && ta.form.querySelector('[data-composer-kind]');
    return !kind || kind.value === 'system';
  };

  // Lower case for matching, Turkish letters included: "İ" lowers to "i" plus a combining dot,
  // which is dropped so "@il" finds "İlhan".
  const fold = (s) => s.toLowerCase().replace(/\u0307/g, '');

  // The "@word" being typed just before the caret, or null. The word may be the start of a login
  // or of the name a person goes by, in any script ("@yıl" finds "Yıldız").
  function typedMention(ta) {
    const upto = ta.value.slice(0, ta.selectionStart);
    const m = /(^|[^\p{L}\p{M}\p{N}._@-])@([\p{L}\p{M}\p{N}._@-]{0,64})$/u.exec(upto);
    return m ? { start: upto.length - m[2].length - 1, word: fold(m[2]) } : null;
  }

  function choose(i) {
    const p = picker;
    if (!p || !p.items[i]) return;
    const ta = p.ta;
    const name = p.items[i].name;
    const before = ta.value.slice(0, p.start);
    const after = ta.value.slice(ta.selectionStart);
    ta.value = before + '@' + name + ' ' + after;
    const caret = before.length + name.length + 2;
    ta.setSelectionRange(caret, caret);
    closePicker();
    ta.focus();
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function mark(i) {
    const p = picker;
    p.sel = (i + p.items.length) % p.items.length;
    p.list.querySelectorAll('li').forEach((li, k) => li.setAttribute('aria-selected', String(k === p.sel)));
    p.ta.setAttribute('aria-activedescendant', 'mention-opt-' + p.sel);
  }

  function openPicker(ta) {
    const t = typedMention(ta);
    let members = [];
    try { members = JSON.parse(ta.dataset.mentionMembers || '[]'); } catch (err) { members = []; }
    const named = (m) => fold(m.name).startsWith(t.word) ||
      fold(m.label || '').split(/\s+/).some((w) => w.startsWith(t.word));
    const items = t ? members.filter(named).slice(0, 8) : [];
    if (!t || !isNote(ta) || items.length === 0) { closePicker(); return; }
    if (!picker || picker.ta !== ta) {
      closePicker();
      const list = document.createElement('ul');
      list.className = 'mention-picker';
      list.id = 'mention-picker';
      list.setAttribute('role', 'listbox');
      list.setAttribute('aria-label', ta.dataset.mentionLabel || '');
      ta.parentNode.insertBefore(list, ta.nextSibling);
      ta.setAttribute('aria-controls', 'mention-picker');
      ta.setAttribute('aria-expanded', 'true');
      picker = { ta, list, items: [], sel: 0, start: 0 };
      list.addEventListener('mousedown', (event) => {
        const li = event.target.closest('li');
        if (!li) return;
        event.preventDefault(); // keep the focus in the box
        choose(Number(li.dataset.index));
      });
    }
    picker.items = items;
    picker.start = t.start;
    picker.list.replaceChildren(...items.map((m, k) => {
      const li = document.createElement('li');
      li.id = 'mention-opt-' + k;
      li.setAttribute('role', 'option');
      li.dataset.index = String(k);
      li.dataset.userId = String(m.id);
      li.textContent = '@' + m.name;
      li.dir = 'ltr'; // user names are Latin: "@name" reads the same on a right-to-left page
      if (m.label) { // the name they go by, isolated: it may be written right to left
        const b = document.createElement('bdi');
        b.textContent = m.label;
        li.append(' · ', b);
      }
      return li;
    }));
    // Under the start of the box (its left edge, or its right edge on a right-to-left page).
    const rtl = getComputedStyle(ta).direction === 'rtl';
    picker.list.style.left = (rtl ? ta.offsetLeft + ta.offsetWidth - picker.list.offsetWidth : ta.offsetLeft) + 'px';
    // Above the box: the composer sits at the bottom of the page.
    picker.list.style.top = Math.max(0, ta.offsetTop - picker.list.offsetHeight - 4) + 'px';
    mark(Math.min(picker.sel, items.length - 1));
  }

  document.addEventListener('input', (event) => {
    const ta = event.target;
    if (ta.matches && ta.matches('textarea[data-mention-members]')) openPicker(ta);
  });
  // Capture phase: the picker's keys win over the composer's "Enter sends".
  document.addEventListener('keydown', (event) => {
    if (!picker || event.target !== picker.ta) return;
    const keys = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in keys) { mark(picker.sel + keys[event.key]); }
    else if (event.key === 'Enter' || event.key === 'Tab') { choosing = true; choose(picker.sel); }
    else if (event.key === 'Escape') { closePicker(); }
    else return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  // The Enter that chose a name inserts no line break, however the keyboard delivers it (some
  // send the character separately from the key press).
  let choosing = false;
  document.addEventListener('beforeinput', (event) => {
    if (choosing && /^insert(LineBreak|Paragraph)$/.test(event.inputType)) event.preventDefault();
  }, true);
  document.addEventListener('keyup', () => { choosing = false; }, true);
  document.addEventListener('focusout', (event) => {
    if (picker && event.target === picker.ta) setTimeout(closePicker, 150);
  });
  document.addEventListener('htmx:beforeSwap', closePicker);

  const scan = () => {
    for (const box of document.querySelectorAll('[data-push][data-vapid]')) setupPush(box);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan); else scan();
  document.addEventListener('htmx:load', scan);
}());
