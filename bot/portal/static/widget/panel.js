/* The widget's view: bubble, dialog panel, log, status line, toolbar and composer (in a shadow root,
 * so host-page CSS cannot reach in). Knows nothing about the server; chat.js drives it. */
(function (W) {
  'use strict';
  const dom = W.parts.dom;
  const h = dom.h;
  const S = W.parts.strings;
  const MAX_DESKTOP_HEIGHT = 760;
  const MIN_HEIGHT = 200;

  class Panel {
    constructor(config, on) {
      this.avoid = config.avoid || '';
      this.on = on;  // {submit(text), action(payload, title), open(), close(), largeText(on), reset(), retry(), draft(text)}
      this.composing = false;
      this.host = h('div', { attrs: { id: 'yjs-widget' } });
      const shadow = this.host.attachShadow({ mode: 'open' });
      shadow.appendChild(h('link', { attrs: { rel: 'stylesheet', href: config.base + 'widget.css' } }));
      this.root = h('div', { class: 'yjs-root' });
      shadow.appendChild(this.root);
      this.build();
      document.body.appendChild(this.host);
    }

    build() {
      this.bubble = dom.button(S.bubble, () => (this.isOpen ? this.on.close() : this.on.open()), {
        class: 'yjs-bubble', attrs: { 'aria-label': S.bubbleLabel, 'aria-expanded': 'false', 'aria-controls': 'yjs-panel' } });
      this.largeButton = dom.button(S.largeText, () => this.on.largeText(!this.large), {
        class: 'yjs-small', attrs: { 'aria-pressed': 'false', 'aria-label': S.largeTextLabel } });
      const header = h('header', { class: 'yjs-header' }, [
        h('div', { class: 'yjs-heading' }, [
          h('h2', { class: 'yjs-title', text: S.title, attrs: { id: 'yjs-title' } }),
          h('p', { class: 'yjs-subtitle', text: S.subtitle }),
        ]),
        h('div', { class: 'yjs-header-actions' }, [
          this.largeButton,
          dom.button(S.newConversation, () => this.on.reset(), {
            class: 'yjs-small', attrs: { 'aria-label': S.newConversationLabel } }),
          dom.button('×', () => this.on.close(), { class: 'yjs-close', attrs: { 'aria-label': S.close } }),
        ]),
      ]);
      // The log is read at will; what is new is announced once, as a summary, by the announcer
      // (a whole materials list read aloud after every answer helps nobody).
      this.log = h('div', { class: 'yjs-log', attrs: {
        role: 'log', 'aria-live': 'off', 'aria-label': S.logLabel, tabindex: '0' } });
      this.announcer = h('div', { class: 'yjs-sr', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
      this.thinking = h('p', { class: 'yjs-thinking', text: S.thinking, attrs: { hidden: true } });
      this.statusText = h('span', { class: 'yjs-status-text' });
      this.retryButton = dom.button(S.retryNow, () => this.on.retry(), { class: 'yjs-small', attrs: { hidden: true } });
      this.status = h('div', { class: 'yjs-status', attrs: { role: 'status', hidden: true } }, [this.statusText, this.retryButton]);
      this.confirmYes = dom.button(S.confirmYes, () => this.settle(true), { class: 'yjs-small yjs-primary' });
      this.confirmNo = dom.button(S.confirmNo, () => this.settle(false), { class: 'yjs-small' });
      this.confirmText = h('span', { class: 'yjs-status-text' });
      this.confirmBox = h('div', { class: 'yjs-confirm', attrs: { role: 'alertdialog', hidden: true,
        'aria-label': S.confirmLabel } }, [this.confirmText, this.confirmYes, this.confirmNo]);
      this.pendingAnswer = null;
      const toolbar = h('nav', { class: 'yjs-toolbar', attrs: { 'aria-label': S.toolbarLabel } },
        S.toolbar.map((pair) => dom.button(pair[0], () => this.on.action(pair[1], pair[0]), { class: 'yjs-tool' })));
      this.input = h('textarea', { class: 'yjs-textarea', attrs: {
        id: 'yjs-input', rows: '2', 'aria-label': S.inputLabel, placeholder: S.placeholder, maxlength: '2000' } });
      this.wireInput();
      const composer = h('form', { class: 'yjs-composer', attrs: { novalidate: true },
        on: { submit: (event) => { event.preventDefault(); this.submit(); } } }, [
        this.input,
        h('button', { class: 'yjs-btn yjs-primary yjs-send', text: S.send, attrs: { type: 'submit' } }),
      ]);
      this.panel = h('div', { class: 'yjs-panel', attrs: {
        id: 'yjs-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'yjs-title', hidden: true },
      on: { keydown: (event) => { if (event.key === 'Escape') { event.preventDefault(); this.on.close(); } } } },
      [header, this.log, this.announcer, this.thinking, this.status, this.confirmBox, toolbar, composer]);
      this.root.appendChild(this.panel);
      this.root.appendChild(this.bubble);
      this.fit = () => this.place();
      window.addEventListener('resize', this.fit);
      window.addEventListener('scroll', this.fit, { passive: true });
      if (window.visualViewport) window.visualViewport.addEventListener('resize', this.fit);
    }

    /* Where the panel may be: below the host page's own controls that must stay visible
     * (data-avoid="#login, #large-text"), and, on a phone with the keyboard open, exactly the
     * visible area above the keyboard, so that the question stays in view while typing. */
    place() {
      if (this.panel.hidden) return;
      const view = window.visualViewport;
      const viewTop = view ? view.offsetTop : 0;
      const viewHeight = view ? view.height : window.innerHeight;
      const narrow = window.innerWidth <= 520;
      const margin = narrow ? 0 : 20;
      const keyboardOpen = narrow && viewHeight < window.innerHeight * 0.75;
      let top = viewTop + margin;
      if (this.avoid && !keyboardOpen) {
        document.querySelectorAll(this.avoid).forEach((el) => {
          const box = el.getBoundingClientRect();
          if (box.height && box.bottom > viewTop && box.top < viewTop + viewHeight / 2) top = Math.max(top, box.bottom + 8);
        });
      }
      const bottom = viewTop + viewHeight - margin;
      if (!narrow) top = Math.max(top, bottom - MAX_DESKTOP_HEIGHT);
      this.panel.style.top = top + 'px';
      this.panel.style.bottom = 'auto';
      this.panel.style.height = Math.max(MIN_HEIGHT, bottom - top) + 'px';
    }

    wireInput() {
      // Enter sends, Shift+Enter breaks the line; never while an IME (拼音/五笔) is composing.
      this.input.addEventListener('compositionstart', () => { this.composing = true; });
      this.input.addEventListener('compositionend', () => { this.composing = false; });
      this.input.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' || event.shiftKey) return;
        if (event.isComposing || this.composing || event.keyCode === 229) return;
        event.preventDefault();
        this.submit();
      });
      this.input.addEventListener('input', () => this.on.draft(this.input.value));
    }

    submit() {
      const text = this.input.value.trim();
      if (text) this.on.submit(text);
    }

    get isOpen() { return !this.panel.hidden; }

    open(focus) {
      this.panel.hidden = false;
      this.root.classList.add('yjs-open');
      this.bubble.setAttribute('aria-expanded', 'true');
      this.place();
      if (focus) this.input.focus();
    }

    close(focus) {
      this.panel.hidden = true;
      this.root.classList.remove('yjs-open');
      this.bubble.setAttribute('aria-expanded', 'false');
      if (focus) this.bubble.focus();
    }

    setLargeText(on) {
      this.large = !!on;
      this.root.classList.toggle('yjs-large', this.large);
      this.largeButton.setAttribute('aria-pressed', String(this.large));
    }

    clear() { this.log.textContent = ''; }

    append(node) { if (node) this.log.appendChild(node); return node; }

    userMessage(text, pending) {
      return h('div', { class: 'yjs-msg yjs-user' + (pending ? ' yjs-pending' : '') }, [
        h('span', { class: 'yjs-sr', text: S.you + '：' }),
        h('p', { class: 'yjs-text', text: text }),
      ]);
    }

    /* Say something to screen readers once (the log itself is not a live region). */
    announce(text) {
      this.announcer.textContent = '';
      window.setTimeout(() => { this.announcer.textContent = text; }, 50);
    }

    /* Controls of earlier turns stop working: an old button must not answer today's question.
     * The materials checklist's ticks are the person's own notes and stay usable. */
    retire(nodes) {
      nodes.forEach((node) => {
        node.classList.add('yjs-past');
        node.querySelectorAll('button, input, select, textarea').forEach((control) => {
          if (!control.closest('.yjs-card-notice .yjs-check')) control.disabled = true;
        });
      });
    }

    /* After a turn: its start at the top when it fits, else the next thing to do in view. */
    showTurn(first, action) {
      if (!first) return;
      const log = this.log;
      const turnHeight = log.scrollHeight - first.offsetTop;
      if (action && turnHeight > log.clientHeight) {
        log.scrollTop = Math.max(0, action.offsetTop + action.offsetHeight - log.clientHeight + 8);
      } else {
        log.scrollTop = Math.min(first.offsetTop - 8, log.scrollHeight - log.clientHeight);
      }
    }

    scrollToEnd() { this.log.scrollTop = this.log.scrollHeight; }

    setThinking(on) { this.thinking.hidden = !on; }

    /* A question inside the panel (never a browser dialog): resolves true or false. */
    ask(text) {
      this.settle(false);
      this.confirmText.textContent = text;
      this.confirmBox.hidden = false;
      this.confirmNo.focus();
      return new Promise((resolve) => { this.pendingAnswer = resolve; });
    }

    settle(answer) {
      const resolve = this.pendingAnswer;
      this.pendingAnswer = null;
      this.confirmBox.hidden = true;
      if (resolve) resolve(answer);
    }

    setStatus(text, withRetry) {
      this.status.hidden = !text;
      this.statusText.textContent = text || '';
      this.retryButton.hidden = !withRetry;
    }
  }

  W.parts.Panel = Panel;
})(window.YJSWidget);
