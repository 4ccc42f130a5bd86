/* The mini-program's sign-in: wx.login → our login endpoint → a signed session token bound to the
 * openid, kept in storage; a 401 later means it expired, so we log in again once, transparently. */
const http = require('./http');
const storage = require('./storage');
const { ApiError } = require('./errors');

const LOGIN_PATH = '/api/v1/miniprogram/login';
const EARLY_RENEW_MS = 30000;  // renew a little before the server would refuse the token

let current = null;
let loggingIn = null;

function now() { return Date.now(); }

function valid(session) {
  return !!(session && session.token && session.conversationId && session.expiresAt > now() + EARLY_RENEW_MS);
}

function wxCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code) : reject(new ApiError('login', 'no code'))),
      fail: (err) => reject(new ApiError('network', (err && err.errMsg) || 'wx.login failed')),
    });
  });
}

/* Who is signed in is bound to the session on the server (the chat never claims it per message):
 * a different demo person means a new login with their identity token. */
async function exchange(identity) {
  const code = await wxCode();
  const data = { code: code };
  if (identity) data.identity_token = identity;
  const response = await http.request({ path: LOGIN_PATH, method: 'POST', data: data });
  if (response.status >= 500) throw new ApiError('server', 'login HTTP ' + response.status);
  const body = response.data || {};
  if (response.status !== 200 || typeof body.session_token !== 'string' || !body.session_token ||
      typeof body.conversation_id !== 'string' || !body.conversation_id) {
    throw new ApiError('login', 'login HTTP ' + response.status);
  }
  const seconds = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
  current = { token: body.session_token, conversationId: body.conversation_id, expiresAt: now() + seconds * 1000,
    identity: identity || '' };
  storage.write('session', current);
  return current;
}

/* One login at a time: pages asking together share it. */
function login(identity) {
  if (!loggingIn) loggingIn = exchange(identity).finally(() => { loggingIn = null; });
  return loggingIn;
}

async function ensure(identity) {
  if (!current) current = storage.read('session', null);
  const same = current && (current.identity || '') === (identity || '');
  return valid(current) && same ? current : login(identity);
}

function forget() {
  current = null;
  storage.remove('session');
}

/* `build(session)` gives the request (the chat body names the conversation, which a new login may
 * change); on 401 we log in again and send it once more. */
async function authorized(build, identity) {
  const send = (session) => {
    const options = build(session);
    options.header = Object.assign({}, options.header, { Authorization: 'Bearer ' + session.token });
    return http.request(options);
  };
  // Calls that do not say who is signed in (我的办件) keep whoever the session has.
  const wanted = identity === undefined ? (current || storage.read('session', null) || {}).identity : identity;
  let response = await send(await ensure(wanted));
  if (response.status === 401) {
    forget();
    response = await send(await login(wanted));
    if (response.status === 401) throw new ApiError('expired', 'HTTP 401 after a fresh login');
  }
  return response;
}

function conversationId() {
  if (!current) current = storage.read('session', null);
  return current ? current.conversationId : '';
}

/* For tests and 退出: start from nothing. */
function reset() {
  current = null;
  loggingIn = null;
}

module.exports = { ensure, login, authorized, forget, conversationId, reset, LOGIN_PATH };
