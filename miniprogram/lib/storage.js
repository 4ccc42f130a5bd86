/* What survives a restart, in wx storage under one prefix; a failing storage never breaks a page. */
const PREFIX = 'yjs.';

function read(key, fallback) {
  try {
    const value = wx.getStorageSync(PREFIX + key);
    return value === '' || value === undefined || value === null ? fallback : value;
  } catch (e) {
    return fallback;
  }
}

function write(key, value) {
  try {
    wx.setStorageSync(PREFIX + key, value);
  } catch (e) {
    // Storage full or unavailable: the page keeps working, only persistence is lost.
  }
}

function remove(key) {
  try { wx.removeStorageSync(PREFIX + key); } catch (e) { /* nothing to keep */ }
}

module.exports = { read, write, remove };
