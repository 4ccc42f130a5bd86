/* The desk's calls to its API: same origin, the session cookie, the CSRF token on every POST. */
(function () {
  'use strict';
  const csrf = document.querySelector('meta[name="desk-csrf"]').content;

  class DeskError extends Error {
    constructor(code, detail, status) { super(code); this.code = code; this.detail = detail || {}; this.status = status; }
  }

  async function call(method, path, data) {
    let response;
    try {
      response = await fetch('/desk/api' + path, {
        method: method,
        credentials: 'same-origin',
        headers: method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: method === 'GET' ? undefined : JSON.stringify(data || {}),
      });
    } catch (e) {
      throw new DeskError('network', {}, 0);
    }
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (response.status === 401) { window.location.assign('/desk/login'); throw new DeskError('not_signed_in', {}, 401); }
    if (!response.ok) throw new DeskError(body.error || 'failed', body, response.status);
    return body;
  }

  window.DeskApi = {
    get: (path) => call('GET', path),
    post: (path, data) => call('POST', path, data),
    DeskError: DeskError,
  };
})();
