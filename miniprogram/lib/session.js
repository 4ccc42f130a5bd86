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

async function exchange() {
  const code = await wxCode();
  const response = await http.request({ path: LOGIN_PATH, method: 'POST', data: { code: code } });
  if (response.status >= 500) throw new ApiError('server', 'login HTTP ' + response.status);
  const body = response.data || {};
  if (response.status !== 200 || typeof body.session_token !== 'string' || !body.session_token ||
      typeof body.conversation_id !== 'string' || !body.conversation_id) {
    throw new ApiError('login', 'login HTTP ' + response.status);
  }
  const seconds = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
  current = { token: body.session_token, conversationId: body.conversation_id, expiresAt: now() + seconds * 1000 };
  storage.write('session', current);
  return current;
}

/* One login at a time: pages asking together share it. */
function login() {
  if (!loggingIn) loggingIn = exchange().finally(() => { loggingIn = null; });
  return loggingIn;
}

async function ensure() {
  if (!current) current = storage.read('session', null);
  return valid(current) ? current : login();
}

function forget() {
  current = null;
  storage.remove('session');
}

/* `build(session)` gives the request (the chat body names the conversation, which a new login may
 * change); on 401 we log in again and send it once more. */
async function authorized(build) {
  const send = (session) => {
    const options = build(session);
    options.header = Object.assign({}, options.header, { Authorization: 'Bearer ' + session.token });
    return http.request(options);
  };
  let response = await send(await ensure());
  if (response.status === 401) {
    forget();
    response = await send(await login());
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
