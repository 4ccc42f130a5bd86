/* The /dev/wechat page: plays a WeChat user through the local stand-in. What the person types is
 * pushed by the stand-in (signed and encrypted, as WeChat does); what the bot sent through the
 * send API is read back from the stand-in's record. Everything is shown as text. */
(function () {
  'use strict';
  const script = document.currentScript;
  const STANDIN = (script && script.dataset.standinUrl) || '';
  const POLL_MS = 500;
  const S = {
    me: '用户 {id}', pushFailed: '推送失败：{why}', signedIn: '已登录为 {name}（预填和免提交生效）',
    signedOut: '已退出登录', signInFailed: '登录失败：{why}', standinDown: '连不上本地微信模拟服务',
    image: '[图片]', entered: '（进入了客服会话）', newUser: '（换了一个新用户）',
  };
  const $ = (s) => document.querySelector(s);
  const fmt = (t, v) => t.replace(/\{(\w+)\}/g, (m, k) => (k in v ? v[k] : m));
  let openid = localStorage.getItem('yjs-dev-wechat-openid') || fresh();
  let cursor = 0;

  function fresh() {
    const id = 'dev-' + Math.random().toString(16).slice(2, 12);
    localStorage.setItem('yjs-dev-wechat-openid', id);
    return id;
  }

  function line(kind, node) {
    const li = document.createElement('li');
    li.className = kind;
    li.appendChild(node);
    $('#log').appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  function bubble(kind, text) {
    const div = document.createElement('div');
    div.className = 'bubble';
    div.textContent = text;
    line(kind, div);
  }

  function botMessage(m) {
    if (m.msgtype === 'text') return bubble('bot', m.text.content);
    if (m.msgtype === 'link') {
      const a = document.createElement('a');
      a.className = 'card';
      a.href = m.link.url;
      a.target = '_blank';
      a.rel = 'noopener';
      const title = document.createElement('strong');
      title.textContent = m.link.title;
      const description = document.createElement('span');
      description.textContent = m.link.description;
      a.append(title, description);
      return line('bot', a);
    }
    return bubble('bot', '[' + m.msgtype + ']');
  }

  async function call(path, body) {
    // text/plain keeps the cross-origin POST a "simple request" (no preflight); the body is JSON.
    const response = await fetch(STANDIN + path, body === undefined ? {} : {
      method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body),
    });
    return response.json();
  }

  async function push(kind, content) {
    $('#status').textContent = '';
    try {
      const result = await call('/_standin/push', { openid: openid, kind: kind, content: content });
      const first = (result.attempts || [])[0] || {};
      if (first.status !== 200 || first.body !== 'success') {
        $('#status').textContent = fmt(S.pushFailed, { why: first.status + ' ' + (first.body || result.error || '') });
      }
    } catch (error) {
      $('#status').textContent = S.standinDown;
    }
  }

  async function poll() {
    try {
      const result = await call('/_standin/sent?openid=' + encodeURIComponent(openid) + '&after=' + cursor);
      (result.messages || []).forEach(botMessage);
      cursor = result.last || cursor;
    } catch (error) {
      $('#status').textContent = S.standinDown;
    }
    setTimeout(poll, POLL_MS);
  }

  async function signIn(token) {
    try {
      const login = await call('/_standin/login', { openid: openid });
      const response = await fetch('/dev/wechat/sign-in', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: login.code, identity_token: token }),
      });
      const result = await response.json();
      if (!response.ok) throw new Error(result.message || response.status);
      const name = $('#login').selectedOptions[0].textContent;
      bubble('system', token ? fmt(S.signedIn, { name: name }) : S.signedOut);
    } catch (error) {
      $('#status').textContent = fmt(S.signInFailed, { why: error.message });
    }
  }

  async function loadLogins() {
    try {
      const response = await fetch('/api/v1/demo-logins');
      const data = await response.json();
      (data.logins || []).forEach((login) => {
        const option = document.createElement('option');
        option.value = login.token;
        option.textContent = login.name;
        $('#login').appendChild(option);
      });
    } catch (error) { /* anonymous only */ }
  }

  function showWho() { $('#who').textContent = fmt(S.me, { id: openid.slice(-6) }); }

  document.addEventListener('DOMContentLoaded', () => {
    showWho();
    loadLogins();
    $('#compose').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('#text').value;
      $('#text').value = '';
      bubble('person', text);
      push('text', text);
    });
    $('#enter').addEventListener('click', () => { bubble('system', S.entered); push('enter'); });
    $('#image').addEventListener('click', () => { bubble('person', S.image); push('image'); });
    $('#new-user').addEventListener('click', () => {
      openid = fresh();
      $('#login').value = '';
      showWho();
      bubble('system', S.newUser);
    });
    $('#login').addEventListener('change', () => signIn($('#login').value));
    call('/_standin/stats').then(() => poll(), () => { $('#status').textContent = S.standinDown; poll(); });
  });
})();
