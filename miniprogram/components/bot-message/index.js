/* One bot message of the contract: its text, the card for its type, and the buttons the card
 * leaves; a type this version does not know is said politely instead of dropped silently. */
const S = require('../../strings');
const { readMessage } = require('../../lib/contract');

Component({
  properties: {
    message: { type: Object, value: {} },
    conversationId: { type: String, value: '' },
  },
  data: { S: S, view: readMessage({}) },
  observers: {
    message(message) { this.setData({ view: readMessage(message) }); },
  },
  lifetimes: {
    attached() { this.setData({ view: readMessage(this.data.message) }); },
  },
  methods: {
    onSend(event) { this.triggerEvent('send', event.detail); },
  },
});
