/* Messages that reach the person outside a reply (a queued application delivered later, an
 * agent's words): server-sent events from the portal, whichever server process wrote them. */
(function (W) {
  'use strict';

  class Stream {
    constructor(portalUrl, onMessage) {
      this.portalUrl = portalUrl;
      this.onMessage = onMessage;  // (message) with {id, speaker, text?, buttons?, custom?}
      this.source = null;
    }

    /* Listen for one conversation; `after` is the last pushed message already shown. */
    open(conversationId, after) {
      this.close();
      if (!window.EventSource) return;  // very old browsers: replies still work, pushes wait for a reload
      const url = this.portalUrl + '/api/v1/conversations/' + encodeURIComponent(conversationId) +
        '/stream?after=' + encodeURIComponent(String(after || 0));
      this.source = new EventSource(url);
      this.source.onmessage = (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (message && typeof message.id === 'number') this.onMessage(message);
      };
    }

    close() {
      if (this.source) { this.source.close(); this.source = null; }
    }
  }

  W.parts.Stream = Stream;
})(window.YJSWidget);
