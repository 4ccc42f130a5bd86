/* The conversation: sends over the transport, renders replies, keeps history, answers the host API. */
(function (W) {
  'use strict';
  const P = W.parts;
  const S = P.strings;
  const fmt = P.dom.fmt;

  class Chat {
    constructor(config) {
      this.config = config;
      this.store = new P.Store(config.storagePrefix);
      this.busy = false;
      this.failed = null;  // the message that could not be delivered, for 重试
      this.transport = new P.Transport(config.rasaUrl, (status) => this.onTransport(status));
      this.panel = new P.Panel(config, {
        submit: (text) => this.send(text, text, true),
        action: (payload, title) => this.send(payload, title, false),
        open: () => this.open(true),
        close: () => this.close(true),
        largeText: (on) => this.setLargeText(on),
        reset: () => this.newConversation(),
        retry: () => this.retry(),
        draft: (text) => this.store.write('draft', text),
      });
      this.holding = new P.handoff.Holding();
      this.cardContext = {
        send: (payload, shownAs) => this.send(payload, shownAs, false),
        store: this.store,
        noticeHref: (custom) => this.noticeHref(custom),
      };
      this.panel.setLargeText(this.store.read('largeText', false));
      this.panel.input.value = this.store.read('draft', '');
      this.renderHistory();
      if (this.store.read('open', false)) this.open(false);
      window.addEventListener('online', () => this.transport.retryNow());
      this.stream = new P.Stream(config.portalUrl, (message) => this.onPushed(message));
      this.stream.open(this.store.sender, this.store.read('pushedAfter', 0));
    }

    /* A message that was not a reply: shown and kept like one, once. */
    onPushed(message) {
      if (message.id <= this.store.read('pushedAfter', 0)) return;
      this.store.write('pushedAfter', message.id);
      const entry = { who: 'bot', msg: message };
      this.store.append([entry]);
      const node = this.render(entry);
      if (node) node.classList.add('yjs-pushed');
      this.panel.scrollToEnd();
    }

    renderHistory() {
      this.panel.clear();
      this.holding.reset();
      // The greeting is the widget's own, not the bot's: drawn first every time, never stored.
      this.renderWelcome();
      this.store.history().forEach((entry) => this.render(entry));
    }

    renderWelcome() {
      const buttons = S.welcomeButtons.map((pair) => ({ title: pair[0], payload: pair[1] }));
      this.panel.append(P.cards.botMessage({ text: S.welcome, buttons: buttons }, this.cardContext));
    }

    render(entry) {
      if (entry.who === 'user') return this.panel.append(this.panel.userMessage(entry.text, false));
      const node = this.panel.append(P.cards.botMessage(entry.msg || {}, this.cardContext));
      this.holding.shown(entry, node, this.panel.log);  // 转人工: an agent holding it disables buttons
      return node;
    }

    identityToken() {
      const chosen = this.store.read('identity', null);
      if (chosen !== null) return chosen;
      return window.YJS_IDENTITY_TOKEN || this.config.identityToken || '';
    }

    /* One message at a time, so replies arrive in order; the input keeps the text until it is delivered. */
    async send(message, shownAs, fromInput) {
      if (this.busy || !String(message).trim()) return false;
      this.busy = true;
      this.failed = null;
      const pending = this.panel.append(this.panel.userMessage(shownAs, true));
      this.panel.scrollToEnd();
      this.panel.setThinking(true);
      const metadata = { channel: 'web' };
      const token = this.identityToken();
      if (token) metadata.identity_token = token;
      try {
        const replies = await this.transport.send({ sender: this.store.sender, message: message, metadata: metadata });
        pending.remove();
        const entries = [{ who: 'user', text: shownAs }].concat(replies.map((m) => ({ who: 'bot', msg: m })));
        this.store.append(entries);
        const first = entries.map((entry) => this.render(entry))[0];
        this.panel.reveal(first);
        if (fromInput && this.panel.input.value.trim() === message) {
          this.panel.input.value = '';
          this.store.write('draft', '');
        }
        return true;
      } catch (error) {
        pending.remove();
        if (error instanceof P.errors.Rejected) this.panel.setStatus(S.rejected, false);
        else if (error instanceof P.errors.Unreachable) this.failed = [message, shownAs, fromInput];
        return false;
      } finally {
        this.busy = false;
        this.panel.setThinking(false);
      }
    }

    retry() {
      if (this.busy) { this.transport.retryNow(); return; }
      if (this.failed) this.send.apply(this, this.failed);
    }

    onTransport(status) {
      // "正在回复" only while a request is actually out; the status line covers the waits between.
      this.panel.setThinking(status.state === 'sending');
      if (status.state === 'ok') this.panel.setStatus('', false);
      else if (status.state === 'retrying') this.panel.setStatus(fmt(S.retrying, { s: status.seconds, n: status.attempt }), true);
      else if (status.state === 'offline') this.panel.setStatus(S.offline, true);
    }

    open(focus) {
      this.panel.open(focus);
      this.store.write('open', true);
    }

    close(focus) {
      this.panel.close(focus);
      this.store.write('open', false);
    }

    setLargeText(on) {
      this.panel.setLargeText(on);
      this.store.write('largeText', !!on);
    }

    newConversation() {
      this.transport.cancel();
      this.failed = null;
      this.store.newConversation();
      this.stream.open(this.store.sender, 0);
      this.panel.setStatus('', false);
      this.renderHistory();
      this.panel.input.focus();
    }

    /* A different person logged in: their prefill and exemptions differ, so start afresh. */
    setIdentity(token) {
      const next = token || '';
      if (this.store.read('identity', null) === next) return;
      this.store.write('identity', next);
      this.newConversation();
    }

    /* The printable notice gets its data in the URL fragment: it never reaches a server, and it
     * works when the host page and the portal are different origins (no shared storage). */
    noticeHref(custom) {
      const data = { notice: custom, bundle: this.store.bundle(custom.bundle_id) };
      return this.config.portalUrl + '/notice#' + encodeURIComponent(JSON.stringify(data));
    }
  }

  const chat = new Chat(W.config);
  const api = {
    open: () => chat.open(true),
    close: () => chat.close(false),
    send: (text, shownAs) => { chat.open(false); return chat.send(text, shownAs || text, false); },
    setIdentity: (token) => chat.setIdentity(token),
    setLargeText: (on) => chat.setLargeText(on),
    newConversation: () => chat.newConversation(),
  };
  Object.keys(api).forEach((name) => { W[name] = api[name]; });
  W.chat = chat;
  W.queue.splice(0).forEach((call) => W[call[0]].apply(W, call[1]));
})(window.YJSWidget);
