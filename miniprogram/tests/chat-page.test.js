/* The chat page driven through whole recorded conversations, and what it does when things fail. */
const S = require('../strings');
const config = require('../config');
const session = require('../lib/session');
const { conversation } = require('./support/recording');
const { Backend } = require('./support/backend');
const { render, settle, until, text } = require('./support/render');
const { act, turnDone } = require('./support/chat-driver');

const DELAYS = config.retryDelaysMs;

beforeEach(() => {
  wxFake.reset();
  session.reset();
  config.retryDelaysMs = [0, 0];
});

afterAll(() => { config.retryDelaysMs = DELAYS; });

async function openChat() {
  const page = render('pages/chat/index');
  page.instance.onLoad({});
  page.instance.onShow();
  await settle(10);
  return page;
}

function botMessages(page) {
  return page.instance.data.entries.filter((e) => e.who === 'bot').map((e) => e.msg);
}

async function type(page, value) {
  page.querySelector('.composer-input').dispatchEvent('input', { detail: { value: value } });
  await settle();
}

describe.each(['newborn_logged_in', 'restaurant_anonymous', 'browsing_and_handoff'])('the recorded conversation %s', (name) => {
  test('goes through the page turn by turn, every reply rendered', async () => {
    const recorded = conversation(name);
    const backend = new Backend(wxFake).replay(recorded);
    if (recorded.identity_token) wx.setStorageSync('yjs.identity', recorded.identity_token);
    const page = await openChat();
    const how = [];
    let expected = [];
    for (const turn of recorded.turns) {
      how.push(await act(page, turn.message));
      await turnDone(page);
      expect(backend.unexpected).toEqual([]);
      expected = expected.concat(turn.replies);
      expect(botMessages(page)).toEqual(expected);
    }
    expect(backend.turns).toEqual([]);
    // The replay used the page's own controls, not only typing.
    expect(how.filter((h) => h !== 'typed').length).toBeGreaterThan(recorded.turns.length / 3);
    expect(page.querySelectorAll('.bot-msg').length).toBe(expected.length);
    // The sign-in happened once, and every chat request carried its token.
    const chats = wxFake.requests.filter((r) => r.path === '/webhooks/rest/webhook');
    expect([wxFake.loginCount, new Set(chats.map((r) => r.header.Authorization)).size]).toEqual([1, 1]);
  });
});

test('the receipt, notice, form and rating of a whole journey are on the page at the end', async () => {
  const recorded = conversation('newborn_logged_in');
  new Backend(wxFake).replay(recorded);
  wx.setStorageSync('yjs.identity', recorded.identity_token);
  const page = await openChat();
  for (const turn of recorded.turns) {
    await act(page, turn.message);
    await turnDone(page);
  }
  const shown = ['.card-question', '.card-choice', '.card-bundle', '.card-notice', '.card-form', '.card-receipt', '.rating']
    .map((s) => page.querySelectorAll('.bot-msg >>> ' + s).length > 0);
  expect(shown).toEqual([true, true, true, true, true, true, true]);
});

test('the conversation and the draft survive closing and reopening the mini-program', async () => {
  const recorded = conversation('browsing_and_handoff');
  new Backend(wxFake).replay(recorded);
  const page = await openChat();
  await act(page, recorded.turns[0].message);
  await turnDone(page);
  await type(page, '还没发出去的话');
  const again = await openChat();
  expect([botMessages(again), again.instance.data.draft]).toEqual([recorded.turns[0].replies, '还没发出去的话']);
});

