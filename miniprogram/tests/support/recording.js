/* The recorded real replies of our bot (scripts/record_replies.py) and ways to pick from them. */
const recording = require('../fixtures/recorded_replies.json');

function conversation(name) {
  const found = recording.conversations.find((c) => c.name === name);
  if (!found) throw new Error('no recorded conversation ' + name);
  return found;
}

/* Every recorded bot message, in order, across all conversations. */
function allMessages() {
  return recording.conversations.reduce((all, c) => all.concat(...c.turns.map((t) => t.replies)), []);
}

function messagesWithCustom(type) {
  return allMessages().filter((m) => m.custom && m.custom.type === type);
}

function ratingMessages() {
  return allMessages().filter((m) => Array.isArray(m.buttons) && m.buttons.length > 1 &&
    m.buttons.every((b) => b.payload.indexOf('/rate{') === 0));
}

module.exports = { recording, conversation, allMessages, messagesWithCustom, ratingMessages };
