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
      this.transport = new P.Transport(config.rasaUrl, (status) => this.onTransport(status), {
        read: () => this.store.session,
        write: (session) => { this.store.session = session; },
        changed: (session) => this.stream.open(session, this.store.read('pushedAfter', 0)),
        identity: () => this.identityToken(),
      });
      this.panel = new P.Panel(config, {
        submit: (text) => this.send(text, text, true),
        action: (payload, title) => this.send(payload, title, false),
        open: () => this.open(true),
        close: () => this.close(true),
        largeText: (on) => this.setLargeText(on),
        reset: () => this.confirmNewConversation(),
        retry: () => this.retry(),
        draft: (text) => this.store.write('draft', text),
        typing: (keyboardOpen) => this.panel.keepInView(this.actionIn(this.turn), keyboardOpen),
      });
      this.holding = new P.handoff.Holding();
      this.cardContext = {
        send: (payload, shownAs) => this.send(payload, shownAs, false),
        store: this.store,
        noticeHref: (custom) => this.noticeHref(custom),
      };
      this.panel.setLargeText(this.store.read('largeText', false));
      this.panel.input.value = this.store.read('draft', '');
      this.turn = [];  // the nodes of the latest turn: the only ones whose controls work
      this.background = null;  // a turn the widget itself is sending (after signing in)
      this.renderHistory();
      if (this.store.read('open', false)) this.open(false);
      window.addEventListener('online', () => this.transport.retryNow());
      // The same conversation open in another tab went on: show it here too, its controls current.
      window.addEventListener('storage', (event) => {
        if (!this.busy && this.store.changedElsewhere(event, 'history')) this.renderHistory();
      });
      this.stream = new P.Stream(config.portalUrl, (message) => this.onPushed(message));
      this.stream.open(this.store.session, this.store.read('pushedAfter', 0));
      this.catchUp();
    }

    /* Another tab or device may have gone on with this conversation: show where it stands. */
    async catchUp() {
      const session = this.store.session;
      if (!session || !window.fetch) return;
      let current;
      try {
        const url = this.config.portalUrl + '/api/v1/conversations/' + encodeURIComponent(session.conversation_id) +
          '/current?session=' + encodeURIComponent(session.session_token);
        const response = await fetch(url, { credentials: 'omit' });
        if (!response.ok) return;
        current = await response.json();
      } catch (error) {
        return;  // offline: what this page shows is all we know
      }
      const messages = Array.isArray(current.messages) ? current.messages : [];
      // The whole last turn, not just its last words: after an answer changed elsewhere the
      // same question can come back, with what changed said before it.
      const texts = (list) => JSON.stringify(list.map((m) => String((m || {}).text || '')));
      if (!messages.length || texts(messages) === texts(this.lastTurnShown())) return;
      const entries = [{ who: 'turn' }].concat(messages.map((m) => ({ who: 'bot', msg: m })));
      this.store.append(entries);
      this.showNewTurn(entries, true);
      this.panel.setStatus(S.restored, false);
    }

    /* The bot's messages of the last turn this page keeps (not the pushed ones, which are not
     * replies), as the server keeps its last reply. */
    lastTurnShown() {
      const history = this.store.history();
      let start = history.length;
      while (start > 0 && history[start - 1].who === 'bot') start -= 1;
      return history.slice(start).map((e) => e.msg || {}).filter((m) => !m.id);
    }

    /* A message that was not a reply: shown and kept like one, once. */
    onPushed(message) {
      if (message.id <= this.store.read('pushedAfter', 0)) return;
      this.store.write('pushedAfter', message.id);
      const entry = { who: 'bot', msg: message };
      this.store.append([entry]);
      const node = this.render(entry);
      if (node) { node.classList.add('yjs-pushed'); this.turn.push(node); }
      this.panel.scrollToEnd();
      this.panel.announce(this.summaryOf([entry]));
    }

    /* The history as it was, every earlier turn's controls retired, the current step in view. */
    renderHistory() {
      this.panel.clear();
      this.holding.reset();
      // The greeting is the widget's own, not the bot's: drawn first every time, never stored.
      let turn = [this.renderWelcome()];
      const past = [];
      this.store.history().forEach((entry) => {
        if (entry.who === 'user' || entry.who === 'turn') { past.push.apply(past, turn); turn = []; }
        const node = this.render(entry);
        if (node) turn.push(node);
      });
      this.panel.retire(past);
      this.turn = turn.filter(Boolean);
      this.collapseAllButLast(this.turn);
      // After a reload the styles may still be on their way: the current step is shown once
      // they are (a turn caught up from the server meanwhile is this.turn by then).
      this.panel.styled.then(() => window.requestAnimationFrame(() => {
        this.panel.place(true);
        this.panel.showTurn(this.turn[0], this.actionIn(this.turn));
      }));
    }

    /* A new turn on screen: older controls retired, long cards folded, the next step in view. */
    showNewTurn(entries, fromServer) {
      const nodes = entries.map((entry) => this.render(entry)).filter(Boolean);
      this.panel.retire(this.turn.filter((node) => nodes.indexOf(node) < 0));
      this.turn = nodes;
      this.collapseAllButLast(nodes.filter((node) => node.classList.contains('yjs-bot')));
      const action = this.actionIn(nodes);
      this.panel.showTurn(nodes[0], action);
      this.panel.announce(this.summaryOf(entries));
      return { first: nodes[0], action: action, fromServer: !!fromServer };
    }

    /* The turn that ends the questionnaire brings the summary, the notice and the form at once,
     * then the first thing to fill: the long cards fold (a tap opens them) so that the next step
     * is near. A turn with one card (the form to check, the notice asked for) keeps it open. */
    collapseAllButLast(nodes) {
      const folds = [];
      nodes.slice(0, -1).forEach((node) => folds.push.apply(folds, node.querySelectorAll('details.yjs-fold')));
      if (folds.length >= 2) folds.forEach((fold) => { fold.open = false; });
    }

    /* Where the person acts next: the newest question card, else the turn's last message (its
     * buttons, or the words asking for a value to type). Not any earlier message with controls:
     * the folded form's 修改 buttons are not the next step, the field asked for below it is. */
    actionIn(nodes) {
      for (let i = nodes.length - 1; i >= 0; i -= 1) {
        if (nodes[i].querySelector('.yjs-card-question')) return nodes[i];
      }
      return nodes[nodes.length - 1] || null;
    }

    summaryOf(entries) {
      return entries.filter((e) => e.who === 'bot').map((e) => {
        const msg = e.msg || {};
        const custom = msg.custom || {};
        if (custom.type === 'materials_notice') return fmt(S.announceNotice, { n: (custom.summary || {}).after });
        if (custom.type === 'form') return fmt(S.announceForm, { n: (custom.fields || []).length });
        if (custom.type === 'question') return custom.text || '';
        return String(msg.text || '').split('\n')[0];
      }).filter(Boolean).join('。');
    }

    renderWelcome() {
      const buttons = S.welcomeButtons.map((pair) => ({ title: pair[0], payload: pair[1] }));
      return this.panel.append(P.cards.botMessage({ text: S.welcome, buttons: buttons }, this.cardContext));
    }

    render(entry) {
      if (entry.who === 'turn') return null;  // a turn the person started without words (signing in)
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

    /* One message at a time, so replies arrive in order; the input keeps the text until it is
     * delivered. `quiet`: a turn without words from the person (after signing in). */
    async send(message, shownAs, fromInput, quiet) {
      // A turn the widget started by itself (after signing in) finishes first; what the person
      // sends meanwhile waits for it instead of being dropped.
      if (!quiet && this.background) await this.background;
      if (this.busy || !String(message).trim()) return false;
      this.busy = true;
      this.failed = null;
      const pending = quiet ? null : this.panel.append(this.panel.userMessage(shownAs, true));
      this.panel.scrollToEnd();
      this.panel.setThinking(true);
      try {
        const replies = await this.transport.send({ message: message, metadata: { channel: 'web' } });
        if (pending) pending.remove();
        const entries = [quiet ? { who: 'turn' } : { who: 'user', text: shownAs }]
          .concat(replies.map((m) => ({ who: 'bot', msg: m })));
        this.store.append(entries);
        const shown = this.showNewTurn(entries);
        if (fromInput && this.panel.input.value.trim() === message) {
          this.panel.input.value = '';
          this.store.write('draft', '');
        }
        // A tap moves on to the new question; while typing, the cursor stays where it is.
        if (!fromInput && !quiet) this.focusOn(shown.action);
        return true;
      } catch (error) {
        if (pending) pending.remove();
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

    focusOn(node) {
      if (!node) return;
      const target = node.querySelector('.yjs-card-question .yjs-card-title') || node.querySelector('button:not([disabled])');
      if (target === null) { this.panel.input.focus(); return; }
      if (!target.hasAttribute('tabindex') && target.tagName !== 'BUTTON') target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    }

    async confirmNewConversation() {
      if (this.store.history().length && !(await this.panel.ask(S.confirmNew))) return;
      this.newConversation();
    }

    open(focus) {
      this.panel.open(focus);
      this.store.write('open', true);
      this.panel.showTurn(this.turn[0], this.actionIn(this.turn));
    }

    close(focus) {
      this.panel.close(focus);
      this.store.write('open', false);
    }

    setLargeText(on) {
      this.panel.setLargeText(on);
      this.store.write('largeText', !!on);
      // Everything grew or shrank: the current step back in view.
      if (this.panel.isOpen) this.panel.showTurn(this.turn[0], this.actionIn(this.turn));
    }

    newConversation() {
      this.transport.cancel();
      this.failed = null;
      this.store.newConversation();
      this.stream.close();
      this.panel.setStatus('', false);
      this.renderHistory();
      this.panel.input.focus();
    }

    /* Someone signed in or out: the same conversation goes on, now with (or without) their
     * prefill and exemptions. The server binds the sign-in to the conversation's session. */
    async setIdentity(token) {
      const next = token || '';
      if (this.store.read('identity', null) === next) return;
      this.store.write('identity', next);
      if (!this.store.session) return;  // bound when the first message opens the session
      try {
        await this.transport.ensureSession(false, next);
      } catch (error) {
        this.panel.setStatus(S.signInFailed, false);
        return;
      }
      // The same conversation, now with (or without) this person's prefill and exemptions.
      if (this.store.history().length) {
        this.background = this.send('/resume', '', false, true).finally(() => { this.background = null; });
      }
    }

    /* The printable notice gets its data in the URL fragment: it never reaches a server, and it
     * works when the host page and the portal are different origins (no shared storage). */
    noticeHref(custom) {
      const data = { notice: custom, bundle: this.store.bundle(custom.bundle_id) };
      const application = this.store.receiptFor(custom);  // printed with its 受理编号 once filed
      if (application) data.application = application;
      if (this.store.read('largeText', false)) data.large = true;  // 长者模式 carries over to the sheet
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
