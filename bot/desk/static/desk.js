/* The desk page: the queue and the agent's conversations (polled about once a second, which is
 * also the agent's heartbeat), one open conversation (polled twice a second), the 工单 list and the
 * supervisor's board. */
(function () {
  'use strict';
  const S = window.DeskStrings;
  const api = window.DeskApi;
  const { h, fmt, btn } = window.DeskContext;
  const OVERVIEW_MS = 1000;
  const CONVERSATION_MS = 500;
  const staffMeta = document.querySelector('meta[name="desk-staff"]');
  const me = { id: staffMeta.content, role: staffMeta.dataset.role, name: staffMeta.dataset.name };
  window.DeskRole = me.role;
  const $ = (id) => document.getElementById(id);

  let config = {};
  let open = null;  // {id, after, key, view}
  let tab = 'work';

  function duration(seconds) {
    const n = Math.max(0, Math.round(seconds));
    return n < 60 ? fmt(S.seconds, { n: n }) : fmt(S.minutes, { n: Math.floor(n / 60), s: n % 60 });
  }

  function tell(text, warn) {
    const box = $('notice');
    box.textContent = text;
    box.classList.toggle('warn', !!warn);
    box.hidden = !text;
  }

  function explain(error) {
    const detail = error.detail || {};
    return fmt(S.errors[error.code] || S.errors.failed, detail);
  }

  async function run(action, doneText) {
    try {
      const result = await action();
      tell(doneText || '', false);
      return result;
    } catch (error) {
      tell(explain(error), true);
      return null;
    }
  }

  // -- the queue and my conversations --------------------------------------------------------

  function rowNode(r, waiting) {
    const who = r.caller ? fmt(S.caller, { phone: r.caller.phone || '', name: r.caller.name || '' })
      : (S.channels[r.channel] || r.channel);
    const facts = [waiting ? fmt(S.position, { n: r.position }) : fmt(S.held, { t: duration(r.held_s || 0) }),
      waiting ? fmt(S.waited, { t: duration(r.waiting_s) }) : null, who].filter(Boolean).join(' · ');
    const answers = (r.answers || []).map((a) => a.question + '：' + a.value).join('；');
    const item = h('li', { class: 'row' + (r.left ? ' gone' : '') + (open && open.id === r.conversation_id ? ' current' : ''),
      attrs: { 'data-conversation-id': r.conversation_id } }, [
      h('p', { class: 'row-head', text: facts }),
      h('p', { class: 'row-need', text: r.need || S.noNeed }),
      h('p', { class: 'muted', text: [r.bundle, S.stages[r.stage], fmt(S.answered, { n: r.answered })].filter(Boolean).join(' · ') }),
      answers ? h('p', { class: 'muted small', text: answers }) : null,
      r.left ? h('span', { class: 'badge warn', text: S.left }) : null,
      h('div', { class: 'row-actions' }, [
        waiting ? btn(S.take, () => take(r.conversation_id), 'primary small', { 'aria-label': S.take + ' ' + (r.need || '') }) : null,
        btn(S.open, () => openConversation(r.conversation_id), 'small'),
      ]),
    ]);
    return item;
  }

  function fill(list, rows, waiting) {
    list.textContent = '';
    rows.forEach((r) => list.appendChild(rowNode(r, waiting)));
  }

  async function refreshOverview() {
    const o = await api.get('/overview');
    $('me').textContent = fmt(S.me, { name: o.me.name, id: o.me.staff_id, role: S.roles[o.me.role] || o.me.role })
      + ' · ' + o.me.holding + '/' + o.me.capacity;
    if (document.activeElement !== $('presence')) $('presence').value = o.me.presence === 'away' ? 'away' : 'online';
    $('queue-count').textContent = String(o.queue.length);
    $('mine-count').textContent = String(o.mine.length);
    fill($('queue'), o.queue, true);
    fill($('mine'), o.mine, false);
  }

  async function take(id) {
    const done = await run(() => api.post('/conversations/' + encodeURIComponent(id) + '/take'));
    await openConversation(id);
    if (done) refreshOverview().catch(() => {});
  }

  // -- one conversation ----------------------------------------------------------------------

  async function openConversation(id) {
    open = { id: id, after: 0, key: '', view: null };
    $('transcript').textContent = '';
    $('talk-empty').hidden = true;
    $('talk').hidden = false;
    await refreshConversation();
  }

  function lineNode(line) {
    const data = line.data || {};
    const buttons = (data.buttons || []).map((b) => b.title).join(' / ');
    const custom = data.custom && data.custom.type ? '［' + data.custom.type + '］' : '';
    return h('li', { class: 'line line-' + line.speaker, attrs: { 'data-line-id': String(line.id) } }, [
      h('span', { class: 'speaker', text: S.speakers[line.speaker] || line.speaker }),
      h('span', { class: 'text', text: (line.text || '') + (custom && !line.text ? custom : '') }),
      buttons ? h('span', { class: 'muted small', text: ' ［' + buttons + '］' }) : null,
    ]);
  }

  async function refreshConversation() {
    if (!open) return;
    const id = open.id;
    const view = await api.get('/conversations/' + encodeURIComponent(id) + '?after=' + open.after + '&key=' + open.key);
    if (!open || open.id !== id) return;
    const list = $('transcript');
    view.lines.forEach((line) => list.appendChild(lineNode(line)));
    if (view.lines.length) {
      open.after = view.lines[view.lines.length - 1].id;
      list.scrollTop = list.scrollHeight;
    }
    const handoff = view.handoff || {};
    const waiting = handoff.state === 'waiting';
    $('talk-who').textContent = handoff.caller ? fmt(S.caller, handoff.caller) : (S.channels[view.channel] || view.channel);
    $('talk-state').textContent = view.mine ? S.mineBadge : waiting ? S.waitingBadge
      : view.holder ? fmt(S.heldBy, { id: view.holder }) : (S.handoffStates[handoff.state] || S.observing);
    $('talk-left').hidden = !view.left;
    $('btn-take').hidden = !waiting;
    $('btn-give-back').hidden = !(view.mine && handoff.kind === 'citizen');
    $('btn-close').hidden = !(view.mine && handoff.kind === 'guided');
    $('composer').hidden = !(view.mine && handoff.kind === 'citizen');
    if (view.context) {
      open.key = view.context_key;
      open.view = view;
      window.DeskContext.render($('context'), view, config, actions);
      renderNotes(view.notes || []);
    } else if (open.view && open.view.mine !== view.mine) {
      open.key = '';  // who holds it changed: the panel's buttons change with it
    }
  }

  function renderNotes(notes) {
    const list = $('notes');
    list.textContent = '';
    notes.forEach((n) => list.appendChild(h('li', { text: n.staff_id + '：' + n.text })));
  }

  const actions = {
    act: (body) => run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/act', body)).then(refreshSoon),
    reveal: async (what) => {
      const found = await run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/reveal', { what: what }));
      return found ? found.value : null;
    },
    notice: async (phone) => {
      const sent = await run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/notice-sms', phone ? { phone: phone } : {}));
      if (sent) tell(sent.status === 'sent' ? fmt(S.smsDone, { phone: sent.phone }) : S.failed + '：' + (sent.error || ''), sent.status !== 'sent');
      refreshSoon(true);
    },
    submit: async (method) => {
      if (!method) { tell(S.errors.bad_consent_method, true); return; }
      const done = await run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/submit', { consent_method: method }));
      if (done && done.application) tell(fmt(S.submitted, { no: done.application.receipt_no || '' }), false);
      refreshSoon(true);
    },
    rate: async (stars, comment) => {
      const done = await run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/rating', { stars: stars, comment: comment }));
      if (done && done.revisit) tell(fmt(S.revisitOpened, { no: done.revisit.ticket_no, due: new Date(done.revisit.due_at * 1000).toLocaleString() }), false);
      else if (done) tell(S.ok, false);
      refreshSoon(true);
    },
  };

  function refreshSoon(force) {
    if (open && force) open.key = '';
    refreshConversation().catch(() => {});
  }

  // -- tickets and the supervisor's board ----------------------------------------------------

  async function refreshTickets() {
    const state = $('ticket-filter').value;
    const found = await api.get('/tickets?state=' + encodeURIComponent(state));
    const rows = $('ticket-rows');
    rows.textContent = '';
    found.tickets.forEach((t) => {
      const kinds = config.ticket_kinds || S.ticketKindsFallback;
      rows.appendChild(h('tr', { class: t.overdue ? 'overdue' : '' }, [
        h('td', { text: t.ticket_no }), h('td', { text: kinds[t.kind] || t.kind }), h('td', { text: t.subject + (t.result ? ' → ' + t.result : '') }),
        h('td', { text: t.phone || '' }), h('td', { text: t.owner_id || '' }),
        h('td', { text: new Date(t.due_at * 1000).toLocaleString() + (t.overdue ? ' ' + S.overdue : '') }),
        h('td', { text: S.ticketStates[t.state] || t.state }),
        h('td', {}, t.state === 'open' ? [
          btn(S.ticketTake, () => run(() => api.post('/tickets/' + t.id + '/take')).then(refreshTickets), 'small'),
          btn(S.ticketNote, () => { const text = window.prompt(S.ticketNotePrompt); if (text) run(() => api.post('/tickets/' + t.id + '/notes', { text: text })).then(refreshTickets); }, 'small'),
          btn(S.ticketClose, () => { const result = window.prompt(S.ticketResult); if (result !== null) run(() => api.post('/tickets/' + t.id + '/close', { result: result })).then(refreshTickets); }, 'small'),
        ] : []),
      ]));
    });
  }

  async function refreshSupervisor() {
    const f = await api.get('/stats');
    const figures = $('figures');
    figures.textContent = '';
    const shown = {
      waiting_now: String(f.waiting_now), longest_wait_s: duration(f.longest_wait_s),
      answered_share: f.answered_share === null ? '—' : Math.round(f.answered_share * 100) + '%（' + f.answered_within + '/' + f.answered_counted + '）',
      handled_today: String(f.handled_today), overdue: String(f.overdue_tickets.length),
    };
    Object.keys(shown).forEach((k) => { figures.appendChild(h('dt', { text: S.figures[k] })); figures.appendChild(h('dd', { text: shown[k], attrs: { 'data-figure': k } })); });
    const ratings = $('rating-rows');
    ratings.textContent = '';
    f.ratings.forEach((r) => ratings.appendChild(h('tr', {}, [h('td', { text: r.level + '（' + r.stars + '）' }), h('td', { text: String(r.count) })])));
    const overdue = $('overdue');
    overdue.textContent = '';
    f.overdue_tickets.forEach((t) => overdue.appendChild(h('li', { text: t.ticket_no + ' ' + t.subject })));
    const people = $('staff-rows');
    people.textContent = '';
    f.staff.forEach((p) => people.appendChild(h('tr', {}, [h('td', { text: p.staff_id }), h('td', { text: p.name }),
      h('td', { text: p.online ? S[p.presence] || p.presence : S.offline }), h('td', { text: p.holding + '/' + p.capacity })])));
    const audit = await api.get('/audit?limit=50');
    const rows = $('audit-rows');
    rows.textContent = '';
    audit.entries.forEach((e) => rows.appendChild(h('tr', {}, [h('td', { text: new Date(e.at * 1000).toLocaleString() }),
      h('td', { text: e.staff_id || '' }), h('td', { text: e.action }), h('td', { text: e.conversation_id || '' }),
      h('td', { text: JSON.stringify(e.detail) })])));
  }

  // -- wiring --------------------------------------------------------------------------------

  function showTab(name) {
    tab = name;
    document.querySelectorAll('[role=tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
    ['work', 'tickets', 'supervisor'].forEach((t) => { $('tab-' + t).hidden = t !== name; });
    if (name === 'tickets') run(refreshTickets);
    if (name === 'supervisor') run(refreshSupervisor);
  }

  function loop(work, ms) {
    const tick = async () => {
      try { await work(); } catch (error) { if (error.code === 'network') tell(S.errors.network, true); }
      setTimeout(tick, ms);
    };
    tick();
  }

  async function start() {
    if (me.role !== 'supervisor') document.querySelectorAll('.supervisor-only').forEach((n) => { n.hidden = true; });
    config = await api.get('/config');
    (config.canned || []).forEach((c) => $('canned').appendChild(h('option', { text: c.title, attrs: { value: c.id } })));
    Object.keys(config.ticket_kinds || {}).filter((k) => k !== 'revisit').forEach((k) =>
      $('ticket-kind').appendChild(h('option', { text: config.ticket_kinds[k], attrs: { value: k } })));
    document.querySelectorAll('[role=tab]').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));
    $('presence').addEventListener('change', () => run(() => api.post('/presence', { presence: $('presence').value })));
    $('take-next').addEventListener('click', async () => {
      const next = await run(() => api.post('/next'));
      if (next) await openConversation(next.conversation_id);
    });
    $('btn-take').addEventListener('click', () => open && take(open.id));
    $('btn-give-back').addEventListener('click', () => open && run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/give-back')).then(() => refreshSoon(true)));
    $('btn-close').addEventListener('click', () => open && run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/close')).then(() => refreshSoon(true)));
    $('canned').addEventListener('change', () => {
      const id = $('canned').value;
      $('canned').value = '';
      if (id && open) run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/messages', { canned_id: id }));
    });
    $('composer').addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = $('composer-text').value.trim();
      if (!text || !open) return;
      const sent = await run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/messages', { text: text }));
      if (sent) $('composer-text').value = '';
    });
    $('note-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = $('note-text').value.trim();
      if (!text || !open) return;
      if (await run(() => api.post('/conversations/' + encodeURIComponent(open.id) + '/notes', { text: text }))) {
        $('note-text').value = '';
        refreshSoon(true);
      }
    });
    $('guided').addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const started = await run(() => api.post('/guided', { phone: form.phone.value, name: form.name.value }));
      if (started) { form.reset(); await openConversation(started.conversation_id); }
    });
    $('ticket-filter').addEventListener('change', () => run(refreshTickets));
    $('ticket-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const made = await run(() => api.post('/tickets', { kind: form.kind.value, subject: form.subject.value,
        phone: form.phone.value, due_hours: form.due_hours.value, conversation_id: open ? open.id : '' }));
      if (made) { form.reset(); tell(fmt(S.ticketOpened, { no: made.ticket_no }), false); refreshTickets(); }
    });
    loop(refreshOverview, OVERVIEW_MS);
    loop(refreshConversation, CONVERSATION_MS);
    loop(async () => { if (tab === 'supervisor') await refreshSupervisor(); }, 5000);
  }

  start().catch((error) => tell(explain(error), true));
})();
