/* The chat page: sends what the person types or presses, renders the bot's contract messages, keeps
 * the conversation and the draft across restarts, and says politely when something fails. */
const S = require('../../strings');
const { fmt } = require('../../lib/format');
const storage = require('../../lib/storage');
const history = require('../../lib/history');
const theme = require('../../lib/theme');
const session = require('../../lib/session');
const api = require('../../lib/api');
const notices = require('../../lib/notices');
const pendingMessage = require('../../lib/pending-message');
const { ChatTransport } = require('../../lib/chat-transport');
const { statusKind } = require('../../lib/errors');

const WELCOME = { text: S.welcome, buttons: S.welcomeButtons.map((pair) => ({ title: pair[0], payload: pair[1] })) };
const TOOLS = S.toolbar.map((pair) => ({ title: pair[0], payload: pair[1] }));

function identityText(names, index) {
  return fmt(S.identityAs, { name: names[index] || S.identityAnonymous });
}

Component({
  data: {
    S: S,
    care: false,
    themeStyle: '',
    welcome: WELCOME,
    tools: TOOLS,
    entries: [],
    draft: '',
    busy: false,
    thinking: false,
    status: '',
    canRetry: false,
    anchor: '',
    conversationId: '',
    logins: [],
    loginNames: [S.identityAnonymous],
    identityIndex: 0,
    identityText: identityText([], 0),
  },
  methods: {
    onLoad() {
      this.failed = null;  // the send that did not get through, for 重试
      this.transport = new ChatTransport((status) => this.onTransport(status));
      const entries = history.load();
      this.setData(Object.assign(theme.pageTheme(), {
        entries: entries,
        draft: storage.read('draft', ''),
        anchor: entries.length ? entries[entries.length - 1].id : '',
      }));
      this.loadLogins();
      session.ensure(storage.read('identity', '')).then((s) => this.setData({ conversationId: s.conversationId }))
        .catch(() => {});
      if (typeof wx.onNetworkStatusChange === 'function') {
        wx.onNetworkStatusChange((res) => { if (res && res.isConnected) this.retry(); });
      }
    },

    onShow() {
      this.setData(theme.pageTheme());
      const message = pendingMessage.take();
      if (message) this.send(message.payload, message.shownAs, {});
    },

    loadLogins() {
      return api.demoLogins().then((logins) => {
        const token = storage.read('identity', '');
        const names = [S.identityAnonymous].concat(logins.map((l) => l.name));
        const index = logins.findIndex((l) => l.token === token) + 1;
        this.setData({ logins: logins, loginNames: names, identityIndex: index, identityText: identityText(names, index) });
      }).catch(() => {});  // no demo people (a real deployment) or not reachable: no selector
    },

    onInput(event) {
      const draft = String(event.detail.value || '');
      this.setData({ draft: draft });
      storage.write('draft', draft);
    },

    submit() {
      const text = this.data.draft.trim();
      if (text) this.send(text, text, { fromInput: true });
    },

    onSend(event) {
      const detail = event.detail || {};
      if (detail.payload) this.send(detail.payload, detail.shownAs || detail.payload, {});
    },

    onTool(event) {
      const tool = TOOLS[Number(event.currentTarget.dataset.index)];
      if (tool) this.send(tool.payload, tool.title, {});
    },

    /* One message at a time so replies arrive in order; the typed text stays in the box until delivered. */
    async send(message, shownAs, options) {
      if (this.data.busy || !String(message).trim()) return false;
      this.failed = null;
      const pending = options.quiet ? null : history.user(shownAs, true);
      const entries = pending ? this.data.entries.concat([pending]) : this.data.entries;
      this.setData({ busy: true, entries: entries, anchor: pending ? pending.id : this.data.anchor, status: '', canRetry: false });
      try {
        const replies = await this.transport.send(message, storage.read('identity', ''));
        const shown = this.data.entries.filter((e) => !pending || e.id !== pending.id);
        const fresh = (pending ? [history.user(shownAs, false)] : []).concat(replies.map(history.bot));
        const next = shown.concat(fresh);
        history.save(next);
        const update = { entries: next, anchor: fresh.length ? fresh[0].id : this.data.anchor };
        if (options.fromInput && this.data.draft.trim() === message) {
          update.draft = '';
          storage.write('draft', '');
        }
        this.setData(update);
        return true;
      } catch (error) {
        const kind = statusKind(error);
        this.failed = kind === 'rejected' ? null : [message, shownAs, options];
        this.setData({
          entries: this.data.entries.filter((e) => !(pending && e.id === pending.id)),
          status: S.status[kind] || S.status.server,
          canRetry: kind !== 'rejected',
        });
        return false;
      } finally {
        this.setData({ busy: false, thinking: false });
      }
    },

    retry() {
      if (this.transport.retrier.waiting) { this.transport.retryNow(); return; }
      if (this.failed && !this.data.busy) this.send.apply(this, this.failed);
    },

    onTransport(status) {
      if (status.state === 'sending') this.setData({ thinking: true });
      else if (status.state === 'retrying') {
        this.setData({ thinking: false, status: fmt(S.status.retrying, { s: status.seconds, n: status.attempt }), canRetry: true });
      } else if (status.state === 'ok') this.setData({ thinking: false, status: '', canRetry: false });
    },

    /* A different person: their prefill and exemptions differ, so the conversation starts afresh. */
    onIdentity(event) {
      const index = Number(event.detail.value) || 0;
      const login = index > 0 ? this.data.logins[index - 1] : null;
      const token = login ? login.token : '';
      if (token === storage.read('identity', '') || this.data.busy) return;
      storage.write('identity', token);
      notices.forgetAll();
      const entries = [history.note(fmt(S.identityChanged, { name: login ? login.name : S.identityAnonymous }))];
      history.save(entries);
      this.setData({ identityIndex: index, identityText: identityText(this.data.loginNames, index), entries: entries });
      this.send('/start_over', '', { quiet: true });
    },

    toggleCare() {
      theme.setCare(!this.data.care);
      this.setData(theme.pageTheme());
    },
  },
});
