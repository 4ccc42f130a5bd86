/* DOM helpers that only ever set text: no bot or user string is parsed as HTML. */
(function (W) {
  'use strict';

  /* h('button', {class: 'a b', text: '…', attrs: {type: 'button'}, on: {click: fn}}, [children]) */
  function h(tag, props, children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.class) node.className = p.class;
    if (p.text !== undefined && p.text !== null) node.textContent = String(p.text);
    Object.keys(p.attrs || {}).forEach((name) => {
      const value = p.attrs[name];
      if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
    });
    Object.keys(p.on || {}).forEach((event) => node.addEventListener(event, p.on[event]));
    (children || []).forEach((child) => {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* fmt('第 {n} 步', {n: 2}) */
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function button(label, onClick, props) {
    const p = props || {};
    return h('button', {
      class: 'yjs-btn ' + (p.class || ''),
      text: label,
      attrs: Object.assign({ type: 'button' }, p.attrs || {}),
      on: { click: onClick },
    });
  }

  W.parts.dom = { h: h, fmt: fmt, button: button };
})(window.YJSWidget);
