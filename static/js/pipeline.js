/*
 * The pipeline board (app/leads, /app/pipeline/): move a lead's card to another stage.
 *   #board[data-board][data-can-move]  the board; htmx redraws it after every move
 *   [data-card][data-stage]            a card (draggable, focusable)
 *   [data-drop="<stage>"]              a column's list: a drop target
 *   form[data-move-form]               the card's stage menu; its buttons (name=stage value=<stage>)
 *                                      are copied from its column's template[data-menu] when the
 *                                      menu opens (drawn once per column, not once per card)
 * Three ways, one request (the card's own form, POST /app/leads/<id>/stage):
 *   - drag a card onto another column;
 *   - keyboard: focus a card, Shift+→ / Shift+← moves it one stage on (mirrored right to left),
 *     M opens its stage menu;
 *   - the stage menu ("Move…") under each card, the way on a phone; without JavaScript it links
 *     to the lead's page, whose stage form does the same.
 * A move to lost is asked about by the server: the board comes back with that card showing
 * form[data-lost-form] ("Why was it lost?", Mark lost, Cancel; its field has autofocus), and
 * nothing changes until Mark lost. Escape in it presses Cancel.
 * The server applies the conversation form's stage rules; a refused move comes back as the board
 * with the reason (409, shown by chat.js's error swap). After a redraw the moved card has focus.
 * No inline script: the CSP forbids it. Loaded once per window.
 */
(function () {
  'use strict';
  if (window.hvPipeline) return;
  window.hvPipeline = true;

  const stages = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'];
  const cardOf = (el) => (el && el.closest ? el.closest('[data-card]') : null);
  let dragged = null;

  function move(card, stage) {
    if (!card || !stage || stage === card.getAttribute('data-stage') || !window.htmx) return;
    const form = card.querySelector('form[data-move-form]');
    if (!form) return;
    card.classList.add('is-moving');
    window.htmx.ajax('POST', form.getAttribute('hx-post'), {
      source: form, target: '#board', swap: 'outerHTML', values: { stage: stage },
    });
  }

  // A card's menu gets its column's buttons the first time it opens.
  function fill(menu) {
    const form = menu.querySelector('form[data-move-form]');
    const col = menu.closest('[data-column]');
    const tpl = col && col.querySelector('template[data-menu]');
    if (!form || !tpl || form.querySelector('button')) return;
    form.appendChild(tpl.content.cloneNode(true));
  }
  document.addEventListener('toggle', (event) => {
    const menu = event.target;
    if (menu && menu.matches && menu.matches('details[data-stage-menu]') && menu.open) fill(menu);
  }, true);

  document.addEventListener('dragstart', (event) => {
    const card = cardOf(event.target);
    if (!card || !card.closest('[data-can-move]')) return;
    dragged = card;
    card.classList.add('is-dragging');
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', card.getAttribute('data-card'));
    }
  });
  document.addEventListener('dragend', () => {
    if (dragged) dragged.classList.remove('is-dragging');
    document.querySelectorAll('.pipe-col.is-target').forEach((c) => c.classList.remove('is-target'));
    dragged = null;
  });
  document.addEventListener('dragover', (event) => {
    const col = event.target && event.target.closest ? event.target.closest('[data-column]') : null;
    if (!dragged || !col) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    document.querySelectorAll('.pipe-col.is-target').forEach((c) => { if (c !== col) c.classList.remove('is-target'); });
    col.classList.add('is-target');
  });
  document.addEventListener('drop', (event) => {
    const col = event.target && event.target.closest ? event.target.closest('[data-column]') : null;
    if (!dragged || !col) return;
    event.preventDefault();
    const card = dragged;
    col.classList.remove('is-target');
    move(card, col.getAttribute('data-column'));
  });

  document.addEventListener('keydown', (event) => {
    const card = event.target;
    const ask = event.key === 'Escape' && card && card.closest ? card.closest('form[data-lost-form]') : null;
    if (ask) {
      const cancel = ask.querySelector('button[name="cancel"]');
      if (cancel) { event.preventDefault(); cancel.click(); }
      return;
    }
    if (!card || !card.matches || !card.matches('[data-card][tabindex]')) return;
    if (event.key === 'm' || event.key === 'M') {
      const menu = card.querySelector('details[data-stage-menu]');
      if (!menu) return;
      event.preventDefault();
      fill(menu);
      menu.open = true;
      const first = menu.querySelector('button');
      if (first) first.focus();
      return;
    }
    if (!event.shiftKey || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    const rtl = document.documentElement.getAttribute('dir') === 'rtl';
    const step = (event.key === 'ArrowRight') !== rtl ? 1 : -1;
    const at = stages.indexOf(card.getAttribute('data-stage'));
    const to = stages[at + step];
    if (at < 0 || !to) return;
    event.preventDefault();
    move(card, to);
  });

  // After a redraw, focus goes back to the card that moved (or to the reason it did not).
  document.addEventListener('htmx:afterSettle', () => {
    const board = document.getElementById('board');
    if (!board || !board.hasAttribute('data-moved')) return;
    const id = board.getAttribute('data-moved');
    board.removeAttribute('data-moved');
    const card = board.querySelector('[data-card="' + id + '"]');
    if (card) card.focus();
  });
})();
