/*
 * Approval queue page, loaded with `defer` on that page only:
 * - input[data-select-all="<form id>"] checks or clears every input[data-pick] of that form;
 * - the first press of a button[data-ask-reason] (Reject) does not decide: it adds a reason field
 *   to the card's form and turns the button into its confirming label; the second press sends the
 *   decision with the reason (htmx). The page ships no reason field per card.
 */
(function () {
  'use strict';
  document.addEventListener('change', (event) => {
    const all = event.target;
    if (!all.matches || !all.matches('[data-select-all]')) return;
    const id = all.getAttribute('data-select-all');
    document.querySelectorAll('input[data-pick][form="' + id + '"]').forEach((box) => { box.checked = all.checked; });
  });
  // Capture phase on the document: runs before htmx's own click handler on the button.
  document.addEventListener('click', (event) => {
    const btn = event.target.closest && event.target.closest('button[data-ask-reason]');
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
})();
