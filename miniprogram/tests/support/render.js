/* Loading and rendering the mini-program's components and Component-built pages in jsdom. */
const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.resolve(__dirname, '..', '..');

// Under jest a component's file runs once per test file (jest keeps its own module cache), so
// each path is loaded once and rendered as often as needed.
const loaded = {};

function render(relativePath, properties) {
  if (!loaded[relativePath]) loaded[relativePath] = simulate.load(path.join(ROOT, relativePath), { rootPath: ROOT, compiler: 'simulate' });
  const id = loaded[relativePath];
  const comp = simulate.render(id, properties || {});
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/* Let wx callbacks (setTimeout 0) and the promise chains after them run. */
async function settle(rounds) {
  for (let i = 0; i < (rounds || 6); i += 1) await simulate.sleep(0);
}

/* Wait until `check()` is truthy (a page's async work finished), or fail with `what`. */
async function until(check, what) {
  for (let i = 0; i < 400; i += 1) {
    if (check()) return;
    await simulate.sleep(0);
  }
  throw new Error('timed out waiting for ' + what);
}

/* The attributes a template gave a node (built-in components keep them off the DOM). */
function attrs(comp) {
  const out = {};
  (comp.toJSON().attrs || []).forEach((a) => { out[a.name] = a.value; });
  return out;
}

function text(comp) { return comp.dom.textContent.replace(/\s+/g, ' '); }

/* Elements in the rendered DOM by the un-prefixed class a component gave them. */
function nodes(comp, component, className) {
  return Array.from(comp.dom.querySelectorAll('.' + component + '--' + className));
}

module.exports = { ROOT, render, settle, until, text, nodes, attrs, simulate };
