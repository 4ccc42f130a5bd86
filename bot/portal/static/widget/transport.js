/* The REST channel: POST one message, retry with backoff while the server is unreachable. */
(function (W) {
  'use strict';
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
  const TIMEOUT_MS = 60000;  // the first turn after a restart can take a while (model load)

  class Rejected extends Error {}
  class Unreachable extends Error {}
  class Cancelled extends Error {}

  class Transport {
    constructor(rasaUrl, onStatus) {
      this.url = rasaUrl + '/webhooks/rest/webhook';
      this.onStatus = onStatus;  // ({state: 'sending'|'retrying'|'ok'|'offline', attempt, seconds})
      this.wake = null;
      this.generation = 0;
    }

    /* Retry now instead of waiting out the backoff (the person pressed 重试, or went online). */
    retryNow() { if (this.wake) this.wake(); }

    /* Stop any retry loop: a new conversation should not deliver the old one's message. */
    cancel() { this.generation += 1; this.retryNow(); }

    async send(body) {
      const generation = this.generation;
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
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
      let response;
      try {
        response = await fetch(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal: abort.signal,
          credentials: 'omit',
        });
      } finally {
        clearTimeout(timer);
      }
      if (response.status >= 400 && response.status < 500) throw new Rejected('HTTP ' + response.status);
      if (!response.ok) throw new Error('HTTP ' + response.status);  // 5xx: restarting, retry
      const messages = await response.json();
      return Array.isArray(messages) ? messages : [];
    }
  }

  W.parts.Transport = Transport;
  W.parts.errors = { Rejected: Rejected, Unreachable: Unreachable, Cancelled: Cancelled };
})(window.YJSWidget);
