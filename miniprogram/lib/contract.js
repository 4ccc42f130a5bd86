/* Reading the message contract (docs/message-contract.md): which card a message carries, what
 * text is left to show beside it, and which buttons the card does not already offer. */
const CARD_TYPES = ['question', 'bundle_choice', 'bundle', 'materials_notice', 'form', 'application', 'handoff'];
// For these cards the message text is a plain-text copy of the card: keep its first line only.
const TEXT_IS_COPY = { bundle: true, materials_notice: true, form: true, application: true };

function payload(intent, entities) {
  return '/' + intent + (entities ? JSON.stringify(entities) : '');
}

function isButton(b) {
  return !!b && typeof b.title === 'string' && b.title !== '' && typeof b.payload === 'string' && b.payload !== '';
}

/* The entities of a `/intent{…}` payload, or null when there are none or they do not parse. */
function entitiesOf(payloadText, intent) {
  const prefix = '/' + intent + '{';
  if (typeof payloadText !== 'string' || payloadText.indexOf(prefix) !== 0) return null;
  try { return JSON.parse(payloadText.slice(intent.length + 1)); } catch (e) { return null; }
}

function isRating(buttons) {
  return buttons.length > 1 && buttons.every((b) => entitiesOf(b.payload, 'rate') !== null);
}

function ratingOf(button) {
  const entities = entitiesOf(button.payload, 'rate');
  return entities ? Number(entities.rating) || 0 : 0;
}

/* The buttons a question card shows itself, and those left for the row under it. */
function splitQuestionButtons(custom, buttons) {
  const options = Array.isArray(custom.options) ? custom.options : [];
  if (custom.kind === 'single' || custom.kind === 'yesno') {
    if (options.length && buttons.length >= options.length) return { own: buttons, rest: [] };
    const own = options.map((o) => ({ title: o.label, payload: payload('answer', { question_id: custom.question_id, value: o.value }) }));
    return { own: own, rest: buttons };
  }
  if (custom.kind === 'multi') {
    // The checkboxes replace the one-option buttons; "none of these" (an empty list) stays a button.
    const rest = buttons.filter((b) => {
      const entities = entitiesOf(b.payload, 'answer');
      return !(entities && Array.isArray(entities.value) && entities.value.length > 0);
    });
    return { own: [], rest: rest };
  }
  return { own: [], rest: buttons };
}

/* Everything the bot-message component needs to draw one contract message. */
function readMessage(msg) {
  const message = msg && typeof msg === 'object' ? msg : {};
  const custom = message.custom && typeof message.custom === 'object' ? message.custom : null;
  const type = custom && CARD_TYPES.indexOf(custom.type) >= 0 ? custom.type : '';
  const buttons = Array.isArray(message.buttons) ? message.buttons.filter(isButton) : [];
  let text = typeof message.text === 'string' ? message.text : '';
  if (type === 'question' && text.trim() === String(custom.text || '').trim()) text = '';
  if (type && TEXT_IS_COPY[type]) text = text.split('\n')[0];
  let own = [];
  let rest = buttons;
  if (type === 'question') {
    const split = splitQuestionButtons(custom, buttons);
    own = split.own;
    rest = split.rest;
  } else if (type === 'bundle_choice') {
    // With buttons, the server chose the wording (是/否, 都不是…); without, offer the candidates.
    const candidates = Array.isArray(custom.candidates) ? custom.candidates : [];
    own = buttons.length ? buttons : candidates.map((c) => ({
      title: c.name, payload: payload('choose_bundle', { bundle_id: c.bundle_id }) }));
    rest = [];
  }
  const rating = isRating(rest) ? rest.slice().sort((a, b) => ratingOf(a) - ratingOf(b)) : [];
  return {
    text: text,
    type: type,
    custom: type ? custom : null,
    unknown: !!custom && !type,
    own: own,
    rest: rating.length ? [] : rest,
    rating: rating.map((b) => ({ title: b.title, payload: b.payload, stars: ratingOf(b) })),
  };
}

module.exports = { CARD_TYPES, payload, entitiesOf, readMessage, isRating, ratingOf };
