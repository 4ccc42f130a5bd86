/* 关怀模式 / 适老化 (WeChat's 小程序适老化设计指南): text follows the WeChat font size, 关怀模式 is at
 * least WeChat's own 关怀模式 size with big tap targets and strong contrast, and nothing needs more
 * than the smallest phone width (320 px). */
const fs = require('fs');
const path = require('path');
const theme = require('../lib/theme');
const session = require('../lib/session');
const { Backend } = require('./support/backend');
const { render, settle, ROOT } = require('./support/render');

beforeEach(() => {
  wxFake.reset();
  session.reset();
});

function vars(style) {
  const out = {};
  style.split(';').forEach((pair) => { const [k, v] = pair.split(':'); out[k] = parseFloat(v); });
  return out;
}

test('at the standard WeChat font size, 关怀模式 is off and text is the standard 17 px', () => {
  expect([theme.isCare(), vars(theme.style(false))['--fs-body'], vars(theme.style(false))['--tap']]).toEqual([false, 17, 44]);
});

test('a larger WeChat font makes the text larger', () => {
  wxFake.fontSizeSetting = 21;
  expect([theme.isCare(), vars(theme.style(false))['--fs-body']]).toEqual([false, 21]);
});

test("at WeChat's 关怀模式 font size, 关怀模式 turns on by itself with big text and tap targets", () => {
  wxFake.fontSizeSetting = 23.8;
  const v = vars(theme.style(theme.isCare()));
  expect(theme.isCare()).toBe(true);
  expect(v['--fs-body']).toBeGreaterThanOrEqual(23.8);
  expect(v['--fs-small']).toBeGreaterThanOrEqual(20);
  expect(v['--tap']).toBeGreaterThanOrEqual(48);
});

test("the person's own choice wins over the automatic one, and holds on every page", async () => {
  new Backend(wxFake);
  wxFake.fontSizeSetting = 23.8;
  const chat = render('pages/chat/index');
  chat.instance.onLoad({});
  await settle();
  expect(chat.instance.data.care).toBe(true);
  chat.querySelector('.care-toggle').dispatchEvent('tap');
  await settle();
  const catalogue = render('pages/catalogue/index');
  catalogue.instance.onLoad({});
  await settle(10);
  expect([chat.instance.data.care, catalogue.instance.data.care, theme.isCare()]).toEqual([false, false, false]);
  catalogue.querySelector('.care-toggle').dispatchEvent('tap');
  await settle();
  expect(vars(catalogue.instance.data.themeStyle)['--fs-body']).toBeGreaterThanOrEqual(24);
});

test('关怀模式 colours are near black on white (contrast of at least 7:1)', () => {
  const css = fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8');
  const care = css.slice(css.indexOf('.theme.care'));
  const colour = (name) => care.match(new RegExp(name + ':\\s*(#[0-9a-fA-F]{6})'))[1];
  const luminance = (hex) => {
    const c = [1, 3, 5].map((i) => parseInt(hex.substr(i, 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4)));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const contrast = (a, b) => (Math.max(luminance(a), luminance(b)) + 0.05) / (Math.min(luminance(a), luminance(b)) + 0.05);
  ['--fg', '--fg-muted', '--accent'].forEach((name) => expect([name, contrast(colour(name), colour('--bg')) >= 7]).toEqual([name, true]));
});

describe('every style sheet', () => {
  const sheets = [];
  const walk = (dir) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).forEach((entry) => {
    const rel = dir ? dir + '/' + entry.name : entry.name;
    if (entry.isDirectory()) { if (!['node_modules', 'tests', 'scripts'].includes(entry.name)) walk(rel); }
    else if (rel.endsWith('.wxss')) sheets.push([rel, fs.readFileSync(path.join(ROOT, rel), 'utf8')]);
  });
  walk('');

  test.each(sheets)('%s sizes text from the theme, never in rpx (which shrinks on narrow phones)', (file, css) => {
    const sizes = css.match(/font-size:\s*[^;]+/g) || [];
    expect(sizes.filter((s) => !/var\(--fs-(body|small|title)/.test(s))).toEqual([]);
  });

  test.each(sheets)('%s needs no more than 320 px of width and does not stop text wrapping', (file, css) => {
    const widths = (css.match(/(?:^|[\s;{])(?:min-)?width:\s*(\d+)px/g) || []).map((w) => parseInt(w.match(/(\d+)px/)[1], 10));
    expect([file, widths.filter((w) => w > 160), /white-space:\s*nowrap/.test(css)]).toEqual([file, [], false]);
  });
});
