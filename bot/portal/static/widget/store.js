/* What survives a reload: the conversation's session, the rendered messages, the draft and preferences. */
(function (W) {
  'use strict';
  const MAX_ENTRIES = 300;

  class Store {
    constructor(prefix) {
      this.prefix = prefix + '.';
      this.memory = {};  // used when localStorage is unavailable (private mode, blocked cookies)
    }

    read(key, fallback) {
      let raw;
      try { raw = window.localStorage.getItem(this.prefix + key); } catch (e) { raw = this.memory[key]; }
      if (raw === null || raw === undefined) return fallback;
      try { return JSON.parse(raw); } catch (e) { return fallback; }
    }

    write(key, value) {
      const raw = JSON.stringify(value);
      try { window.localStorage.setItem(this.prefix + key, raw); } catch (e) { this.memory[key] = raw; }
    }

    /* {conversation_id, session_token, expires_at} from the server, or null before the first message. */
    get session() { return this.read('session', null); }

    set session(value) { this.write('session', value); }

    /* Another tab of this site wrote `key` (the browser tells every other tab). */
    changedElsewhere(event, key) { return event.key === this.prefix + key; }

    get sender() { return (this.session || {}).conversation_id || ''; }

    history() { return this.read('history', []); }

    append(entries) {
      const all = this.history().concat(entries);
      this.write('history', all.slice(-MAX_ENTRIES));
    }

    newConversation() {
      this.write('session', null);
      this.write('history', []);
      this.write('pushedAfter', 0);
      this.write('checked', {});
      this.write('bundles', {});
      this.write('notices', {});
      this.write('receipts', {});
    }

    /* The last bundle summary per bundle id, so the printable notice can name items. */
    rememberBundle(custom) {
      const bundles = this.read('bundles', {});
      bundles[custom.bundle_id] = custom;
      this.write('bundles', bundles);
    }

    bundle(bundleId) { return this.read('bundles', {})[bundleId] || null; }

    /* The last materials notice per bundle: a receipt belongs to the notice it was filed with. */
    rememberNotice(custom) {
      const notices = this.read('notices', {});
      notices[custom.bundle_id] = custom;
      this.write('notices', notices);
    }

    notice(bundleId) { return this.read('notices', {})[bundleId] || null; }

    /* {application: {receipt_no, status, bundle_id}, notice: the notice it was filed with}. */
    rememberReceipt(custom) {
      if (!custom.bundle_id || !custom.receipt_no) return;
      const receipts = this.read('receipts', {});
      receipts[custom.bundle_id] = {
        application: { receipt_no: custom.receipt_no, status: custom.status, bundle_id: custom.bundle_id },
        notice: this.notice(custom.bundle_id),
      };
      this.write('receipts', receipts);
    }

    /* The receipt filed with exactly this notice, else null (a later notice starts a new application). */
    receiptFor(notice) {
      const entry = this.read('receipts', {})[notice.bundle_id];
      return entry && JSON.stringify(entry.notice) === JSON.stringify(notice) ? entry.application : null;
    }

    receipt(bundleId) { return this.read('receipts', {})[bundleId] || null; }

    isChecked(key) { return !!this.read('checked', {})[key]; }

    setChecked(key, on) {
      const checked = this.read('checked', {});
      if (on) checked[key] = true; else delete checked[key];
      this.write('checked', checked);
    }
  }

  W.parts.Store = Store;
})(window.YJSWidget);
