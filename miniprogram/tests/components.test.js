/* Each card component renders each contract type from recorded real replies of our bot. */
const S = require('../strings');
const { fmt } = require('../lib/format');
const { messagesWithCustom, ratingMessages, allMessages } = require('./support/recording');
const { render, settle, text, nodes, attrs } = require('./support/render');

beforeEach(() => wxFake.reset());

async function message(msg, conversationId) {
  const comp = render('components/bot-message/index', { message: msg, conversationId: conversationId || 'conv-1' });
  await settle();
  return comp;
}

function sent(comp) {
  const got = [];
  comp.addEventListener('send', (event) => got.push(event.detail));
  return got;
}

const types = ['question', 'bundle_choice', 'bundle', 'materials_notice', 'form', 'application', 'handoff'];

test.each(types)('the recording has real %s messages to render', (type) => {
  expect(messagesWithCustom(type).length).toBeGreaterThan(0);
});

describe('question', () => {
  const questions = messagesWithCustom('question');

  test.each(questions.map((m) => [m.custom.question_id, m.custom.kind, m]))('%s (%s) shows its text, progress and a way to answer', async (id, kind, msg) => {
    const comp = await message(msg);
    const c = msg.custom;
    expect(comp.querySelectorAll('.card-question').length).toBe(1);
    expect(nodes(comp, 'question-card', 'title')[0].textContent).toBe(c.text);
    const caption = fmt(S.progress, { n: c.progress.answered + 1, m: c.progress.remaining_max });
    expect(text(comp)).toContain(caption);
    if (kind === 'single' || kind === 'yesno') {
      const titles = nodes(comp, 'button-row', 'choice').map((n) => n.textContent);
      expect(titles).toEqual(c.options.map((o) => o.label));
    } else if (kind === 'multi') {
      expect(nodes(comp, 'question-card', 'check-label').map((n) => n.textContent)).toEqual(c.options.map((o) => o.label));
    } else if (kind === 'date' || kind === 'number') {
      expect(comp.querySelectorAll('.card-question >>> .confirm').length).toBe(1);
    }
    // The question text is the card's title, not repeated as a bubble above it.
    expect(nodes(comp, 'main', 'text').length).toBe(0);
  });

  test('pressing an option sends its payload, shown as its label', async () => {
    const msg = questions.find((m) => m.custom.kind === 'single');
    const comp = await message(msg);
    const got = sent(comp);
    comp.querySelectorAll('.card-question >>> .choice')[1].dispatchEvent('tap');
    await settle();
    expect(got).toEqual([{ payload: msg.buttons[1].payload, shownAs: msg.buttons[1].title }]);
  });

  test('"why" opens the reason the question is asked', async () => {
    const msg = questions.find((m) => m.custom.why);
    const comp = await message(msg);
    expect(text(comp)).not.toContain(msg.custom.why);
    comp.querySelector('.card-question >>> .link').dispatchEvent('tap');
    await settle();
    expect(text(comp)).toContain(msg.custom.why);
  });

  test('a multi-choice question sends the ticked values as one list payload', async () => {
    const msg = questions.find((m) => m.custom.kind === 'multi');
    const comp = await message(msg);
    const got = sent(comp);
    const card = comp.querySelector('.card-question');
    card.querySelector('.checks').dispatchEvent('change', { detail: { value: ['0', '1'] } });
    await settle();
    card.querySelector('.confirm').dispatchEvent('tap');
    await settle();
    const [a, b] = msg.custom.options;
    expect(got).toEqual([{
      payload: '/answer' + JSON.stringify({ question_id: msg.custom.question_id, value: [a.value, b.value] }),
      shownAs: a.label + S.listSeparator + b.label,
    }]);
    // "None of these" stays a button; the one-option buttons are replaced by the boxes.
    const rest = nodes(comp, 'button-row', 'choice').map((n) => n.textContent);
    expect(rest).toEqual(msg.buttons.filter((x) => x.payload.indexOf('"value":[]') > 0).map((x) => x.title));
  });

  test('a multi-choice question with nothing ticked asks for a choice instead of sending', async () => {
    const msg = questions.find((m) => m.custom.kind === 'multi');
    const comp = await message(msg);
    const got = sent(comp);
    comp.querySelector('.card-question >>> .confirm').dispatchEvent('tap');
    await settle();
    expect([got.length, text(comp).includes(S.multiNone)]).toEqual([0, true]);
  });

  test('a date question sends the picked date as the answer', async () => {
    const msg = questions.find((m) => m.custom.kind === 'date');
    const comp = await message(msg);
    const got = sent(comp);
    const card = comp.querySelector('.card-question');
    card.querySelector('.confirm').dispatchEvent('tap');  // nothing picked yet: nothing sent
    card.querySelector('.date-picker').dispatchEvent('change', { detail: { value: '2026-11-10' } });
    await settle();
    card.querySelector('.confirm').dispatchEvent('tap');
    await settle();
    expect(got).toEqual([{ payload: '/answer{"question_id":"' + msg.custom.question_id + '","value":"2026-11-10"}', shownAs: '2026-11-10' }]);
  });

  test('a number question sends the typed number with its unit shown', async () => {
    const msg = questions.find((m) => m.custom.kind === 'number');
    const comp = await message(msg);
    const got = sent(comp);
    const card = comp.querySelector('.card-question');
    card.querySelector('.number').dispatchEvent('input', { detail: { value: '45' } });
    await settle();
    card.querySelector('.confirm').dispatchEvent('tap');
    await settle();
    expect(got).toEqual([{ payload: '/answer{"question_id":"' + msg.custom.question_id + '","value":"45"}', shownAs: '45' + (msg.custom.unit || '') }]);
  });
});

