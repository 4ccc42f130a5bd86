/* `bundle_choice`: candidate bundles (or one to confirm), each a button. */
const S = require('../../strings');

Component({
  properties: {
    buttons: { type: Array, value: [] },  // the server's buttons, or buttons made from the candidates
  },
  data: { S: S },
  methods: {
    onSend(event) { this.triggerEvent('send', event.detail); },
  },
});
