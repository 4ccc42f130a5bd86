/* 关怀模式 and the WeChat font size (小程序适老化设计指南): text follows the size the person set in
 * WeChat; 关怀模式 raises it to at least WeChat's own 关怀模式 size, with stronger contrast and
 * bigger tap targets. It starts on by itself when WeChat's font is already that large. */
const config = require('../config');
const storage = require('./storage');

const STANDARD_PX = 17;

function wechatFontPx() {
  try {
    const info = typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
    const px = Number(info && info.fontSizeSetting);
    return px > 0 ? px : STANDARD_PX;
  } catch (e) {
    return STANDARD_PX;
  }
}

function isCare() {
  const chosen = storage.read('care', null);
  if (chosen === true || chosen === false) return chosen;
  return wechatFontPx() >= config.careFontSizePx - 0.05;
}

function setCare(on) { storage.write('care', !!on); }

/* The CSS variables for a page's root view; colours switch with the `care` class (app.wxss). */
function style(care) {
  const base = Math.min(30, Math.max(16, wechatFontPx()));
  const body = care ? Math.max(24, base) : base;
  const vars = {
    '--fs-body': body,
    '--fs-small': care ? Math.max(20, body - 2) : Math.max(14, body - 2),
    '--fs-title': body + (care ? 4 : 2),
    '--tap': care ? 56 : 44,
  };
  return Object.keys(vars).map((k) => k + ':' + Math.round(vars[k] * 10) / 10 + 'px').join(';');
}

/* What every page puts in its data: {care, themeStyle}. */
function pageTheme() {
  const care = isCare();
  return { care: care, themeStyle: style(care) };
}

module.exports = { isCare, setCare, style, pageTheme, wechatFontPx };
