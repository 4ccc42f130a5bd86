/* Renders the one-time notice from the data the widget put in the URL fragment (#…): the last
 * `bundle` and `materials_notice` messages, the `form` when there is one (the WeChat card,
 * bot/portal/wechat_cards.py, opens both) and the `application` (受理编号) once it was filed.
 * The service centre and the printing date come with the page itself (bot/portal/pages.py).
 * Everything is set as text. */
(function () {
  'use strict';
  const $ = (selector) => document.querySelector(selector);
  const L = {
    groups: {
      required: '需要提交的材料',
      deferrable: '容缺受理：可以先办理，之后补交',
      commitment: '告知承诺：签署承诺书即可代替',
      exempt: '免提交：政府已有电子证照，部门自行调取',
      produced: '过程材料：办理中由前一个事项产生，不用准备',
    },
    order: ['required', 'deferrable', 'commitment', 'exempt', 'produced'],
    columns: ['', '材料名称', '份数', '用于事项', '说明'],
    original: '原件', copy: '复印件', copies: '{kind}{n}份',
    coveredBy: '已调取“{name}”', producedBy: '由“{name}”产生',
    summary: {
      items: '需要办理的事项', after: '需要您提交的材料', before: '合并前的材料', exempt: '免提交材料',
      produced: '过程材料', trips: '跑动次数', mode: '办理方式', days: '预计办结时间',
    },
    count: '{n} 项', days: '{n} 个工作日', sameDay: '即办（当场办结）', legal: '（法定 {n} 个工作日）',
    tripsValue: '{n} 次', free: '免费', fee: '{n} 元',
    itemColumns: ['事项', '办理部门', '窗口 / 地址', '办理方式', '跑动次数', '办理时限', '费用'],
    siteColumns: ['地点', '地址', '开放时间', '在这里办'],
    formEmpty: '待填写',
  };
  const fmt = (template, values) => String(template).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function readData() {
    const raw = window.location.hash.slice(1);
    if (!raw) return null;
    try {
      const data = JSON.parse(decodeURIComponent(raw));
      if (!data || typeof data !== 'object') return null;
      const notice = data && data.notice && Array.isArray(data.notice.materials);
      const form = data && data.form && Array.isArray(data.form.fields);
      return notice || form ? data : null;
    } catch (error) {
      return null;
    }
  }

  /* The catalogue adds what the conversation does not carry: the bundle's name and legal time limits. */
  async function catalogueEntry(bundleId) {
    try {
      const response = await fetch('/api/v1/bundles/' + encodeURIComponent(bundleId));
      return response.ok ? await response.json() : null;
    } catch (error) {
      return null;
    }
  }

  function renderSummary(s, itemCount) {
    const list = $('#summary');
    const rows = [
      [L.summary.items, itemCount === null ? null : fmt(L.count, { n: itemCount })],
      [L.summary.after, fmt(L.count, { n: s.after })],
      [L.summary.before, fmt(L.count, { n: s.before })],
      [L.summary.exempt, fmt(L.count, { n: s.exempt })],
      [L.summary.produced, fmt(L.count, { n: s.produced })],
      [L.summary.trips, s.trips_label || fmt(L.tripsValue, { n: s.trips })],
      [L.summary.mode, s.handling_mode_label],
      [L.summary.days, s.time_limit_days === undefined ? null : fmt(L.days, { n: s.time_limit_days })],
    ];
    rows.filter((r) => r[1] !== null && r[1] !== undefined).forEach((r) => {
      list.appendChild(el('dt', r[0]));
      list.appendChild(el('dd', r[1]));
    });
    $('#summary-section').hidden = false;
  }

  /* Where to go in person, one trip each, with what is done there. */
  function renderSites(sites) {
    const body = $('#sites');
    sites.forEach((site) => {
      const cells = [site.name, site.address, site.hours, (site.item_names || site.items || []).join('、')];
      const row = el('tr');
      cells.forEach((value, i) => {
        const cell = el(i ? 'td' : 'th', value || '');
        if (!i) cell.setAttribute('scope', 'row');
        cell.setAttribute('data-label', L.siteColumns[i]);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    $('#sites-section').hidden = !sites.length;
  }

  function renderReceipt(application, bundleId) {
    if (!application || typeof application.receipt_no !== 'string' || !application.receipt_no) return;
    if (bundleId && application.bundle_id && application.bundle_id !== bundleId) return;
    $('#receipt-no').textContent = application.receipt_no;
    $('#receipt').hidden = false;
  }

  /* 长者模式: the portal's setting (same origin) or the widget's large text, carried in the link. */
  function elderMode(fromLink) {
    const button = $('#elder-mode');
    const read = () => { try { return window.localStorage.getItem('portal.elder') === '1'; } catch (e) { return false; } };
    const apply = (on, keep) => {
      document.body.classList.toggle('elder', on);
      button.setAttribute('aria-pressed', String(on));
      if (keep) { try { window.localStorage.setItem('portal.elder', on ? '1' : ''); } catch (e) { /* private mode */ } }
    };
    apply(read() || fromLink, false);
    button.addEventListener('click', () => apply(!document.body.classList.contains('elder'), true));
  }

  function renderItems(items, legalDays) {
    const body = $('#items');
    items.forEach((item) => {
      const fee = item.fee_note || (Number(item.fee) ? fmt(L.fee, { n: item.fee }) : L.free);
      const promised = item.promised_days;
      const days = promised === null || promised === undefined ? '' :
        (promised ? fmt(L.days, { n: promised }) : L.sameDay) +
        (legalDays[item.item_id] ? fmt(L.legal, { n: legalDays[item.item_id] }) : '');
      const cells = [item.name, item.department, item.window, item.handling_mode_label,
        item.trips === undefined ? '' : fmt(L.tripsValue, { n: item.trips }), days, fee];
      const row = el('tr');
      cells.forEach((value, i) => {
        const cell = el(i ? 'td' : 'th', value || '');
        if (!i) cell.setAttribute('scope', 'row');
        cell.setAttribute('data-label', L.itemColumns[i]);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    $('#items-section').hidden = !items.length;
  }

  function materialNote(m) {
    const notes = [];
    if (m.status === 'exempt') notes.push(fmt(L.coveredBy, { name: m.covered_by_name || m.covered_by || '' }));
    if (m.status === 'produced') notes.push(fmt(L.producedBy, { name: m.produced_by_name || m.produced_by || '' }));
    return notes.concat(Array.isArray(m.notes) ? m.notes : []).join('；');
  }

  function renderMaterials(materials) {
    const root = $('#materials');
    const statuses = L.order.concat(materials.map((m) => m.status).filter((s) => L.order.indexOf(s) < 0));
    statuses.filter((s, i) => statuses.indexOf(s) === i).forEach((status) => {
      const group = materials.filter((m) => m.status === status);
      if (!group.length) return;
      root.appendChild(el('h3', (L.groups[status] || group[0].status_label || status) + '（' + group.length + '）'));
      const table = el('table', null, 'materials');
      const head = el('tr');
      L.columns.forEach((c) => { const th = el('th', c); th.setAttribute('scope', 'col'); head.appendChild(th); });
      table.appendChild(el('thead')).appendChild(head);
      const body = table.appendChild(el('tbody'));
      group.forEach((m) => {
        const row = el('tr');
        const needed = status !== 'exempt' && status !== 'produced';
        const copies = m.copies_label || fmt(L.copies, { kind: m.original ? L.original : L.copy, n: m.copies || 1 });
        const cells = [el('td', needed ? '☐' : '—', 'box'), el('td', m.name_label || m.name),
          el('td', needed ? copies : '', 'count'), el('td', (m.used_by_names || []).join('、')), el('td', materialNote(m))];
        cells.forEach((cell, i) => { cell.setAttribute('data-label', L.columns[i]); row.appendChild(cell); });
        body.appendChild(row);
      });
      root.appendChild(table);
    });
    $('#materials-section').hidden = false;
  }

  function renderForm(form) {
    const body = $('#form-fields');
    form.fields.forEach((f) => {
      const row = el('tr');
      const label = el('th', f.label);
      label.setAttribute('scope', 'row');
      row.appendChild(label);
      row.appendChild(el('td', f.value === null || f.value === undefined || f.value === '' ? L.formEmpty : f.value));
      row.appendChild(el('td', f.source_label || ''));
      body.appendChild(row);
    });
    $('#form-section').hidden = false;
  }

  async function main() {
    $('#print').addEventListener('click', () => window.print());
    // A deployment without a centre phone leaves that row out rather than print an empty one.
    document.querySelectorAll('.centre dd').forEach((dd) => {
      if (dd.textContent.trim()) return;
      if (dd.previousElementSibling) dd.previousElementSibling.remove();
      dd.remove();
    });
    const data = readData();
    elderMode(!!(data && data.large === true));
    if (!data) { $('#empty').hidden = false; return; }
    if (data.form && Array.isArray(data.form.fields)) renderForm(data.form);
    const notice = data.notice && Array.isArray(data.notice.materials) ? data.notice : null;
    renderReceipt(data.application, notice && notice.bundle_id);
    if (!notice) return;
    const entry = await catalogueEntry(notice.bundle_id);
    const legalDays = {};
    ((entry && entry.items) || []).forEach((i) => { legalDays[i.item_id] = i.legal_days; });
    const bundle = data.bundle && data.bundle.bundle_id === notice.bundle_id ? data.bundle : null;
    const name = (bundle && bundle.name) || (entry && entry.name) || notice.bundle_id;
    $('#bundle-name').textContent = name;
    document.title = name + ' · ' + document.title;
    $('#incomplete').hidden = notice.complete !== false;
    // Without the conversation's bundle summary we do not know which conditional items apply.
    const items = bundle ? bundle.items || [] : [];
    renderSummary(notice.summary || {}, bundle ? items.length : null);
    renderSites(Array.isArray((notice.summary || {}).sites) ? notice.summary.sites : []);
    renderItems(items, legalDays);
    renderMaterials(notice.materials);
  }

  document.addEventListener('DOMContentLoaded', main);
})();