describe('bundle_choice', () => {
  test.each(messagesWithCustom('bundle_choice').map((m, i) => [i, m]))('choice %i offers every button as a choice', async (i, msg) => {
    const comp = await message(msg);
    expect(comp.querySelectorAll('.card-choice').length).toBe(1);
    expect(nodes(comp, 'button-row', 'choice').map((n) => n.textContent)).toEqual(msg.buttons.map((b) => b.title));
    const got = sent(comp);
    comp.querySelectorAll('.card-choice >>> .choice')[0].dispatchEvent('tap');
    await settle();
    expect(got[0].payload).toBe(msg.buttons[0].payload);
  });

  test('without buttons the candidates themselves are offered', async () => {
    const msg = Object.assign({}, messagesWithCustom('bundle_choice')[0], { buttons: undefined });
    const comp = await message(msg);
    expect(nodes(comp, 'button-row', 'choice').map((n) => n.textContent)).toEqual(msg.custom.candidates.map((c) => c.name));
  });
});

describe('bundle', () => {
  test.each(messagesWithCustom('bundle').map((m) => [m.custom.bundle_id, m]))('%s lists every item with its department and how many trips', async (id, msg) => {
    const comp = await message(msg);
    const shown = text(comp);
    expect(nodes(comp, 'bundle-card', 'item').length).toBe(msg.custom.items.length);
    msg.custom.items.forEach((item) => {
      expect(shown).toContain(item.name);
      expect(shown).toContain(item.department);
    });
    expect(shown).toContain(msg.custom.summary.trips_label);
    // The text beside the card is its first line only: the card carries the rest.
    expect(nodes(comp, 'main', 'text')[0].textContent).toBe(msg.text.split('\n')[0]);
  });
});

