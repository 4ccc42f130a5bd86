/* 一件事智能导办 chat widget: the one script a host page includes; it loads its parts in order.
 *
 *   <script src="https://portal.example/static/widget/widget.js"
 *           data-rasa-url="https://bot.example" data-portal-url="https://portal.example"
 *           data-identity-token="(optional)" data-avoid="(optional: #login, .tools)" defer></script>
 *
 * Host pages may call window.YJSWidget.open(), .close(), .send(text, shownAs),
 * .setIdentity(token), .setLargeText(on) and .newConversation() at any time: calls made before
 * the parts have loaded are queued and replayed. */
(function () {
  'use strict';
  if (window.YJSWidget && window.YJSWidget.config) return;  // included twice: keep the first
  const script = document.currentScript;
  const base = script.src.replace(/[^/]*$/, '');
  const data = script.dataset;
  const trimSlash = (url) => String(url || '').replace(/\/+$/, '');
  const config = {
    base: base,
    rasaUrl: trimSlash(data.rasaUrl) || 'http://127.0.0.1:5005',
    // The notice page lives on the portal; by default that is where the widget came from.
    portalUrl: trimSlash(data.portalUrl) || new URL(script.src).origin,
    identityToken: data.identityToken || '',
    // The host page's own controls the panel must never cover (a CSS selector list).
    avoid: data.avoid || '',
    storagePrefix: data.storagePrefix || 'yjs',
  };
  const queue = [];
  const api = { config: config, parts: {}, queue: queue };
  ['open', 'close', 'send', 'setIdentity', 'setLargeText', 'newConversation'].forEach((name) => {
    api[name] = function () { queue.push([name, Array.prototype.slice.call(arguments)]); };
  });
  window.YJSWidget = api;

  // async=false keeps execution order for dynamically inserted classic scripts.
  ['strings.js', 'dom.js', 'store.js', 'transport.js', 'stream.js', 'handoff.js', 'cards.js', 'panel.js', 'chat.js'].forEach((file) => {
    const part = document.createElement('script');
    part.src = base + file;
    part.async = false;
    document.head.appendChild(part);
  });
})();
