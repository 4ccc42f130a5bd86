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

    /* Listen for one conversation with its session; `after` is the last pushed message shown. */
    open(session, after) {
      this.close();
      if (!session || !window.EventSource) return;  // no conversation yet, or a very old browser
      const url = this.portalUrl + '/api/v1/conversations/' + encodeURIComponent(session.conversation_id) +
        '/stream?after=' + encodeURIComponent(String(after || 0)) +
        '&session=' + encodeURIComponent(session.session_token);
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