describe('materials_notice', () => {
  test.each(messagesWithCustom('materials_notice').map((m, i) => [i, m.custom.bundle_id, m.custom.complete, m]))('notice %i (%s, complete %s) groups every material under its status', async (i, id, complete, msg) => {
    const comp = await message(msg);
    const groups = nodes(comp, 'notice-card', 'group');
    const statuses = ['required', 'deferrable', 'commitment', 'exempt', 'produced']
      .filter((s) => msg.custom.materials.some((m) => m.status === s));
    expect(groups.map((g) => Array.from(g.classList).find((c) => c.indexOf('notice-card--group-') === 0).slice('notice-card--group-'.length))).toEqual(statuses);
    groups.forEach((group, gi) => {
      const names = Array.from(group.querySelectorAll('.notice-card--material-name')).map((n) => n.textContent);
      expect(names).toEqual(msg.custom.materials.filter((m) => m.status === statuses[gi]).map((m) => m.name_label || m.name));
    });
    expect(text(comp).includes(S.incomplete)).toBe(complete === false);
  });

  test('copies several people each bring are named and counted per person, as the server words them', async () => {
    const msg = JSON.parse(JSON.stringify(messagesWithCustom('materials_notice').find((m) => m.custom.materials.some((x) => x.status === 'required'))));
    const card = msg.custom.materials.find((x) => x.status === 'required');
    Object.assign(card, { holders: ['父母双方'], name_label: '父母双方的' + card.name, copies_label: '原件，各 1 份' });
    const comp = await message(msg);
    const names = nodes(comp, 'notice-card', 'material-name').map((n) => n.textContent);
    expect([names.includes('父母双方的' + card.name), text(comp).includes('原件，各 1 份')]).toEqual([true, true]);
  });

  test('an exempt material says which e-licence covers it', async () => {
    const msg = messagesWithCustom('materials_notice').find((m) => m.custom.materials.some((x) => x.status === 'exempt'));
    const exempt = msg.custom.materials.find((x) => x.status === 'exempt');
    const comp = await message(msg);
    expect(text(comp)).toContain(fmt(S.coveredBy, { name: exempt.covered_by_name }));
  });

  test('ticking a material to bring is remembered for that bundle', async () => {
    const notices = require('../lib/notices');
    const msg = messagesWithCustom('materials_notice').find((m) => m.custom.complete);
    const required = msg.custom.materials.filter((m) => m.status === 'required');
    const comp = await message(msg);
    comp.querySelectorAll('.card-notice >>> .checks')[0].dispatchEvent('change', { detail: { value: [required[0].material_id] } });
    await settle();
    expect([notices.isChecked(msg.custom.bundle_id, required[0].material_id),
      notices.isChecked(msg.custom.bundle_id, required[1].material_id)]).toEqual([true, false]);
    const again = await message(msg);
    const shown = again.querySelector('.card-notice').instance.data.groups[0].materials.map((m) => m.checked);
    expect(shown).toEqual(required.map((m, i) => i === 0));
  });

  test('"查看完整告知单" keeps the notice and opens the notice page for it', async () => {
    const msg = messagesWithCustom('materials_notice').find((m) => m.custom.complete);
    const comp = await message(msg);
    comp.querySelector('.card-notice >>> .open-full').dispatchEvent('tap');
    await settle();
    expect(wxFake.named('navigateTo').map((o) => o.url)).toEqual(['/pages/notice/index?bundle_id=' + msg.custom.bundle_id]);
    expect(require('../lib/notices').saved(msg.custom.bundle_id).notice).toEqual(msg.custom);
  });
});

describe('form', () => {
  test.each(messagesWithCustom('form').map((m, i) => [i, m.custom.bundle_id, m]))('form %i (%s) shows every field with its value and where it came from', async (i, id, msg) => {
    const comp = await message(msg);
    const fields = nodes(comp, 'form-card', 'field');
    expect(fields.length).toBe(msg.custom.fields.length);
    msg.custom.fields.forEach((f, fi) => {
      const shown = fields[fi].textContent;
      expect(shown).toContain(f.label);
      expect(shown).toContain(f.value === null ? S.formEmpty : f.value);
      expect(shown).toContain(f.source ? f.source_label : S.sourceNone);
    });
    expect(text(comp)).toContain(fmt(S.formRatio, { p: Math.round(msg.custom.prefill_ratio * 100) }));
  });

  test('a prefilled ID number stays masked', async () => {
    const msg = messagesWithCustom('form').find((m) => m.custom.fields.some((f) => f.source === 'identity' && /\*{4}/.test(f.value || '')));
    const comp = await message(msg);
    expect(text(comp)).toMatch(/\d{6}\*{8}[\dX]{4}/);
  });

  test('editing a field sends /correct_field with the new value', async () => {
    const msg = messagesWithCustom('form')[0];
    const field = msg.custom.fields.find((f) => !f.options.length && f.type !== 'date');
    const comp = await message(msg);
    const got = sent(comp);
    const card = comp.querySelector('.card-form');
    card.querySelectorAll('.edit')[msg.custom.fields.indexOf(field)].dispatchEvent('tap');
    await settle();
    card.querySelector('.editor-input').dispatchEvent('input', { detail: { value: '13900001111' } });
    await settle();
    card.querySelector('.save').dispatchEvent('tap');
    await settle();
    expect(got).toEqual([{
      payload: '/correct_field' + JSON.stringify({ field_id: field.field_id, value: '13900001111' }),
      shownAs: fmt(S.formSaid, { label: field.label, value: '13900001111' }),
    }]);
  });

  test('a field with options is edited by picking one of them', async () => {
    const msg = messagesWithCustom('form').find((m) => m.custom.fields.some((f) => f.options.length));
    const field = msg.custom.fields.find((f) => f.options.length);
    const comp = await message(msg);
    const got = sent(comp);
    const card = comp.querySelector('.card-form');
    card.querySelectorAll('.edit')[msg.custom.fields.indexOf(field)].dispatchEvent('tap');
    await settle();
    card.querySelector('.editor-picker').dispatchEvent('change', { detail: { value: field.options.length - 1 } });
    await settle();
    card.querySelector('.save').dispatchEvent('tap');
    await settle();
    expect(got[0].payload).toBe('/correct_field' + JSON.stringify({ field_id: field.field_id, value: field.options[field.options.length - 1] }));
  });
});

