/* The wx APIs the mini-program calls, faked for jest: in-memory storage, wx.login codes, and
 * wx.request answered by handlers a test installs (a backend speaking our documented contract). */
const config = require('../../config');

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function createWx() {
  const fake = {
    storage: new Map(),
    requests: [],        // every wx.request: {method, path, data, header}
    handlers: [],        // (request) => response | undefined; response {statusCode, data} or {fail: errMsg}
    loginCount: 0,
    loginFails: false,
    fontSizeSetting: 17,
    calls: [],           // navigation, clipboard, toasts: [name, options]
    clipboard: null,
    networkListeners: [],
  };

  function later(fn) { setTimeout(fn, 0); }

  function ok(name, options, extra) {
    fake.calls.push([name, options]);
    later(() => {
      const res = Object.assign({ errMsg: name + ':ok' }, extra || {});
      if (options && options.success) options.success(res);
      if (options && options.complete) options.complete(res);
    });
    return Promise.resolve({ errMsg: name + ':ok' });
  }

  fake.wx = {
    getStorageSync: (key) => (fake.storage.has(key) ? clone(fake.storage.get(key)) : ''),
    setStorageSync: (key, value) => { fake.storage.set(key, clone(value)); },
    removeStorageSync: (key) => { fake.storage.delete(key); },
    getAppBaseInfo: () => ({ fontSizeSetting: fake.fontSizeSetting, fontSizeScaleFactor: fake.fontSizeSetting / 17 }),
    login(options) {
      fake.loginCount += 1;
      later(() => {
        if (fake.loginFails) options.fail({ errMsg: 'login:fail' });
        else options.success({ errMsg: 'login:ok', code: 'wx-code-' + fake.loginCount });
      });
    },
    request(options) {
      const base = config.apiBase.replace(/\/+$/, '');
      const request = {
        method: options.method || 'GET',
        path: options.url.indexOf(base) === 0 ? options.url.slice(base.length) : options.url,
        data: clone(options.data),
        header: clone(options.header) || {},
      };
      fake.requests.push(request);
      later(() => {
        let response;
        for (const handler of fake.handlers) {
          response = handler(request);
          if (response) break;
        }
        if (!response) response = { fail: 'request:fail no route to ' + request.path };
        if (response.fail) {
          if (options.fail) options.fail({ errMsg: response.fail });
        } else if (options.success) {
          options.success({ statusCode: response.statusCode || 200, data: clone(response.data), header: {} });
        }
        if (options.complete) options.complete({});
      });
      return { abort() {} };
    },
    setClipboardData(options) { fake.clipboard = options.data; return ok('setClipboardData', options); },
    showToast: (options) => ok('showToast', options),
    navigateTo: (options) => ok('navigateTo', options),
    switchTab: (options) => ok('switchTab', options),
    showShareMenu: (options) => ok('showShareMenu', options),
    stopPullDownRefresh: (options) => ok('stopPullDownRefresh', options),
    onNetworkStatusChange(listener) { fake.networkListeners.push(listener); },
  };

  fake.answer = (handler) => { fake.handlers.push(handler); };
  fake.reset = () => {
    fake.storage.clear();
    fake.requests.length = 0;
    fake.handlers.length = 0;
    fake.calls.length = 0;
    fake.networkListeners.length = 0;
    fake.loginCount = 0;
    fake.loginFails = false;
    fake.fontSizeSetting = 17;
    fake.clipboard = null;
  };
  fake.named = (name) => fake.calls.filter((c) => c[0] === name).map((c) => c[1]);
  return fake;
}

module.exports = { createWx };
