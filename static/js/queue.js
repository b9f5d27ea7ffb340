/*
 * Approval queue page: input[data-select-all="<form id>"] checks or clears every
 * input[data-pick] that belongs to that form. Loaded with `defer` on that page only.
 */
(function () {
  'use strict';
  document.addEventListener('change', (event) => {
    const all = event.target;
    if (!all.matches || !all.matches('[data-select-all]')) return;
    const id = all.getAttribute('data-select-all');
    document.querySelectorAll('input[data-pick][form="' + id + '"]').forEach((box) => { box.checked = all.checked; });
  });
})();
