/* Sign-in per the documented contract: wx.login's code is exchanged at our login endpoint for a
 * session token bound to the conversation; it is reused, renewed on 401, and never guessed. */
const session = require('../lib/session');
const api = require('../lib/api');
const { ChatTransport } = require('../lib/chat-transport');
const { ApiError } = require('../lib/errors');
const { Backend } = require('./support/backend');
const { settle } = require('./support/render');

beforeEach(() => {
  wxFake.reset();
  session.reset();
});

test('the wx.login code goes to the login endpoint, and the token and conversation come back', async () => {
  new Backend(wxFake, { conversationId: 'conv-abc' });
  const s = await session.ensure();
  const login = wxFake.requests.find((r) => r.path === '/api/v1/miniprogram/login');
  expect([login.method, login.data, s.token, s.conversationId]).toEqual(['POST', { code: 'wx-code-1' }, 'session-token-1', 'conv-abc']);
  // Only what the client needs is kept: no code, no WeChat session key.
  expect(Object.keys(wx.getStorageSync('yjs.session')).sort()).toEqual(['conversationId', 'expiresAt', 'identity', 'token']);
});

test('a chat message carries the token as a bearer credential and the conversation id as sender', async () => {
  const backend = new Backend(wxFake, { conversationId: 'conv-abc' });
  backend.turns = [{ message: '你好', replies: [{ recipient_id: 'conv-abc', text: '您好！' }] }];
  const replies = await new ChatTransport().send('你好', '');
  const chat = wxFake.requests.find((r) => r.path === '/webhooks/rest/webhook');
  expect([replies, chat.header.Authorization, chat.data]).toEqual([
    [{ recipient_id: 'conv-abc', text: '您好！' }], 'Bearer session-token-1',
    { sender: 'conv-abc', message: '你好', metadata: { channel: 'miniprogram' } }]);
});

test('the chosen identity is bound at login, never claimed in a message', async () => {
  const backend = new Backend(wxFake);
  backend.identity = 'demo-zhang-wei';
  backend.turns = [{ message: '你好', replies: [] }, { message: '再问一句', replies: [] }];
  await new ChatTransport().send('你好', 'demo-zhang-wei');
  await new ChatTransport().send('再问一句', 'demo-zhang-wei');
  const logins = wxFake.requests.filter((r) => r.path === '/api/v1/miniprogram/login');
  expect([backend.unexpected, logins.map((r) => r.data.identity_token)]).toEqual([[], ['demo-zhang-wei']]);
});

test('another person chosen means a new login with their identity', async () => {
  const backend = new Backend(wxFake);
  backend.turns = [{ message: '你好', replies: [] }];
  await new ChatTransport().send('你好', '');
  backend.identity = 'demo-li-na';
  backend.turns = [{ message: '你好', replies: [] }];
  await new ChatTransport().send('你好', 'demo-li-na');
  const logins = wxFake.requests.filter((r) => r.path === '/api/v1/miniprogram/login');
  expect([backend.unexpected, logins.map((r) => r.data.identity_token)]).toEqual([[], [undefined, 'demo-li-na']]);
});

test('one login serves many requests, across restarts, until it expires', async () => {
  new Backend(wxFake);
  await Promise.all([session.ensure(), session.ensure(), api.applications()]);
  session.reset();  // the mini-program restarted: the token comes from storage
  await api.applications();
  expect(wxFake.loginCount).toBe(1);
  const stored = wx.getStorageSync('yjs.session');
  wx.setStorageSync('yjs.session', Object.assign(stored, { expiresAt: Date.now() - 1 }));
  session.reset();
  await session.ensure();
  expect(wxFake.loginCount).toBe(2);
});

test('a 401 logs in again once and repeats the request with the new token', async () => {
  const backend = new Backend(wxFake);
  await session.ensure();
  backend.expire('session-token-1');
  await api.applications();
  const calls = wxFake.requests.filter((r) => r.path === '/api/v1/applications').map((r) => r.header.Authorization);
  expect([calls, wxFake.loginCount]).toEqual([['Bearer session-token-1', 'Bearer session-token-2'], 2]);
});

test('a 401 even after a fresh login is an expired session, not a loop', async () => {
  const backend = new Backend(wxFake);
  backend.valid.set = () => backend.valid;  // the server refuses every token it issues
  await expect(api.applications()).rejects.toMatchObject({ kind: 'expired' });
  expect(wxFake.requests.filter((r) => r.path === '/api/v1/applications').length).toBe(2);
});

test.each([
  ['wx.login fails', (fake) => { fake.loginFails = true; }, 'network'],
  ['the login endpoint refuses the code', (fake) => fake.handlers.unshift((r) => (r.path.endsWith('/login') ? { statusCode: 403, data: {} } : undefined)), 'login'],
  ['the login endpoint answers 500', (fake) => fake.handlers.unshift((r) => (r.path.endsWith('/login') ? { statusCode: 500, data: {} } : undefined)), 'server'],
  ['the login answer has no token', (fake) => fake.handlers.unshift((r) => (r.path.endsWith('/login') ? { data: { conversation_id: 'c' } } : undefined)), 'login'],
])('%s: a polite error kind, no session kept', async (name, breakIt, kind) => {
  new Backend(wxFake);
  breakIt(wxFake);
  const error = await session.ensure().catch((e) => e);
  await settle();
  expect([error instanceof ApiError, error.kind, wx.getStorageSync('yjs.session')]).toEqual([true, kind, '']);
});
