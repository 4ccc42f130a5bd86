/* wx.request as a promise against config.apiBase; failures become ApiError kinds. */
const config = require('../config');
const { ApiError } = require('./errors');

function request(options) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBase.replace(/\/+$/, '') + options.path,
      method: options.method || 'GET',
      data: options.data,
      header: Object.assign({ 'Content-Type': 'application/json' }, options.header || {}),
      timeout: config.requestTimeoutMs,
      dataType: 'json',
      success: (res) => resolve({ status: res.statusCode, data: res.data }),
      fail: (err) => {
        const message = String((err && err.errMsg) || '');
        reject(new ApiError(/timeout/i.test(message) ? 'timeout' : 'network', message));
      },
    });
  });
}

/* A 2xx answer's body, or the ApiError a page can explain. */
function expectOk(response) {
  if (response.status >= 200 && response.status < 300) return response.data;
  if (response.status === 401) throw new ApiError('expired', 'HTTP 401');
  if (response.status >= 400 && response.status < 500) throw new ApiError('rejected', 'HTTP ' + response.status);
  throw new ApiError('server', 'HTTP ' + response.status);
}

module.exports = { request, expectOk };
