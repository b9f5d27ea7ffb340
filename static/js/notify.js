/*
 * Notifications (app/notify, guide 36-notifications): plain ES2017, no dependencies.
 *   [data-push][data-vapid="KEY"]  the preferences page's phone section: registers /sw.js,
 *       shows whether this browser receives push messages and turns them on or off
 *       ([data-push-on], [data-push-off], [data-push-state]; texts from .push-msgs data-msg-*).
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

  const scan = () => {
    for (const box of document.querySelectorAll('[data-push][data-vapid]')) setupPush(box);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan); else scan();
  document.addEventListener('htmx:load', scan);
}());
