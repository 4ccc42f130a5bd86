/* `question`: one questionnaire question with its progress, why it is asked, and a way to answer
 * for each kind (buttons, several boxes, a date picker, a number, or typed text). */
const S = require('../../strings');
const card = require('../../lib/card');
const { fmt } = require('../../lib/format');
const { payload } = require('../../lib/contract');

function progressOf(progress) {
  const answered = Math.max(0, Number(progress && progress.answered) || 0);
  const remaining = Math.max(0, Number(progress && progress.remaining_max) || 0);
  if (answered + remaining === 0) return null;
  return {
    percent: Math.round((answered / (answered + remaining)) * 100),
    caption: fmt(S.progress, { n: answered + 1, m: remaining }),
  };
}

Component({
  behaviors: [card],
  properties: {
    buttons: { type: Array, value: [] },  // the option buttons for single and yes/no questions
  },
  data: {
    S: S, progress: null, whyOpen: false, options: [], date: '', number: '', unitLine: '', multiError: false,
  },
  methods: {
    build(custom) {
      const c = custom || {};
      this.setData({
        progress: progressOf(c.progress),
        options: (Array.isArray(c.options) ? c.options : []).map((o) => ({ label: o.label, checked: false })),
        unitLine: c.unit ? S.unitPrefix + c.unit : '',
      });
    },
    answer(value, shownAs) {
      this.triggerEvent('send', { payload: payload('answer', { question_id: this.data.custom.question_id, value: value }), shownAs: shownAs });
    },
    onSend(event) { this.triggerEvent('send', event.detail); },
    toggleWhy() { this.setData({ whyOpen: !this.data.whyOpen }); },
    onChecks(event) {
      const chosen = (event.detail.value || []).map(Number);
      this.setData({ options: this.data.options.map((o, i) => ({ label: o.label, checked: chosen.indexOf(i) >= 0 })), multiError: false });
    },
    confirmMulti() {
      const options = this.data.custom.options || [];
      const chosen = options.filter((o, i) => this.data.options[i] && this.data.options[i].checked);
      if (!chosen.length) { this.setData({ multiError: true }); return; }
      this.answer(chosen.map((o) => o.value), chosen.map((o) => o.label).join(S.listSeparator));
    },
    onDate(event) { this.setData({ date: event.detail.value }); },
    confirmDate() { if (this.data.date) this.answer(this.data.date, this.data.date); },
    onNumber(event) { this.setData({ number: String(event.detail.value || '') }); },
    confirmNumber() {
      const value = this.data.number.trim();
      if (value) this.answer(value, value + (this.data.custom.unit || ''));
    },
  },
});
