/* The conversation as shown, kept on the phone: entries {id, who: 'user'|'bot'|'note', text, msg}. */
const config = require('../config');
const storage = require('./storage');

let seq = 0;

function nextId() {
  seq += 1;
  return 'm' + Date.now().toString(36) + seq;
}

function load() {
  const entries = storage.read('history', []);
  return Array.isArray(entries) ? entries.filter((e) => e && e.id && e.who) : [];
}

function save(entries) {
  storage.write('history', entries.filter((e) => !e.pending).slice(-config.historyLimit));
}

function user(text, pending) { return { id: nextId(), who: 'user', text: text, pending: !!pending }; }

function bot(msg) { return { id: nextId(), who: 'bot', msg: msg }; }

function note(text) { return { id: nextId(), who: 'note', text: text }; }

module.exports = { load, save, user, bot, note };
