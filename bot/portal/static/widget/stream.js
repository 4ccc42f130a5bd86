/* Messages that reach the person outside a reply (a queued application delivered later, an
 * agent's words): server-sent events from the portal, whichever server process wrote them. */
(function (W) {
  'use strict';

  const SILENCE_FACTOR = 2.5;  // this many "alive" periods without a word: the connection is gone
  const DEFAULT_EVERY_S = 15;  // until the portal says how often it speaks

  class Stream {
    constructor(portalUrl, onMessage) {
      this.portalUrl = portalUrl;
      this.onMessage = onMessage;  // (message) with {id, speaker, text?, buttons?, custom?}
      this.source = null;
      this.session = null;
      this.after = 0;
      this.everyS = DEFAULT_EVERY_S;
      this.watchdog = null;
    }

    /* Listen for one conversation with its session; `after` is the last pushed message shown. */
    open(session, after) {
      this.close();
      if (!session || !window.EventSource) return;  // no conversation yet, or a very old browser
      this.session = session;
      this.after = Number(after) || 0;
      this.connect();
    }

    connect() {
      if (this.source) this.source.close();
      const url = this.portalUrl + '/api/v1/conversations/' + encodeURIComponent(this.session.conversation_id) +
        '/stream?after=' + encodeURIComponent(String(this.after)) +
        '&session=' + encodeURIComponent(this.session.session_token);
      this.source = new EventSource(url);
      this.source.onopen = () => this.heard();
      this.source.onmessage = (event) => {
        this.heard();
        let message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (!message || typeof message.id !== 'number') return;
        this.after = Math.max(this.after, message.id);
        this.onMessage(message);
      };
      this.source.addEventListener('alive', (event) => {
        let every;
        try { every = Number(JSON.parse(event.data).every_s); } catch (e) { every = 0; }
        if (every > 0) this.everyS = every;
        this.heard();
      });
      this.heard();
    }

    /* A connection a proxy or a phone network dropped without a word stays "open" here for ever:
     * when the portal's regular "alive" stops coming, open a new one from the last message. */
    heard() {
      clearTimeout(this.watchdog);
      this.watchdog = setTimeout(() => this.connect(), this.everyS * SILENCE_FACTOR * 1000);
    }

    close() {
      clearTimeout(this.watchdog);
      this.watchdog = null;
      if (this.source) { this.source.close(); this.source = null; }
    }
  }

  W.parts.Stream = Stream;
})(window.YJSWidget);
