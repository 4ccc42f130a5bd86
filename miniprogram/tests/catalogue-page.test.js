/* 服务超市: the recorded catalogue by category, searched on the phone; a choice starts the bundle. */
const S = require('../strings');
const { fmt } = require('../lib/format');
const session = require('../lib/session');
const pendingMessage = require('../lib/pending-message');
const { recording } = require('./support/recording');
const { Backend } = require('./support/backend');
const { render, settle, until, text, nodes } = require('./support/render');

beforeEach(() => {
  wxFake.reset();
  session.reset();
  pendingMessage.take();
});

async function openCatalogue() {
  const page = render('pages/catalogue/index');
  page.instance.onLoad({});
  await until(() => !page.instance.data.loading, 'the catalogue');
  await settle();
  return page;
}

async function search(page, query) {
  page.querySelector('.search').dispatchEvent('input', { detail: { value: query } });
  await settle();
}

const names = (page) => nodes(page, 'main', 'bundle-name').map((n) => n.textContent);

test('every bundle is listed under its category, in the catalogue order', async () => {
  new Backend(wxFake);
  const page = await openCatalogue();
  const expected = [];
  recording.catalogue.categories.forEach((a) => a.categories.forEach((c) => c.bundles.forEach((b) => expected.push(b.name))));
  expect(names(page)).toEqual(expected);
  expect(text(page)).toContain(fmt(S.catalogueCount, { n: recording.catalogue.bundles.length }));
  recording.catalogue.categories.forEach((a) => expect(text(page)).toContain(a.name));
});

test('searching keeps only the bundles that mention every word', async () => {
  new Backend(wxFake);
  const page = await openCatalogue();
  await search(page, '出生');
  const expected = recording.catalogue.bundles.filter((b) => [b.name, b.short_name, b.description, b.category_name]
    .join(' ').includes('出生')).map((b) => b.name);
  expect(names(page).sort()).toEqual(expected.sort());
  expect(expected.length).toBeGreaterThan(0);
  await search(page, '出生 户口');
  expect(names(page).length).toBeLessThanOrEqual(expected.length);
});

test('a search with no match says so and offers to ask the assistant instead', async () => {
  new Backend(wxFake);
  const page = await openCatalogue();
  await search(page, '养骆驼');
  expect([names(page), text(page).includes(fmt(S.searchEmpty, { q: '养骆驼' }))]).toEqual([[], true]);
  page.querySelector('.ask').dispatchEvent('tap');
  await settle();
  expect([pendingMessage.take(), wxFake.named('switchTab')[0].url]).toEqual([{ payload: '养骆驼', shownAs: '养骆驼' }, '/pages/chat/index']);
});

test('choosing a bundle opens the chat, which sends /choose_bundle for it', async () => {
  const backend = new Backend(wxFake);
  const page = await openCatalogue();
  const first = recording.catalogue.categories[0].categories[0].bundles[0];
  page.querySelectorAll('.bundle')[0].dispatchEvent('tap');
  await settle();
  expect(wxFake.named('switchTab')[0].url).toBe('/pages/chat/index');
  backend.turns = [{ message: '/choose_bundle{"bundle_id":"' + first.bundle_id + '"}', replies: [{ recipient_id: 'x', text: '好的' }] }];
  const chat = render('pages/chat/index');
  chat.instance.onLoad({});
  chat.instance.onShow();
  await until(() => chat.instance.data.entries.length === 2 && !chat.instance.data.busy, 'the chosen bundle to be sent');
  expect([backend.unexpected, chat.instance.data.entries[0].text]).toEqual([[], first.name]);
});

test('when the catalogue cannot be loaded the page says so, and 重试 loads it', async () => {
  const backend = new Backend(wxFake);
  let down = true;
  wxFake.handlers.unshift((r) => (down && r.path === '/api/v1/bundles' ? { statusCode: 502, data: 'Bad Gateway' } : undefined));
  const page = await openCatalogue();
  expect([page.instance.data.failed, names(page)]).toEqual([S.catalogueFailed, []]);
  down = false;
  page.querySelector('.retry').dispatchEvent('tap');
  await until(() => !page.instance.data.loading && names(page).length, 'the catalogue after 重试');
  expect(backend.unexpected).toEqual([]);
});

test('a bundle missing from the categories is still listed, at the end', async () => {
  const catalogue = require('../lib/catalogue');
  const extra = { bundle_id: 'new_thing', name: '新事项一件事', description: '刚上线', category_name: '其他' };
  const data = { bundles: recording.catalogue.bundles.concat([extra]), categories: recording.catalogue.categories };
  const all = catalogue.sections(data, '');
  expect([catalogue.count(all), all[all.length - 1].categories[0].bundles]).toEqual([data.bundles.length, [extra]]);
  expect(catalogue.count(catalogue.sections(data, '刚上线'))).toBe(1);
});
