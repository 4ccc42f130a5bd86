/* The REST channel: a session token for the conversation (POST /webhooks/rest/session), then one
 * message at a time with it, retrying with backoff while the server is unreachable. */
(function (W) {
  'use strict';
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
  const TIMEOUT_MS = 60000;  // the first turn after a restart can take a while (model load)

  class Rejected extends Error {}
  class Unreachable extends Error {}
  class Cancelled extends Error {}

  function messageId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, '');
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  class Transport {
    constructor(rasaUrl, onStatus, session) {
      this.url = rasaUrl + '/webhooks/rest/webhook';
      this.sessionUrl = rasaUrl + '/webhooks/rest/session';
      this.onStatus = onStatus;  // ({state: 'sending'|'retrying'|'ok'|'offline', attempt, seconds})
      this.session = session;  // {read() → {conversation_id, session_token}|null, write(s), changed(s)}
      this.wake = null;
      this.generation = 0;
    }

    /* A session for this conversation: the one held, or a new conversation's. `renew`: the held
     * token was refused as expired, so ask for a fresh one for the same conversation. */
    async ensureSession(renew, identityToken) {
      const held = this.session.read();
      if (held && !renew && identityToken === undefined) return held;
      const body = {};
      if (held) body.session_token = held.session_token;
      if (identityToken !== undefined) body.identity_token = identityToken;
      else if (!held) body.identity_token = this.session.identity();
      const response = await this.request(this.sessionUrl, body, '');
      if (response.status === 401 && held) {
        // Too old to renew: a new conversation (the page keeps what was shown).
        this.session.write(null);
        return this.ensureSession(false, identityToken);
      }
      if (response.status >= 400 && response.status < 500) throw new Rejected('HTTP ' + response.status);
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const issued = await response.json();
      this.session.write(issued);
      this.session.changed(issued);
      return issued;
    }

    /* Retry now instead of waiting out the backoff (the person pressed 重试, or went online). */
    retryNow() { if (this.wake) this.wake(); }

    /* Stop any retry loop: a new conversation should not deliver the old one's message. */
    cancel() { this.generation += 1; this.retryNow(); }

    async send(message) {
      const generation = this.generation;
      // One id for this message, the same on every retry: when the server took it but its reply
      // was lost on the way, it answers the retry with that reply instead of taking it twice.
      const body = Object.assign({ message_id: messageId() }, message);
      for (let attempt = 0; ; attempt += 1) {
        this.onStatus({ state: 'sending', attempt: attempt });
        try {
          const messages = await this.post(body);
          this.onStatus({ state: 'ok' });
          return messages;
        } catch (error) {
          if (error instanceof Rejected) { this.onStatus({ state: 'ok' }); throw error; }
          if (generation !== this.generation) throw new Cancelled();
          if (attempt >= BACKOFF_MS.length) { this.onStatus({ state: 'offline' }); throw new Unreachable(); }
          const delay = BACKOFF_MS[attempt];
          this.onStatus({ state: 'retrying', attempt: attempt + 1, seconds: Math.round(delay / 1000) });
          await this.sleep(delay);
          if (generation !== this.generation) throw new Cancelled();
        }
      }
    }

    sleep(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        const self = this;
        function done() { clearTimeout(timer); if (self.wake === done) self.wake = null; resolve(); }
        this.wake = done;
      });
    }

    async post(body) {
      let session = await this.ensureSession(false);
      let response = await this.request(this.url, Object.assign({}, body, { sender: session.conversation_id }),
        session.session_token);
      if (response.status === 401) {
        session = await this.ensureSession(true);
        response = await this.request(this.url, Object.assign({}, body, { sender: session.conversation_id }),
          session.session_token);
      }
      if (response.status >= 400 && response.status < 500) throw new Rejected('HTTP ' + response.status);
      if (!response.ok) throw new Error('HTTP ' + response.status);  // 5xx: restarting, retry
      const messages = await response.json();
      return Array.isArray(messages) ? messages : [];
    }

    async request(url, body, token) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
      const headers = { 'Content-Type': 'application/json' };
      if (token) headers.Authorization = 'Bearer ' + token;
      try {
        return await fetch(url, {
          method: 'POST', headers: headers, body: JSON.stringify(body), signal: abort.signal, credentials: 'omit',
        });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  W.parts.Transport = Transport;
  W.parts.errors = { Rejected: Rejected, Unreachable: Unreachable, Cancelled: Cancelled };
})(window.YJSWidget);
