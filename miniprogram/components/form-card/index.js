/* `form`: the one merged prefilled form; each value says where it came from, and any can be
 * changed (the change goes to the bot as a /correct_field payload). */
const S = require('../../strings');
const card = require('../../lib/card');
const { fmt } = require('../../lib/format');
const { payload } = require('../../lib/contract');

// WeChat's input types that bring up the right keyboard.
const INPUT_TYPES = { id_number: 'idcard', phone: 'number', number: 'digit' };

function fieldView(f) {
  const empty = f.value === null || f.value === undefined || f.value === '';
  return {
    id: f.field_id,
    label: f.label,
    value: empty ? S.formEmpty : String(f.value),
    missing: !f.source,
    required: !!f.required,
    source: f.source ? (f.source_label || f.source) : S.sourceNone,
    sourceClass: 'source-' + (f.source || 'none'),
    options: Array.isArray(f.options) ? f.options.map(String) : [],
    kind: Array.isArray(f.options) && f.options.length ? 'select' : (f.type === 'date' ? 'date' : 'text'),
    inputType: INPUT_TYPES[f.type] || 'text',
    // Masked values (370102********1234) are hints, not something to edit character by character.
    hint: f.value || f.hint || '',
  };
}

Component({
  behaviors: [card],
  data: { S: S, ratio: '', fields: [], editing: '', draft: '' },
  methods: {
    build(custom) {
      const c = custom || {};
      this.setData({
        ratio: fmt(S.formRatio, { p: Math.round((Number(c.prefill_ratio) || 0) * 100) }),
        fields: (Array.isArray(c.fields) ? c.fields : []).map(fieldView),
        editing: '',
        draft: '',
      });
    },
    edit(event) { this.setData({ editing: event.currentTarget.dataset.id, draft: '' }); },
    cancel() { this.setData({ editing: '', draft: '' }); },
    onInput(event) { this.setData({ draft: String(event.detail.value || '') }); },
    onPick(event) {
      const field = this.data.fields.find((f) => f.id === this.data.editing);
      const value = field && field.kind === 'select' ? field.options[Number(event.detail.value)] : event.detail.value;
      this.setData({ draft: value === undefined ? '' : String(value) });
    },
    save() {
      const field = this.data.fields.find((f) => f.id === this.data.editing);
      const value = this.data.draft.trim();
      if (!field || !value) return;
      this.triggerEvent('send', {
        payload: payload('correct_field', { field_id: field.id, value: value }),
        shownAs: fmt(S.formSaid, { label: field.label, value: value }),
      });
      this.setData({ editing: '', draft: '' });
    },
  },
});
