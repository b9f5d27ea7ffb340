/*
 * HighVibe service worker (app/notify, guide 36-notifications): shows the Web Push messages the
 * server sends and opens their link when tapped. Served from /sw.js so its scope is the whole
 * panel, also when the panel is installed to a phone's home screen.
 */
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let d = {};
  try {
    d = event.data ? event.data.json() : {};
  } catch (err) {
    d = { title: event.data ? event.data.text() : '' };
  }
  event.waitUntil(self.registration.showNotification(d.title || 'HighVibe', {
    body: d.body || '',
    tag: d.tag || undefined,
    icon: '/static/icons/icon-192.png',
    badge: '/static/icons/icon-192.png',
    data: { url: d.url || '/app/notifications/' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/app/notifications/';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
    for (const c of list) {
      if ('navigate' in c && 'focus' in c) return c.navigate(url).then((w) => (w || c).focus());
    }
    return self.clients.openWindow(url);
  }));
});
