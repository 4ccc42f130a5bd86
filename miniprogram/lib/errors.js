/* Why a call to the backend failed, in the few kinds the pages explain to a person. */
const KINDS = {
  timeout: 'no answer in time',
  network: 'no network, or the server cannot be reached',
  server: 'the server answered 5xx or something that is not the contract',
  expired: 'the session was refused even after logging in again',
  login: 'wx.login or our login endpoint failed',
  rejected: 'the server refused this request (4xx)',
};

class ApiError extends Error {
  constructor(kind, detail) {
    super(kind + (detail ? ': ' + detail : ''));
    this.kind = KINDS[kind] ? kind : 'server';
  }

  /* Worth trying again by itself: the request may simply not have arrived. */
  get transient() {
    return this.kind === 'timeout' || this.kind === 'network';
  }
}

/* The status-line kind a page shows for an error (strings.status[...]). */
function statusKind(error) {
  if (!(error instanceof ApiError)) return 'server';
  if (error.transient) return 'offline';
  return error.kind === 'login' ? 'expired' : error.kind;
}

module.exports = { ApiError, statusKind };
