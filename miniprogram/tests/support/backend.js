/* A stand-in for our backend behind wx.request, speaking the contract in README.md: the login
 * endpoint issues signed-looking tokens bound to a conversation, the chat replays a recorded
 * conversation turn by turn (failing loudly when the page sends anything else), and the catalogue,
 * demo people and applications answer as recorded or as the test says. */
const { recording } = require('./recording');

class Backend {
  constructor(fake, options) {
    const opts = options || {};
    this.fake = fake;
    this.issued = 0;
    this.valid = new Map();  // token → the identity it was issued for ('' when anonymous)
    this.conversationId = opts.conversationId || 'conv-test-1';
    this.turns = [];
    this.identity = '';
    this.unexpected = [];
    this.applications = opts.applications || [];
    this.failNext = [];  // queued failures for the next chat requests: {fail} or {statusCode}
    fake.answer((request) => this.handle(request));
  }

  replay(conversation) {
    this.turns = conversation.turns.slice();
    this.identity = conversation.identity_token || '';
    return this;
  }

  expire(token) { this.valid.delete(token); }

  authorized(request) {
    const header = request.header.Authorization || '';
    return header.indexOf('Bearer ') === 0 && this.valid.has(header.slice('Bearer '.length));
  }

  identityOf(request) {
    return this.valid.get((request.header.Authorization || '').slice('Bearer '.length)) || '';
  }

  handle(request) {
    const route = request.method + ' ' + request.path;
    if (route === 'POST /api/v1/miniprogram/login') {
      if (!request.data || !request.data.code) return { statusCode: 400, data: { error: 'code_required' } };
      this.issued += 1;
      const token = 'session-token-' + this.issued;
      this.valid.set(token, request.data.identity_token || '');
      return { data: { session_token: token, conversation_id: this.conversationId, expires_in: 7200 } };
    }
    if (route === 'GET /api/v1/bundles') return { data: recording.catalogue };
    if (route === 'GET /api/v1/demo-logins') return { data: recording.demo_logins };
    if (route === 'GET /api/v1/applications') {
      if (!this.authorized(request)) return { statusCode: 401, data: { error: 'unauthorized' } };
      return { data: { applications: this.applications } };
    }
    if (route === 'POST /webhooks/rest/webhook') return this.chat(request);
    return undefined;
  }

  chat(request) {
    if (this.failNext.length) return this.failNext.shift();
    if (!this.authorized(request)) return { statusCode: 401, data: { error: 'unauthorized' } };
    const body = request.data || {};
    const turn = this.turns.shift();
    const metadata = body.metadata || {};
    // Who is signed in is the token's (bound at login), never a claim in the message.
    if (!turn || body.message !== turn.message || body.sender !== this.conversationId ||
        metadata.channel !== 'miniprogram' || metadata.identity_token !== undefined ||
        this.identityOf(request) !== (this.identity || '')) {
      this.unexpected.push({ expected: turn && turn.message, got: body });
      return { statusCode: 500, data: { error: 'unexpected message in the replay' } };
    }
    return { data: turn.replies };
  }
}

module.exports = { Backend };