describe('when the backend cannot be reached', () => {
  test('a timeout is retried by itself and the reply then arrives', async () => {
    const recorded = conversation('browsing_and_handoff');
    const backend = new Backend(wxFake).replay(recorded);
    backend.failNext.push({ fail: 'request:fail timeout' });
    const page = await openChat();
    await type(page, recorded.turns[0].message);
    page.querySelector('.send').dispatchEvent('tap');
    await turnDone(page);
    const chats = wxFake.requests.filter((r) => r.path === '/webhooks/rest/webhook');
    expect([chats.length, botMessages(page), page.instance.data.status, page.instance.data.draft]).toEqual([2, recorded.turns[0].replies, '', '']);
  });

  test('no network: the page says so, keeps the typed text, and sends it on 重试', async () => {
    const recorded = conversation('browsing_and_handoff');
    const backend = new Backend(wxFake).replay(recorded);
    backend.failNext.push({ fail: 'request:fail' }, { fail: 'request:fail' }, { fail: 'request:fail' });
    const page = await openChat();
    await type(page, recorded.turns[0].message);
    page.querySelector('.send').dispatchEvent('tap');
    await turnDone(page);
    expect([page.instance.data.status, page.instance.data.draft, wx.getStorageSync('yjs.draft'), page.instance.data.entries.length])
      .toEqual([S.status.offline, recorded.turns[0].message, recorded.turns[0].message, 0]);
    expect(text(page)).toContain(S.status.offline);
    page.querySelector('.retry').dispatchEvent('tap');
    await settle();
    await turnDone(page);
    expect([botMessages(page), page.instance.data.status, page.instance.data.draft]).toEqual([recorded.turns[0].replies, '', '']);
  });

  test('the network coming back retries the message that did not get through', async () => {
    const recorded = conversation('browsing_and_handoff');
    const backend = new Backend(wxFake).replay(recorded);
    backend.failNext.push({ fail: 'request:fail' }, { fail: 'request:fail' }, { fail: 'request:fail' });
    const page = await openChat();
    await act(page, '/ask_browse');  // a toolbar button, not typed
    await turnDone(page);
    backend.turns = [{ message: '/ask_browse', replies: recorded.turns[1].replies }];
    wxFake.networkListeners.forEach((listener) => listener({ isConnected: true, networkType: 'wifi' }));
    await settle();
    await turnDone(page);
    expect(botMessages(page)).toEqual(recorded.turns[1].replies);
  });

  test('a 500 is explained politely, not retried by itself, and the typed text stays', async () => {
    const backend = new Backend(wxFake).replay(conversation('browsing_and_handoff'));
    backend.failNext.push({ statusCode: 500, data: { error: 'boom' } });
    const page = await openChat();
    await type(page, '我想办个证');
    page.querySelector('.send').dispatchEvent('tap');
    await turnDone(page);
    const chats = wxFake.requests.filter((r) => r.path === '/webhooks/rest/webhook');
    expect([chats.length, page.instance.data.status, page.instance.data.draft]).toEqual([1, S.status.server, '我想办个证']);
    expect(text(page)).not.toMatch(/500|boom|Error/);
  });

  test('a reply that is not a list of messages counts as a server fault, not a crash', async () => {
    const backend = new Backend(wxFake);
    backend.failNext.push({ statusCode: 200, data: '<html>gateway</html>' });
    const page = await openChat();
    await type(page, '我想办个证');
    page.querySelector('.send').dispatchEvent('tap');
    await turnDone(page);
    expect([page.instance.data.status, page.instance.data.draft]).toEqual([S.status.server, '我想办个证']);
  });
});

describe('an expired session', () => {
  test('is renewed without the person noticing, and the message goes through', async () => {
    const recorded = conversation('browsing_and_handoff');
    const backend = new Backend(wxFake).replay(recorded);
    const page = await openChat();
    backend.expire('session-token-1');
    await type(page, recorded.turns[0].message);
    page.querySelector('.send').dispatchEvent('tap');
    await turnDone(page);
    const chats = wxFake.requests.filter((r) => r.path === '/webhooks/rest/webhook').map((r) => r.header.Authorization);
    expect([wxFake.loginCount, chats, page.instance.data.status]).toEqual([2, ['Bearer session-token-1', 'Bearer session-token-2'], '']);
    expect(botMessages(page)).toEqual(recorded.turns[0].replies);
  });

  test('that cannot be renewed is explained, and the typed text stays', async () => {
    const backend = new Backend(wxFake).replay(conversation('browsing_and_handoff'));
    const page = await openChat();
    backend.expire('session-token-1');
    wxFake.handlers.unshift((r) => (r.path === '/api/v1/miniprogram/login' ? { statusCode: 403, data: { error: 'invalid_code' } } : undefined));
    await type(page, '我想办个证');
    page.querySelector('.send').dispatchEvent('tap');
    await turnDone(page);
    expect([page.instance.data.status, page.instance.data.draft]).toEqual([S.status.expired, '我想办个证']);
  });
});

test('a reply with a contract type this version does not know is said politely on the page', async () => {
  const backend = new Backend(wxFake);
  backend.turns = [{ message: '你好', replies: [{ recipient_id: 'x', text: '您好', custom: { type: 'video_call', room: 7 } }] }];
  const page = await openChat();
  await type(page, '你好');
  page.querySelector('.send').dispatchEvent('tap');
  await turnDone(page);
  expect([text(page).includes(S.unknownType), text(page).includes('您好'), page.instance.data.status]).toEqual([true, true, '']);
});

test('choosing a demo person starts the conversation afresh with their identity', async () => {
  const backend = new Backend(wxFake);
  const logins = require('./fixtures/recorded_replies.json').demo_logins.logins;
  const page = await openChat();
  await until(() => page.instance.data.logins.length, 'the demo people');
  backend.identity = logins[1].token;
  backend.turns = [{ message: '/start_over', replies: [{ recipient_id: 'x', text: '好的，我们重新开始。' }] }];
  page.querySelector('.identity-picker').dispatchEvent('change', { detail: { value: 2 } });
  await settle();
  await turnDone(page);
  expect(backend.unexpected).toEqual([]);
  expect([wx.getStorageSync('yjs.identity'), page.instance.data.identityText.includes(logins[1].name), botMessages(page).length])
    .toEqual([logins[1].token, true, 1]);
});

test('the toolbar offers 转人工 as WeChat customer service with our conversation id', async () => {
  new Backend(wxFake, { conversationId: 'conv-77' });
  const page = await openChat();
  const button = page.querySelector('.human');
  const attributes = {};
  button.toJSON().attrs.forEach((a) => { attributes[a.name] = a.value; });
  expect(attributes).toMatchObject({ 'open-type': 'contact', 'session-from': 'conv-77' });
});
