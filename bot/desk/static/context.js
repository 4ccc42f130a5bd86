/* The right-hand panel: what the bot knows of the conversation (bundle, answers, the pending
 * question with the choices on offer, the notice, the form, the receipt) and what the agent can
 * do with it for the person. Everything is set as text. */
(function () {
  'use strict';
  const S = window.DeskStrings;

  function h(tag, props, children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.class) node.className = p.class;
    if (p.text !== undefined && p.text !== null) node.textContent = String(p.text);
    Object.keys(p.attrs || {}).forEach((k) => { if (p.attrs[k] !== null && p.attrs[k] !== undefined) node.setAttribute(k, p.attrs[k]); });
    Object.keys(p.on || {}).forEach((k) => node.addEventListener(k, p.on[k]));
    (children || []).forEach((c) => { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (all, k) => (values && k in values ? String(values[k]) : all));
  }

  function btn(label, onClick, cls, attrs) {
    return h('button', { class: cls || '', text: label, attrs: Object.assign({ type: 'button' }, attrs || {}), on: { click: onClick } });
  }

  function section(title, children, cls) {
    return h('section', { class: 'ctx ' + (cls || ''), attrs: { 'aria-label': title } }, [h('h3', { text: title })].concat(children));
  }

  /* render(container, view, config, actions): actions are async functions the desk provides. */
  function render(container, view, config, actions) {
    container.textContent = '';
    const c = view.context;
    if (!c) return;
    container.setAttribute('data-stage', c.stage || '');
    container.setAttribute('data-pending-field', c.pending_field || '');
    const canAct = view.mine;
    const parts = [];

    const bundleFacts = [h('p', { text: c.bundle || S.noNeed })];
    if (c.need) bundleFacts.push(h('p', { class: 'muted', text: S.need + '：' + c.need }));
    bundleFacts.push(h('p', { class: 'muted', text: S.stages[c.stage] || c.stage }));
    parts.push(section(S.bundle, bundleFacts, 'ctx-bundle'));

    const answers = (c.answers || []).map((a) => h('li', { attrs: { 'data-question-id': a.question_id } }, [
      h('span', { class: 'q', text: a.question }), h('span', { class: 'a', text: a.value }),
      canAct && a.source === 'answer' ? btn(S.change, () => actions.act({
        payload: '/change_answer' + JSON.stringify({ question_id: a.question_id }), shown_as: S.change + '：' + a.question }),
      'small', { 'aria-label': S.change + '“' + a.question + '”' }) : null,
    ]));
    parts.push(section(S.answers, answers.length ? [h('ul', { class: 'answers' }, answers)] : [h('p', { class: 'muted', text: S.noAnswers })], 'ctx-answers'));

    if (canAct && c.stage !== 'consent') parts.push(pending(c, actions));
    if (c.notice) parts.push(notice(c, view, canAct, actions));
    if (c.form) parts.push(form(c, view, canAct, actions));
    if (canAct && c.stage === 'consent') parts.push(submit(config, actions));
    if (c.application) parts.push(receipt(c.application));
    if (canAct) parts.push(rating(config, actions));
    if (view.sms && view.sms.length) {
      parts.push(section(S.smsSent, [h('ul', { class: 'sms' }, view.sms.map((m) => h('li', {}, [
        h('span', { class: 'badge', text: m.status === 'sent' ? S.sent : S.failed }), ' ', m.phone + '：' + m.text])))]));
    }
    if (view.tickets && view.tickets.length) {
      parts.push(section(S.ticketsHere, [h('ul', {}, view.tickets.map((t) => h('li', {
        text: t.ticket_no + ' ' + ((config.ticket_kinds || {})[t.kind] || t.kind) + ' ' + (S.ticketStates[t.state] || t.state) }))) ]));
    }
    parts.forEach((p) => container.appendChild(p));
  }

  function pending(c, actions) {
    const children = [];
    const q = c.pending_question;
    if (q) {
      children.push(h('p', { class: 'question', text: q.text }));
      if (q.why) children.push(h('p', { class: 'muted', text: S.why + '：' + q.why }));
    }
    const offered = (c.offered || []).filter((b) => b && b.payload);
    if (offered.length) {
      children.push(h('p', { class: 'muted', text: S.offered }));
      children.push(h('div', { class: 'choices' }, offered.map((b) => btn(b.title, () => actions.act({ payload: b.payload, shown_as: b.title }), 'choice'))));
    }
    const input = h('input', { attrs: { 'aria-label': S.actHint, placeholder: S.actHint, maxlength: '1000',
      type: q && (q.kind === 'date' || q.kind === 'number') ? q.kind : 'text' } });
    const go = () => { const v = String(input.value).trim(); if (v) actions.act({ text: v }).then(() => { input.value = ''; }); };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); go(); } });
    children.push(h('div', { class: 'inline' }, [input, btn(S.act, go, 'primary')]));
    return section(S.pending, children, 'ctx-pending');
  }

  function notice(c, view, canAct, actions) {
    const n = c.notice;
    const s = n.summary || {};
    const children = [h('p', { text: fmt(S.noticeCount, s) })];
    if (n.complete === false) children.push(h('p', { class: 'warn', text: S.noticeIncomplete }));
    children.push(h('ul', { class: 'materials' }, (n.materials || []).map((m) => h('li', {
      text: (m.name_label || m.name) + '（' + (m.status_label || m.status) + '）' }))));
    const data = { notice: n, bundle: c.summary };
    if (c.notice_application) data.application = c.notice_application;
    children.push(h('a', { text: S.printNotice, attrs: { href: '/notice#' + encodeURIComponent(JSON.stringify(data)),
      target: '_blank', rel: 'noopener' } }));
    if (canAct && n.complete !== false) {
      const phone = h('input', { attrs: { 'aria-label': S.smsTo, placeholder: S.smsTo, inputmode: 'tel', maxlength: '20' } });
      children.push(h('div', { class: 'inline' }, [phone, btn(S.smsNotice, () => actions.notice(phone.value.trim()), 'primary')]));
    }
    return section(S.notice, children, 'ctx-notice');
  }

  function form(c, view, canAct, actions) {
    const fields = (c.form.fields || []).map((f) => {
      const value = h('span', { class: 'a', text: f.value || S.formEmpty });
      const row = h('li', { attrs: { 'data-field-id': f.field_id } }, [h('span', { class: 'q', text: f.label }), value]);
      if (f.value && (view.mine || window.DeskRole === 'supervisor')) {
        row.appendChild(btn(S.reveal, () => actions.reveal('field:' + f.field_id).then((v) => { if (v) value.textContent = v; }),
          'small', { 'aria-label': S.reveal + '“' + f.label + '”' }));
      }
      if (canAct) {
        row.appendChild(btn(S.correct, () => {
          const input = (f.options || []).length
            ? h('select', { attrs: { 'aria-label': f.label } }, f.options.map((o) => h('option', { text: o, attrs: { value: o } })))
            : h('input', { attrs: { 'aria-label': f.label, maxlength: '200' } });
          const editor = h('div', { class: 'inline' }, [input,
            btn(S.save, () => actions.act({ payload: '/correct_field' + JSON.stringify({ field_id: f.field_id, value: String(input.value).trim() }),
              shown_as: f.label + '：' + String(input.value).trim() })),
            btn(S.cancel, () => editor.remove())]);
          row.appendChild(editor);
          input.focus();
        }, 'small', { 'aria-label': S.correct + '“' + f.label + '”' }));
      }
      return row;
    });
    return section(S.form, [h('ul', { class: 'fields' }, fields)], 'ctx-form');
  }

  function submit(config, actions) {
    const select = h('select', { attrs: { 'aria-label': S.consentMethod } },
      [h('option', { text: S.consentMethod + '…', attrs: { value: '' } })].concat(
        (config.consent_methods || []).map((m) => h('option', { text: m.label, attrs: { value: m.id } }))));
    return section(S.submitTitle, [h('div', { class: 'inline' }, [select,
      btn(S.submit, () => actions.submit(select.value), 'primary')])], 'ctx-submit');
  }

  function receipt(app) {
    return section(S.receipt, [h('p', { class: 'receipt-no', text: S.receiptNo + '：' + (app.receipt_no || '') }),
      h('p', { class: 'muted', text: app.status || '' })], 'ctx-receipt');
  }

  function rating(config, actions) {
    const select = h('select', { attrs: { 'aria-label': S.rating } },
      (config.rating_levels || []).map((l) => h('option', { text: l.label + '（' + l.stars + '）', attrs: { value: String(l.stars) } })));
    const comment = h('input', { attrs: { 'aria-label': S.ratingComment, placeholder: S.ratingComment, maxlength: '500' } });
    return section(S.rating, [h('div', { class: 'inline' }, [select, comment,
      btn(S.rate, () => actions.rate(Number(select.value), comment.value))])], 'ctx-rating');
  }

  window.DeskContext = { render: render, h: h, fmt: fmt, btn: btn };
})();
