/* Drives the chat page the way a person would: for each message a recorded conversation sent, it
 * finds the control on the page that sends exactly that (a button, a star, the question card's
 * boxes, date picker or number box, the form's edit, the toolbar) and otherwise types it. */
const { entitiesOf } = require('../../lib/contract');
const { settle, until } = require('./render');

const ROWS = ['.bot-msg >>> .rest', '.bot-msg >>> .card-question >>> .options', '.bot-msg >>> .card-choice >>> .options'];

function lastBotMessages(page) {
  return page.querySelectorAll('.bot-msg');
}

function pressButton(page, payload) {
  const messages = lastBotMessages(page).reverse();
  for (const message of messages) {
    for (const selector of ROWS.map((s) => s.replace('.bot-msg >>> ', ''))) {
      for (const row of message.querySelectorAll(selector)) {
        const index = row.instance.data.buttons.findIndex((b) => b.payload === payload);
        if (index >= 0) { row.querySelectorAll('.choice')[index].dispatchEvent('tap'); return 'button'; }
      }
    }
    for (const rating of message.querySelectorAll('.rating')) {
      const index = rating.instance.data.stars.findIndex((s) => s.payload === payload);
      if (index >= 0) { rating.querySelectorAll('.star')[index].dispatchEvent('tap'); return 'star'; }
    }
  }
  const tools = page.instance.data.tools;
  const tool = tools.findIndex((t) => t.payload === payload);
  if (tool >= 0) { page.querySelectorAll('.tool')[tool].dispatchEvent('tap'); return 'toolbar'; }
  return null;
}

async function answerQuestion(page, payload) {
  const answer = entitiesOf(payload, 'answer');
  if (!answer) return null;
  const card = lastBotMessages(page).reverse().map((m) => m.querySelector('.card-question'))
    .find((c) => c && c.instance.data.custom.question_id === answer.question_id);
  if (!card) return null;
  const custom = card.instance.data.custom;
  if (custom.kind === 'multi') {
    const ticked = answer.value.map((v) => String(custom.options.findIndex((o) => o.value === v)));
    card.querySelector('.checks').dispatchEvent('change', { detail: { value: ticked } });
  } else if (custom.kind === 'date') {
    card.querySelector('.date-picker').dispatchEvent('change', { detail: { value: answer.value } });
  } else if (custom.kind === 'number') {
    card.querySelector('.number').dispatchEvent('input', { detail: { value: answer.value } });
  } else {
    return null;
  }
  await settle();
  card.querySelector('.confirm').dispatchEvent('tap');
  return custom.kind;
}

async function editField(page, payload) {
  const correction = entitiesOf(payload, 'correct_field');
  if (!correction) return null;
  const card = lastBotMessages(page).reverse().map((m) => m.querySelector('.card-form'))
    .find((c) => c && c.instance.data.fields.some((f) => f.id === correction.field_id));
  if (!card) return null;
  const index = card.instance.data.fields.findIndex((f) => f.id === correction.field_id);
  card.querySelectorAll('.edit')[index].dispatchEvent('tap');
  await settle();
  card.querySelector('.editor-input').dispatchEvent('input', { detail: { value: correction.value } });
  await settle();
  card.querySelector('.save').dispatchEvent('tap');
  return 'form edit';
}

async function type(page, text) {
  page.querySelector('.composer-input').dispatchEvent('input', { detail: { value: text } });
  await settle();
  page.querySelector('.send').dispatchEvent('tap');
  return 'typed';
}

/* Send `message` through the page's own controls; returns how it was sent. */
async function act(page, message) {
  const how = pressButton(page, message) || await answerQuestion(page, message) || await editField(page, message) || await type(page, message);
  await settle();
  return how;
}

/* Wait for the page to finish the turn it started. */
async function turnDone(page) {
  await until(() => !page.instance.data.busy, 'the page to finish sending');
  await settle();
}

module.exports = { act, turnDone };
