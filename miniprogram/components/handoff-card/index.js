/* `handoff`: the way to a person is WeChat's own customer-service chat; `session-from` carries our
 * conversation id so the agents' desk links the two. */
const S = require('../../strings');

Component({
  properties: {
    conversationId: { type: String, value: '' },
  },
  data: { S: S },
});
