/* Try again after a timeout or no answer, with the waits in config.retryDelaysMs; the person may
 * cut a wait short (重试, or the network came back). */
const config = require('../config');

class Retrier {
  constructor(onStatus) {
    this.onStatus = onStatus || (() => {});  // ({state: 'sending'|'retrying'|'ok'|'failed', attempt, seconds, error})
    this.wake = null;
  }

  retryNow() { if (this.wake) this.wake(); }

  get waiting() { return !!this.wake; }

  async run(attempt) {
    const delays = config.retryDelaysMs;
    for (let n = 0; ; n += 1) {
      this.onStatus({ state: 'sending', attempt: n });
      try {
        const result = await attempt();
        this.onStatus({ state: 'ok' });
        return result;
      } catch (error) {
        if (!error || !error.transient || n >= delays.length) {
          this.onStatus({ state: 'failed', error: error });
          throw error;
        }
        this.onStatus({ state: 'retrying', attempt: n + 1, seconds: Math.max(1, Math.round(delays[n] / 1000)) });
        await this.sleep(delays[n]);
      }
    }
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); this.wake = null; resolve(); };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

module.exports = { Retrier };
