/* The demo portal page: the 服务超市 browse, the demo login, 长者模式 and the search box, all driving
 * the widget through window.YJSWidget. Page text lives in portal.html. */
(function () {
  'use strict';
  const $ = (selector) => document.querySelector(selector);
  const labels = {};
  const fmt = (key, values) => String(labels[key] || key).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const store = {
    get: (key) => { try { return window.localStorage.getItem('portal.' + key); } catch (e) { return null; } },
    set: (key, value) => { try { window.localStorage.setItem('portal.' + key, value); } catch (e) { /* private mode */ } },
  };

  function widget() { return window.YJSWidget; }

  function chooseBundle(id, name) {
    widget().send('/choose_bundle' + JSON.stringify({ bundle_id: id }), fmt('chosen', { name: name }));
  }

  function bundleCard(template, entry, summary) {
    const card = template.content.firstElementChild.cloneNode(true);
    card.querySelector('.bundle-name').textContent = entry.name;
    card.querySelector('.bundle-desc').textContent = entry.description || '';
    if (summary) {
      card.querySelector('.bundle-dept').textContent = fmt('lead', { name: summary.lead_department });
      card.querySelector('.bundle-items').textContent = fmt('items', { n: summary.items });
    }
    const start = card.querySelector('.start');
    start.setAttribute('aria-label', fmt('startLabel', { name: entry.name }));
    start.dataset.bundleId = entry.bundle_id;
    start.addEventListener('click', () => chooseBundle(entry.bundle_id, entry.name));
    return card;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function renderMarket(data) {
    const body = $('#market-body');
    const template = $('#bundle-card');
    const byId = {};
    (data.bundles || []).forEach((b) => { byId[b.bundle_id] = b; });
    body.textContent = '';
    (data.categories || []).forEach((audience) => {
      const section = el('section', 'audience');
      section.id = 'audience-' + audience.audience;
      section.appendChild(el('h3', 'audience-name', audience.name));
      (audience.categories || []).forEach((category) => {
        const block = el('div', 'category');
        block.appendChild(el('p', 'category-name', category.name));
        const grid = el('div', 'bundle-grid');
        (category.bundles || []).forEach((entry) => grid.appendChild(bundleCard(template, entry, byId[entry.bundle_id])));
        block.appendChild(grid);
        section.appendChild(block);
      });
      body.appendChild(section);
    });
  }

  async function loadMarket() {
    try {
      const response = await fetch('/api/v1/bundles');
      if (!response.ok) throw new Error('HTTP ' + response.status);
      renderMarket(await response.json());
    } catch (error) {
      $('#market-loading').hidden = true;
      $('#market-error').hidden = false;
    }
  }

  async function loadLogins() {
    const select = $('#demo-login');
    const saved = store.get('login') || '';
    try {
      const response = await fetch('/api/v1/demo-logins');
      const data = await response.json();
      (data.logins || []).forEach((login) => {
        const option = el('option', '', login.name);
        option.value = login.token;
        select.appendChild(option);
      });
    } catch (error) { /* the selector just stays anonymous */ }
    select.value = Array.prototype.some.call(select.options, (o) => o.value === saved) ? saved : '';
    widget().setIdentity(select.value);
    select.addEventListener('change', () => {
      store.set('login', select.value);
      widget().setIdentity(select.value);
    });
  }

  function elderMode() {
    const button = $('#elder-mode');
    const apply = (on) => {
      document.body.classList.toggle('elder', on);
      button.setAttribute('aria-pressed', String(on));
      store.set('elder', on ? '1' : '');
    };
    apply(store.get('elder') === '1');
    button.addEventListener('click', () => {
      const on = !document.body.classList.contains('elder');
      apply(on);
      widget().setLargeText(on);
    });
  }

  function askBox() {
    const input = $('#ask-input');
    $('#ask-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      // Clear the box only once the widget took the text (it sends one message at a time).
      Promise.resolve(widget().send(text)).then((taken) => { if (taken !== false) input.value = ''; });
    });
    document.querySelectorAll('[data-ask]').forEach((chip) => {
      chip.addEventListener('click', () => widget().send(chip.dataset.ask));
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#labels').content.querySelectorAll('[data-key]').forEach((node) => { labels[node.dataset.key] = node.textContent; });
    elderMode();
    askBox();
    loadLogins();
    loadMarket();
  });
})();