describe('application', () => {
  test.each(messagesWithCustom('application').map((m) => [m.custom.receipt_no, m]))('receipt %s shows its number, status and next steps', async (no, msg) => {
    const comp = await message(msg);
    const shown = text(comp);
    expect(shown).toContain(msg.custom.receipt_no);
    expect(shown).toContain(S.receiptStatus[msg.custom.status]);
    msg.custom.next_steps.forEach((step) => expect(shown).toContain(step));
  });

  test('the receipt number can be copied, and 我的办件 is one tap away', async () => {
    const msg = messagesWithCustom('application')[0];
    const comp = await message(msg);
    comp.querySelector('.card-receipt >>> .copy').dispatchEvent('tap');
    comp.querySelector('.card-receipt >>> .mine').dispatchEvent('tap');
    await settle();
    expect([wxFake.clipboard, wxFake.named('switchTab')[0].url]).toEqual([msg.custom.receipt_no, '/pages/applications/index']);
  });
});

describe('handoff', () => {
  test('the hand-off opens WeChat customer service carrying our conversation id', async () => {
    const msg = messagesWithCustom('handoff')[0];
    const comp = await message(msg, 'conv-42');
    const button = comp.querySelector('.card-handoff >>> .contact');
    expect(attrs(button)).toMatchObject({ 'open-type': 'contact', 'session-from': 'conv-42' });
    expect(text(comp)).toContain(msg.text);
  });
});

describe('rating', () => {
  test('the 好差评 buttons become five stars, 1 to 5 from the left', async () => {
    const msg = ratingMessages()[0];
    const comp = await message(msg);
    const stars = comp.querySelectorAll('.rating >>> .star');
    expect(stars.length).toBe(5);
    expect(nodes(comp, 'button-row', 'choice').length).toBe(0);
    const got = sent(comp);
    stars[3].dispatchEvent('tap');
    await settle();
    expect(got).toEqual([{ payload: '/rate{"rating":4}', shownAs: fmt(S.ratingStar, { n: 4 }) }]);
  });
});

describe('every recorded message', () => {
  test.each(allMessages().map((m, i) => [i, m]))('message %i renders without the unknown-type notice', async (i, msg) => {
    const comp = await message(msg);
    expect(text(comp)).not.toContain(S.unknownType);
    if (msg.text && !msg.custom) expect(text(comp)).toContain(msg.text.replace(/\s+/g, ' ').trim());
  });

  test('a custom type this version does not know is said politely, and its text and buttons stay', async () => {
    const comp = await message({ recipient_id: 'x', text: '请看地图', custom: { type: 'map', lat: 1 }, buttons: [{ title: '好的', payload: '/affirm' }] });
    const shown = text(comp);
    expect([shown.includes(S.unknownType), shown.includes('请看地图'), nodes(comp, 'button-row', 'choice').length]).toEqual([true, true, 1]);
  });
});
