/* The widget's view: bubble, dialog panel, log, status line, toolbar and composer (in a shadow root,
 * so host-page CSS cannot reach in). Knows nothing about the server; chat.js drives it. */
(function (W) {
  'use strict';
  const dom = W.parts.dom;
  const h = dom.h;
  const S = W.parts.strings;
  const MAX_DESKTOP_HEIGHT = 760;
  const MIN_HEIGHT = 200;
  const MIN_ROOM = 0.6;  // on a phone the chat gets at least this share of the screen's height
  const KEYBOARD_RATIO = 0.75;  // a view this much shorter than the tallest seen: the keyboard is open

  class Panel {
    constructor(config, on) {
      this.avoid = config.avoid || '';
      this.on = on;  // {submit(text), action(payload, title), open(), close(), largeText(on), reset(), retry(), draft(text), typing(keyboardOpen)}
      this.composing = false;
      this.host = h('div', { attrs: { id: 'yjs-widget' } });
      const shadow = this.host.attachShadow({ mode: 'open' });
      const styles = h('link', { attrs: { rel: 'stylesheet', href: config.base + 'widget.css' } });
      // Until its styles arrive the log is not a scrolling box: nothing can be scrolled into view.
      this.styled = new Promise((resolve) => {
        styles.addEventListener('load', resolve);
        styles.addEventListener('error', resolve);
      });
      shadow.appendChild(styles);
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
      this.tallest = { width: 0, height: 0 };
      this.keyboardOpen = false;
      const settle = () => this.place(true);
      window.addEventListener('resize', settle);
      window.addEventListener('scroll', () => this.place(false), { passive: true });
      if (window.visualViewport) window.visualViewport.addEventListener('resize', settle);
    }

    /* Where the panel may be: below the host page's own controls that must stay visible
     * (data-avoid="#login, #large-text"), and, on a phone with the keyboard open, exactly the
     * visible area above the keyboard, so that the question stays in view while typing.
     * `settle`: the panel opened, the text size or the window changed (not the person scrolling
     * the page). On a phone the room below those controls can be a strip (at 360 px in large
     * text it was one line of chat), so then the page is scrolled until the controls are at the
     * top; never while the person scrolls, or they could not reach the controls. */
    place(settle) {
      if (this.panel.hidden) return;
      const view = window.visualViewport;
      const viewTop = view ? view.offsetTop : 0;
      const viewHeight = view ? view.height : window.innerHeight;
      const narrow = window.innerWidth <= 520;
      const margin = narrow ? 0 : 20;
      // The keyboard shrinks the visual viewport (or the window, where the browser resizes the
      // page for it): measured against the tallest view seen at this width.
      if (this.tallest.width !== window.innerWidth) this.tallest = { width: window.innerWidth, height: 0 };
      this.tallest.height = Math.max(this.tallest.height, viewHeight);
      const keyboardOpen = narrow && viewHeight < this.tallest.height * KEYBOARD_RATIO;
      const bottom = viewTop + viewHeight - margin;
      let top = viewTop + margin;
      if (this.avoid && !keyboardOpen) {
        let controls = this.avoided(viewTop, viewHeight);
        if (controls && narrow && settle && controls.top > viewTop + 1) {
          window.scrollBy(0, controls.top - viewTop);
          controls = this.avoided(viewTop, viewHeight);
        }
        if (controls) top = Math.max(top, controls.bottom + 8);
        // Still a strip (a page too short to scroll, controls taller than the screen): a chat
        // nobody can use helps less than covering the controls, which close (×) uncovers.
        if (narrow && settle && bottom - top < viewHeight * MIN_ROOM) top = bottom - viewHeight * MIN_ROOM;
      }
      if (!narrow) top = Math.max(top, bottom - MAX_DESKTOP_HEIGHT);
      this.keepingTheEnd(() => {
        // While typing on a phone the toolbar steps aside: the question needs the room.
        this.root.classList.toggle('yjs-typing', keyboardOpen);
        this.panel.style.top = top + 'px';
        this.panel.style.bottom = 'auto';
        this.panel.style.height = Math.max(MIN_HEIGHT, bottom - top) + 'px';
      });
      if (keyboardOpen !== this.keyboardOpen) {
        this.keyboardOpen = keyboardOpen;
        this.on.typing(keyboardOpen);
      }
    }

    /* The page's own controls in the top half of the view: their top and bottom, or null. */
    avoided(viewTop, viewHeight) {
      let found = null;
      document.querySelectorAll(this.avoid).forEach((el) => {
        const box = el.getBoundingClientRect();
        if (!box.height || box.bottom <= viewTop || box.top >= viewTop + viewHeight / 2) return;
        found = found ? { top: Math.min(found.top, box.top), bottom: Math.max(found.bottom, box.bottom) }
          : { top: box.top, bottom: box.bottom };
      });
      return found;
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
      this.place(true);
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
      this.place(true);  // the page's own controls may have grown with it
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
        // Typing on a phone with a question taller than the room left: its words, not its buttons.
        const wordsFirst = this.keyboardOpen && action.offsetHeight + 16 > log.clientHeight;
        log.scrollTop = Math.max(0, wordsFirst ? action.offsetTop - 8
          : action.offsetTop + action.offsetHeight - log.clientHeight + 8);
      } else {
        log.scrollTop = Math.min(first.offsetTop - 8, log.scrollHeight - log.clientHeight);
      }
    }

    /* The next thing to do wholly in view; taller than the log, its start (the question's words)
     * when `startFirst` (the person is typing an answer), else its end (where the buttons are). */
    keepInView(node, startFirst) {
      if (!node) return;
      const log = this.log;
      const top = node.offsetTop - 8;
      const bottom = node.offsetTop + node.offsetHeight + 8;
      if (bottom - top > log.clientHeight) log.scrollTop = startFirst ? top : bottom - log.clientHeight;
      else if (bottom > log.scrollTop + log.clientHeight) log.scrollTop = bottom - log.clientHeight;
      else if (top < log.scrollTop) log.scrollTop = top;
    }

    scrollToEnd() { this.log.scrollTop = this.log.scrollHeight; }

    setThinking(on) { this.keepingTheEnd(() => { this.thinking.hidden = !on; }); }

    /* Lines below the log (正在回复, the status) take their height from it: what is at its end
     * (the next thing to do) stays in view when they come and go. */
    keepingTheEnd(change) {
      const log = this.log;
      const fromBottom = log.scrollHeight - log.scrollTop - log.clientHeight;
      change();
      log.scrollTop = log.scrollHeight - log.clientHeight - fromBottom;
    }

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
      this.keepingTheEnd(() => {
        this.status.hidden = !text;
        this.statusText.textContent = text || '';
        this.retryButton.hidden = !withRetry;
      });
    }
  }

  W.parts.Panel = Panel;
})(window.YJSWidget);
