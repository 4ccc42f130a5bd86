/* 一件事智能导办 mini-program: signs in early so the first message does not wait for wx.login. */
const session = require('./lib/session');

App({
  onLaunch() {
    // A failure here is not shown: the chat signs in again when it sends, and explains failures then.
    session.ensure().catch(() => {});
  },
});
