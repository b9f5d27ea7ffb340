/*
 * Settings → Channels (app/channels/settings.go): a mail server's connection security and its
 * port go together (TLS from the start: IMAP 993, SMTP 465; STARTTLS: 143, 587).
 *   select[data-port-field="<id>"]  the security choice; its port field's id
 *   option[data-port="993"]         the usual port of that choice
 * When the choice changes, the port field takes the new choice's usual port only while it is
 * empty or still holds another choice's usual port: a number the owner typed is never replaced.
 * Without JavaScript nothing is suggested and the form works the same. No inline script: the CSP
 * forbids it.
 */
(function () {
  'use strict';
  document.addEventListener('change', (event) => {
    const sel = event.target;
    if (!sel || !sel.matches || !sel.matches('select[data-port-field]')) return;
    const port = document.getElementById(sel.dataset.portField);
    const chosen = sel.options[sel.selectedIndex];
    const want = chosen && chosen.dataset.port;
    if (!port || !want) return;
    const usual = [...sel.options].map((o) => o.dataset.port).filter(Boolean);
    const now = port.value.trim();
    if (now === '' || (now !== want && usual.includes(now))) port.value = want;
  });
})();
