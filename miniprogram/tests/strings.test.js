/* Every sentence the mini-program shows itself is in strings.js (like the widget's strings.js). */
const fs = require('fs');
const path = require('path');
const S = require('../strings');
const { ROOT } = require('./support/render');

const HAN = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

function sourceFiles() {
  const out = [];
  const walk = (dir) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).forEach((entry) => {
    const rel = dir ? dir + '/' + entry.name : entry.name;
    if (entry.isDirectory()) { if (!['node_modules', 'tests', 'scripts'].includes(entry.name)) walk(rel); }
    else out.push(rel);
  });
  walk('');
  return out;
}

function values(object) {
  return Object.values(object).reduce((all, v) => all.concat(typeof v === 'string' ? [v] : values(v)), []);
}

const files = sourceFiles();
const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/* What a person could see: the file without its comments (which may explain in Chinese terms). */
function shown(file) {
  return read(file).replace(/\/\*[\s\S]*?\*\//g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

test('no Chinese text in code, templates or styles outside strings.js', () => {
  const offenders = files.filter((f) => /\.(js|wxml|wxss|wxs)$/.test(f) && f !== 'strings.js').filter((f) => HAN.test(shown(f)));
  expect(offenders).toEqual([]);
});

test('the Chinese in app.json and the page configs is the same as in strings.js', () => {
  const known = values(S);
  const found = [];
  files.filter((f) => f.endsWith('.json') && !/^(project\.config|package(-lock)?)\.json$/.test(f)).forEach((f) => {
    JSON.stringify(JSON.parse(read(f)), (key, value) => {
      if (typeof value === 'string' && HAN.test(value) && key !== 'desc') found.push([f, value]);
      return value;
    });
  });
  expect(found.length).toBeGreaterThan(0);
  expect(found.filter((pair) => !known.includes(pair[1]))).toEqual([]);
});

test('every entry of strings.js is used', () => {
  const code = files.filter((f) => /\.(js|wxml)$/.test(f) && f !== 'strings.js').map(read).join('\n');
  const configs = files.filter((f) => f.endsWith('.json')).map(read).join('\n');
  const unused = Object.keys(S).filter((key) => !new RegExp('\\bS\\.' + key + '\\b').test(code) &&
    !values({ k: S[key] }).every((v) => configs.includes(v)));
  expect(unused).toEqual([]);
});
