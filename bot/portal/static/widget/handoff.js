/* 转人工 in the widget: the hand-off card (place in the queue, call back, who joined) and, while an
 * agent holds the conversation, the person's buttons disabled: the agent answers now, and a press
 * would not reach the questionnaire. Staff messages carry a speaker label. */
(function (W) {
  'use strict';
  const h = W.parts.dom.h;
  const fmt = W.parts.dom.fmt;
  const S = W.parts.strings;
  const CONTROLS = 'button, input, select';

  function card(c, buttons) {
    const state = typeof c.state === 'string' ? c.state : '';
    const title = S.handoffStates[state] || S.handoffTitle;
    const facts = [];
    if (state === 'waiting' && typeof c.ahead === 'number') {
      facts.push(fmt(S.handoffPlace, { ahead: c.ahead, minutes: c.wait_minutes || 1 }));
    }
    if (state === 'agent' && c.agent_no) facts.push(fmt(S.handoffAgent, { no: c.agent_no }));
    if (!state) facts.push(S.handoffBody);
    return { rest: buttons, node: h('section', { class: 'yjs-card yjs-card-handoff',
      attrs: { 'aria-label': title, 'data-state': state } },
    [h('p', { class: 'yjs-card-title', text: title })].concat(facts.map((t) => h('p', { text: t })))) };
  }

  function disable(node) {
    node.querySelectorAll(CONTROLS).forEach((control) => {
      control.disabled = true;
      control.setAttribute('aria-disabled', 'true');
      control.title = S.agentHolds;
    });
  }

  /* Follows the conversation message by message (a reload replays them in the same order). */
  class Holding {
    constructor() { this.agent = false; }

    reset() { this.agent = false; }

    shown(entry, node, log) {
      const msg = entry.msg || {};
      const c = msg.custom && typeof msg.custom === 'object' ? msg.custom : null;
      if (c && c.type === 'handoff' && typeof c.state === 'string') {
        this.agent = c.state === 'agent';
        if (this.agent) disable(log);
      }
      if (!node || entry.who !== 'bot') return;
      if (msg.speaker === 'agent') {
        node.classList.add('yjs-agent');
        node.insertBefore(h('p', { class: 'yjs-speaker', text: S.agentLabel }), node.firstChild);
      }
      if (this.agent) disable(node);
    }
  }

  W.parts.handoff = { card: card, Holding: Holding };
})(window.YJSWidget);
