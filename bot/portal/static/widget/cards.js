/* One renderer per message-contract type (docs/message-contract.md); all content set as text. */
(function (W) {
  'use strict';
  const dom = W.parts.dom;
  const h = dom.h;
  const fmt = dom.fmt;
  const S = W.parts.strings;
  // For these cards the message text is a plain-text copy of the card: keep its first line only.
  const TEXT_IS_COPY = { bundle: true, materials_notice: true, form: true, application: true };
  // What the person brings is one group, counted once (the summary's `after`); 容缺 and 告知承诺
  // are marks on its items, not groups of their own.
  const GROUP_OF = { required: 'bring', deferrable: 'bring', commitment: 'bring', exempt: 'exempt', produced: 'produced' };
  const GROUP_ORDER = ['bring', 'exempt', 'produced'];
  const CHECKABLE = { bring: true };

  function payload(intent, entities) {
    return '/' + intent + (entities ? JSON.stringify(entities) : '');
  }

  function isButton(b) {
    return b && typeof b.title === 'string' && typeof b.payload === 'string';
  }

  function card(type, label, children, attrs) {
    return h('section', { class: 'yjs-card yjs-card-' + type,
      attrs: Object.assign({ 'aria-label': label }, attrs || {}) }, children);
  }

  /* A long card that folds: its summary line stays visible (chat.js folds it when the turn goes on). */
  function fold(summary, children) {
    return h('details', { class: 'yjs-fold', attrs: { open: true } }, [
      h('summary', { class: 'yjs-fold-summary', text: summary })].concat(children));
  }

  function buttonRow(buttons, ctx, extraClass) {
    return h('div', { class: 'yjs-buttons ' + (extraClass || '') },
      buttons.map((b) => dom.button(b.title, () => ctx.send(b.payload, b.title))));
  }

  function isRating(buttons) {
    return buttons.length > 1 && buttons.every((b) => /^\/rate\{/.test(b.payload));
  }

  function ratingOf(b) {
    try { return Number(JSON.parse(b.payload.slice('/rate'.length)).rating) || 0; } catch (e) { return 0; }
  }

  /* Five stars, 1 to 5 from the left; hovering a star lights it and those before it (CSS :has). */
  function rating(buttons, ctx) {
    const sorted = buttons.slice().sort((a, b) => ratingOf(a) - ratingOf(b));
    const stars = sorted.map((b) => {
      const n = ratingOf(b);
      return dom.button('★', () => ctx.send(b.payload, fmt(S.ratingStar, { n: n })), {
        class: 'yjs-star', attrs: { 'aria-label': fmt(S.ratingStar, { n: n }) } });
    });
    return h('div', { class: 'yjs-rating' }, [
      h('div', { class: 'yjs-stars', attrs: { role: 'group', 'aria-label': S.ratingTitle } }, stars),
      h('p', { class: 'yjs-muted', text: S.ratingHint }),
    ]);
  }

  function progressBar(progress) {
    const answered = Math.max(0, Number(progress && progress.answered) || 0);
    const remaining = Math.max(0, Number(progress && progress.remaining_max) || 0);
    if (answered + remaining === 0) return null;
    const caption = fmt(S.progress, { n: answered + 1, m: remaining });
    return h('div', { class: 'yjs-progress' }, [
      h('progress', { attrs: { value: answered, max: answered + remaining, 'aria-label': caption } }),
      h('span', { class: 'yjs-muted', text: caption }),
    ]);
  }

  /* An input plus 确定, for answers that are not a fixed option (date, number, field edits). */
  function inlineEntry(input, onSubmit, label) {
    const submit = () => { if (String(input.value).trim()) onSubmit(String(input.value).trim()); };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) { event.preventDefault(); submit(); }
    });
    return h('div', { class: 'yjs-entry' }, [input, dom.button(label || S.confirm, submit, { class: 'yjs-primary' })]);
  }

  function question(c, buttons, ctx) {
    const options = Array.isArray(c.options) ? c.options : [];
    const children = [h('p', { class: 'yjs-card-title', text: c.text || '' }), progressBar(c.progress)];
    if (c.why) {
      children.push(h('details', { class: 'yjs-why' }, [
        h('summary', { text: S.whyLabel }), h('p', { text: c.why })]));
    }
    let rest = buttons;
    if (c.kind === 'single' || c.kind === 'yesno') {
      // The message's own buttons carry the payloads; build them only if the server sent none.
      const own = buttons.length >= options.length && options.length ? buttons : options.map((o) => ({
        title: o.label, payload: payload('answer', { question_id: c.question_id, value: o.value }) }));
      rest = own === buttons ? [] : buttons;
      children.push(buttonRow(own, ctx, 'yjs-options'));
    } else if (c.kind === 'multi') {
      const boxes = options.map((o) => h('input', { attrs: { type: 'checkbox', value: o.label } }));
      children.push(h('p', { class: 'yjs-muted', text: S.multiHint }));
      children.push(h('div', { class: 'yjs-checks' }, options.map((o, i) =>
        h('label', { class: 'yjs-check' }, [boxes[i], h('span', { text: o.label })]))));
      children.push(dom.button(S.confirm, () => {
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        if (chosen.length) ctx.send(chosen.join('、'), chosen.join('、'));
      }, { class: 'yjs-primary' }));
    } else if (c.kind === 'date' || c.kind === 'number') {
      const input = h('input', { class: 'yjs-input', attrs: {
        type: c.kind, 'aria-label': c.text, inputmode: c.kind === 'number' ? 'decimal' : null } });
      children.push(inlineEntry(input, (value) => ctx.send(
        payload('answer', { question_id: c.question_id, value: value }), value + (c.unit || ''))));
      if (c.unit) children.push(h('p', { class: 'yjs-muted', text: S.unitPrefix + c.unit }));
    } else {
      children.push(h('p', { class: 'yjs-muted', text: S.textHint }));
    }
    return { node: card('question', c.text || '', children, { 'data-question-id': c.question_id }), rest: rest };
  }

  function bundleChoice(c, buttons, ctx) {
    const candidates = Array.isArray(c.candidates) ? c.candidates : [];
    // With buttons, the server chose the wording (是/否, 都不是…); without, offer the candidates.
    const own = buttons.length ? buttons : candidates.map((x) => ({
      title: x.name, payload: payload('choose_bundle', { bundle_id: x.bundle_id }) }));
    return { node: card('choice', S.choiceTitle, [buttonRow(own, ctx, 'yjs-options yjs-stack')]), rest: [] };
  }

  function summaryLines(s) {
    if (!s) return [];
    return [
      h('p', { class: 'yjs-summary', text: fmt(S.summaryFacts, {
        trips: s.trips_label || '', mode: s.handling_mode_label || '', days: s.time_limit_days }) }),
    ];
  }

  function fact(label, value) {
    if (value === null || value === undefined || value === '') return null;
    return h('div', { class: 'yjs-fact' }, [h('dt', { text: label }), h('dd', { text: value })]);
  }

  function days(n) {
    if (n === null || n === undefined) return '';
    return Number(n) ? fmt(S.daysValue, { n: n }) : S.sameDay;
  }

  function fee(item) {
    if (item.fee_note) return item.fee_note;
    return Number(item.fee) ? fmt(S.feeValue, { n: item.fee }) : S.feeFree;
  }

  /* Where to go in person: one trip per place, whatever number of items are done there. */
  function sitesList(s) {
    const sites = s && Array.isArray(s.sites) ? s.sites : [];
    if (!sites.length) return [];
    return [
      h('p', { class: 'yjs-group-title', text: S.sitesTitle }),
      h('ul', { class: 'yjs-sites' }, sites.map((site) => h('li', { class: 'yjs-site' }, [
        h('p', { class: 'yjs-item-name', text: site.name }),
        h('dl', { class: 'yjs-facts' }, [
          fact(S.siteAddress, site.address),
          fact(S.siteHours, site.hours),
          fact(S.siteItems, Array.isArray(site.item_names) ? site.item_names.join('、') : ''),
        ]),
      ]))),
    ];
  }

  function bundle(c, buttons, ctx) {
    ctx.store.rememberBundle(c);
    const items = Array.isArray(c.items) ? c.items : [];
    return { rest: buttons, node: card('bundle', c.name || '', [
      h('p', { class: 'yjs-card-title', text: c.name || '' }),
    ].concat(summaryLines(c.summary), sitesList(c.summary), [
      h('p', { class: 'yjs-muted', text: fmt(S.bundleItems, { n: items.length }) }),
      h('ol', { class: 'yjs-items' }, items.map((i) => h('li', {}, [
        h('p', { class: 'yjs-item-name', text: i.name }),
        h('dl', { class: 'yjs-facts' }, [
          fact(S.itemDepartment, i.department),
          fact(S.itemWindow, i.window),
          fact(S.itemMode, i.handling_mode_label),
          fact(S.itemTrips, fmt(S.tripsValue, { n: i.trips })),
          fact(S.itemDays, days(i.promised_days)),
          fact(S.itemFee, fee(i)),
        ]),
      ]))),
    ])) };
  }

  /* "父母双方的居民身份证" when several people each bring their own (the server words it). */
  function materialName(m) {
    return m.name_label || m.name;
  }

  function materialDetail(m) {
    const form = m.copies_label || fmt(S.copies, { kind: m.original ? S.original : S.copy, n: m.copies || 1 });
    const bits = [];
    if (m.status === 'deferrable' || m.status === 'commitment') bits.push(S.groups[m.status]);
    if (m.status === 'exempt') bits.push(fmt(S.coveredBy, { name: m.covered_by_name || m.covered_by || '' }));
    else if (m.status === 'produced') bits.push(fmt(S.producedBy, { name: m.produced_by_name || m.produced_by || '' }));
    else bits.push(form);
    if (Array.isArray(m.used_by_names) && m.used_by_names.length) bits.push(fmt(S.usedBy, { names: m.used_by_names.join('、') }));
    return bits.concat(Array.isArray(m.notes) ? m.notes : []);
  }

  function materialRow(m, status, c, ctx) {
    const detail = h('p', { class: 'yjs-muted', text: materialDetail(m).join('；') });
    if (!CHECKABLE[status]) {
      return h('li', { class: 'yjs-material' }, [h('span', { class: 'yjs-material-name', text: materialName(m) }), detail]);
    }
    const key = c.bundle_id + ':' + m.material_id;
    const box = h('input', { attrs: { type: 'checkbox', 'aria-label': fmt(S.checkLabel, { name: materialName(m) }) },
      on: { change: (event) => ctx.store.setChecked(key, event.target.checked) } });
    box.checked = ctx.store.isChecked(key);
    return h('li', { class: 'yjs-material' }, [
      h('label', { class: 'yjs-check' }, [box, h('span', { class: 'yjs-material-name', text: materialName(m) })]), detail]);
  }

  /* A link to the printable notice whose data (the receipt, once filed) is read when it is used. */
  function noticeLink(text, notice, ctx) {
    const link = h('a', { class: 'yjs-link', text: text, attrs: {
      href: ctx.noticeHref(notice), target: '_blank', rel: 'noopener' } });
    const refresh = () => { link.href = ctx.noticeHref(notice); };
    ['pointerdown', 'focus', 'click', 'contextmenu'].forEach((name) => link.addEventListener(name, refresh));
    return link;
  }

  function materialsNotice(c, buttons, ctx) {
    ctx.store.rememberNotice(c);
    const materials = Array.isArray(c.materials) ? c.materials : [];
    const s = c.summary || {};
    const groupOf = (m) => GROUP_OF[m.status] || m.status;
    const bring = materials.filter((m) => groupOf(m) === 'bring').length;
    const children = [];
    if (c.complete === false) children.push(h('p', { class: 'yjs-warning', text: S.incomplete }));
    const depends = Array.isArray(c.depends) ? c.depends.filter((d) => typeof d === 'string') : [];
    if (depends.length) {
      children.push(h('div', { class: 'yjs-warning yjs-depends' }, [
        h('p', { class: 'yjs-group-title', text: S.dependsTitle }),
        h('ul', { class: 'yjs-materials' }, depends.map((d) => h('li', { text: d }))),
      ]));
    }
    children.push(h('p', { class: 'yjs-summary', text: fmt(S.summaryLine, {
      before: s.before, after: bring, exempt: s.exempt, produced: s.produced }) }));
    children.push.apply(children, summaryLines(c.summary));
    const known = GROUP_ORDER.concat(materials.map(groupOf).filter((x) => GROUP_ORDER.indexOf(x) < 0));
    known.filter((group, i) => known.indexOf(group) === i).forEach((group) => {
      const members = materials.filter((m) => groupOf(m) === group);
      if (!members.length) return;
      const title = S.groups[group] || members[0].status_label || group;
      children.push(h('div', { class: 'yjs-group yjs-group-' + group }, [
        h('p', { class: 'yjs-group-title', text: title + '（' + members.length + '）' }),
        h('ul', { class: 'yjs-materials' }, members.map((m) => materialRow(m, group, c, ctx))),
      ]));
    });
    children.push(noticeLink(S.noticePrint, c, ctx));
    const label = fmt(S.noticeLabel, { n: bring });
    return { node: card('notice', label, [fold(label, children)]), rest: buttons };
  }

  function formField(f, ctx) {
    const value = f.value === null || f.value === undefined || f.value === '' ? S.formEmpty : String(f.value);
    const source = f.source ? (f.source_label || f.source) : S.sourceNone;
    const row = h('li', { class: 'yjs-field' + (f.source ? '' : ' yjs-field-missing') });
    const edit = dom.button(S.formEdit, () => {
      edit.hidden = true;
      const editor = fieldEditor(f, ctx, () => { editor.remove(); edit.hidden = false; edit.focus(); });
      row.appendChild(editor);
      editor.querySelector('input, select').focus();
    }, { class: 'yjs-small yjs-edit', attrs: { 'aria-label': fmt(S.formEditLabel, { label: f.label }) } });
    row.appendChild(h('div', { class: 'yjs-field-main' }, [
      h('div', { class: 'yjs-field-head' }, [
        h('span', { class: 'yjs-field-label', text: f.label }),
        f.required ? h('span', { class: 'yjs-badge yjs-badge-required', text: S.formRequired }) : null,
        h('span', { class: 'yjs-badge yjs-source-' + (f.source || 'none'), text: source }),
      ]),
      h('p', { class: 'yjs-field-value', text: value }),
    ]));
    row.appendChild(edit);
    return row;
  }

  function fieldEditor(f, ctx, close) {
    const options = Array.isArray(f.options) ? f.options : [];
    let input;
    if (options.length) {
      input = h('select', { class: 'yjs-input', attrs: { 'aria-label': f.label } },
        options.map((o) => h('option', { text: o, attrs: { value: o } })));
    } else {
      const type = f.type === 'date' ? 'date' : (f.type === 'phone' ? 'tel' : 'text');
      // Masked values (370102********1234) are hints, not something to edit character by character.
      input = h('input', { class: 'yjs-input', attrs: { type: type, 'aria-label': f.label,
        placeholder: f.value || f.hint || '' } });
    }
    const save = (value) => ctx.send(payload('correct_field', { field_id: f.field_id, value: value }),
      fmt(S.formSaid, { label: f.label, value: value }));
    return h('div', { class: 'yjs-field-editor' }, [
      inlineEntry(input, save, S.formSave),
      dom.button(S.formCancel, close, { class: 'yjs-small' }),
    ]);
  }

  function form(c, buttons, ctx) {
    const fields = Array.isArray(c.fields) ? c.fields : [];
    const prefilled = fields.filter((f) => f.source && f.source !== 'applicant').length;
    const ratio = Math.round((Number(c.prefill_ratio) || 0) * 100);
    const label = fmt(S.formLabel, { n: fields.length });
    return { rest: buttons, node: card('form', label, [fold(label, [
      // "已预填" only when something was.
      h('p', { class: 'yjs-muted', text: prefilled ? fmt(S.formRatio, { p: ratio }) : S.formNothingPrefilled }),
      h('ul', { class: 'yjs-fields' }, fields.map((f) => formField(f, ctx))),
    ])]) };
  }

  function application(c, buttons, ctx) {
    const steps = Array.isArray(c.next_steps) ? c.next_steps : [];
    ctx.store.rememberReceipt(c);
    const filed = ctx.store.receipt(c.bundle_id);
    return { rest: buttons, node: card('receipt', S.receiptTitle, [
      h('p', { class: 'yjs-card-title', text: S.receiptTitle }),
      h('dl', { class: 'yjs-facts' }, [
        fact(S.receiptNo, c.receipt_no),
        fact(S.receiptStatusLabel, S.receiptStatus[c.status] || c.status),
      ]),
      steps.length ? h('p', { class: 'yjs-group-title', text: S.nextSteps }) : null,
      steps.length ? h('ol', { class: 'yjs-steps' }, steps.map((s) => h('li', { text: s }))) : null,
      filed && filed.notice ? noticeLink(S.noticePrintReceipt, filed.notice, ctx) : null,
    ]) };
  }

  function handoff(c, buttons) {
    return W.parts.handoff.card(c, buttons);  // handoff.js: queue place, call back, who joined
  }

  const RENDERERS = {
    question: question, bundle_choice: bundleChoice, bundle: bundle, materials_notice: materialsNotice,
    form: form, application: application, handoff: handoff,
  };

  /* One bot message: its text, its card (if the type is known) and the buttons the card left. */
  function botMessage(msg, ctx) {
    const custom = msg.custom && typeof msg.custom === 'object' ? msg.custom : null;
    const type = custom && RENDERERS.hasOwnProperty(custom.type) ? custom.type : null;
    let buttons = Array.isArray(msg.buttons) ? msg.buttons.filter(isButton) : [];
    let text = typeof msg.text === 'string' ? msg.text : '';
    if (type === 'question' && text.trim() === String(custom.text || '').trim()) text = '';
    if (type && TEXT_IS_COPY[type]) text = text.split('\n')[0];
    const parts = [h('span', { class: 'yjs-sr', text: S.bot + '：' })];
    if (text) parts.push(h('p', { class: 'yjs-text', text: text }));
    if (type) {
      const rendered = RENDERERS[type](custom, buttons, ctx);
      parts.push(rendered.node);
      buttons = rendered.rest;
    }
    if (buttons.length) parts.push(isRating(buttons) ? rating(buttons, ctx) : buttonRow(buttons, ctx));
    return parts.length > 1 ? h('div', { class: 'yjs-msg yjs-bot' }, parts) : null;
  }

  W.parts.cards = { botMessage: botMessage, buttonRow: buttonRow };
})(window.YJSWidget);
