/* One chat message to the REST channel (docs/message-contract.md), signed in, retried on timeout. */
const http = require('./http');
const session = require('./session');
const { Retrier } = require('./retry');
const { ApiError } = require('./errors');

const CHANNEL = 'miniprogram';

class ChatTransport {
  constructor(onStatus) {
    this.retrier = new Retrier(onStatus);
  }

  retryNow() { this.retrier.retryNow(); }

  send(message, identityToken) {
    return this.retrier.run(async () => {
      const response = await session.authorized((s) => ({ path: '/webhooks/rest/webhook', method: 'POST',
        data: { sender: s.conversationId, message: message, metadata: { channel: CHANNEL } } }), identityToken || '');
      const body = http.expectOk(response);
      if (!Array.isArray(body)) throw new ApiError('server', 'the reply is not a list of messages');
      return body.filter((m) => m && typeof m === 'object');
    });
  }
}

module.exports = { ChatTransport, CHANNEL };
