/*
 * Site visits calendar (app/visits): drag a visit to another half-hour slot to move it.
 *   .cal-grid[data-calendar]       the week or day grid
 *   [data-visit][data-reschedule]  a visit that may move (draggable); its form's action
 *   [data-slot="YYYY-MM-DDTHH:MM"] a drop target (the tenant's zone)
 *   form#cal-move                  the plain form the drop submits (start, next)
 * A press on the customer's number (a tel: link) calls, it never drags.
 * Without JavaScript, or on a phone or with the keyboard, a visit's own page has a
 * reschedule form that does the same. No inline script: the CSP forbids it.
 */
(function () {
  'use strict';
  let dragged = null;
  let target = null;
  const slotOf = (el) => (el && el.closest ? el.closest('[data-slot]') : null);
  const mark = (slot) => {
    if (target === slot) return;
    if (target) target.classList.remove('is-target');
    target = slot;
    if (target) target.classList.add('is-target');
  };
  const clear = () => {
    mark(null);
    if (dragged) dragged.classList.remove('is-dragging');
    const grid = document.querySelector('[data-calendar]');
    if (grid) grid.classList.remove('is-dragging');
    dragged = null;
  };

  document.addEventListener('dragstart', (event) => {
    const v = event.target && event.target.closest ? event.target.closest('[data-visit]') : null;
    if (!v) return;
    // The customer's number on a visit is for a call: pressing it never starts moving the visit.
    if (event.target.closest('a[href^="tel:"]')) { event.preventDefault(); return; }
    dragged = v;
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', v.getAttribute('data-visit'));
    }
    v.classList.add('is-dragging');
    // Let the pointer reach the slots under the other visits (after the drag has started).
    setTimeout(() => {
      const grid = v.closest('[data-calendar]');
      if (grid && dragged) grid.classList.add('is-dragging');
    }, 0);
  });

  document.addEventListener('dragover', (event) => {
    if (!dragged) return;
    const slot = slotOf(event.target);
    if (!slot) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    mark(slot);
  });

  document.addEventListener('drop', (event) => {
    if (!dragged) return;
    const slot = slotOf(event.target);
    const form = document.getElementById('cal-move');
    if (!slot || !form) { clear(); return; }
    event.preventDefault();
    form.setAttribute('action', dragged.getAttribute('data-reschedule'));
    form.elements.start.value = slot.getAttribute('data-slot');
    dragged.setAttribute('aria-busy', 'true');
    form.submit();
  });

  document.addEventListener('dragend', clear);
})();
