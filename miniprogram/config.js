/* Where this mini-program finds its backend: the one place to change per deployment (README.md). */
module.exports = {
  // One origin serving /api/v1/* and /webhooks/rest/webhook. In production an HTTPS domain listed
  // under 开发管理 → 服务器域名 → request合法域名 in the mini-program console.
  apiBase: 'http://127.0.0.1:8000',
  // wx.request allows at most 60 s; a bot turn normally takes well under a second.
  requestTimeoutMs: 30000,
  // Waits before each automatic retry after a timeout or no answer; then the offline state.
  retryDelaysMs: [1000, 3000, 6000],
  // Bot and user messages kept on the phone so the conversation survives a restart.
  historyLimit: 200,
  // WeChat's 关怀模式 body size (小程序适老化设计指南): at or above it we switch 关怀模式 on by default.
  careFontSizePx: 23.8,
};
