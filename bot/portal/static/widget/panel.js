/* The widget's view: bubble, dialog panel, log, status line, toolbar and composer (in a shadow root,
 * so host-page CSS cannot reach in). Knows nothing about the server; chat.js drives it. */
(function (W) {
  'use strict';
  const dom = W.parts.dom;
  const h = dom.h;
  const S = W.parts.strings;

  class Panel {
    constructor(config, on) {
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
      // role=log is a polite live region: screen readers announce each new message once.
      this.log = h('div', { class: 'yjs-log', attrs: {
        role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': S.logLabel, tabindex: '0' } });
      this.thinking = h('p', { class: 'yjs-thinking', text: S.thinking, attrs: { hidden: true } });
      this.statusText = h('span', { class: 'yjs-status-text' });
      this.retryButton = dom.button(S.retryNow, () => this.on.retry(), { class: 'yjs-small', attrs: { hidden: true } });
      this.status = h('div', { class: 'yjs-status', attrs: { role: 'status', hidden: true } }, [this.statusText, this.retryButton]);
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
      [header, this.log, this.thinking, this.status, toolbar, composer]);
      this.root.appendChild(this.panel);
      this.root.appendChild(this.bubble);
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
      this.scrollToEnd();
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
        h('p', { class: 'yjs-text', text: text }),
      ]);
    }

    /* Show the start of a new turn: long turns (summary, notice, form) are read from the top. */
    reveal(node) {
      if (!node) return;
      const top = node.offsetTop - 8;
      const bottom = this.log.scrollHeight - this.log.clientHeight;
      this.log.scrollTop = Math.min(top, bottom);
    }

    scrollToEnd() { this.log.scrollTop = this.log.scrollHeight; }

    setThinking(on) { this.thinking.hidden = !on; }

    setStatus(text, withRetry) {
      this.status.hidden = !text;
      this.statusText.textContent = text || '';
      this.retryButton.hidden = !withRetry;
    }
  }

  W.parts.Panel = Panel;
})(window.YJSWidget);
