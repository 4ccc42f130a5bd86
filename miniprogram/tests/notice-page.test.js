/* The full notice page: the recorded notice and bundle, to copy or forward; safe when opened elsewhere. */
const S = require('../strings');
const notices = require('../lib/notices');
const { messagesWithCustom } = require('./support/recording');
const { render, settle, text, nodes } = require('./support/render');

beforeEach(() => wxFake.reset());

const notice = messagesWithCustom('materials_notice').find((m) => m.custom.complete).custom;
const bundle = messagesWithCustom('bundle').find((m) => m.custom.bundle_id === notice.bundle_id).custom;

async function openNotice(bundleId) {
  const page = render('pages/notice/index');
  page.instance.onLoad({ bundle_id: bundleId });
  await settle();
  return page;
}

test('shows the bundle, every material and every item of the saved notice', async () => {
  notices.rememberBundle(bundle);
  notices.rememberNotice(notice);
  const page = await openNotice(notice.bundle_id);
  const shown = text(page);
  [bundle.name].concat(notice.materials.map((m) => m.name), bundle.items.map((i) => i.name))
    .forEach((name) => expect(shown).toContain(name));
  // This is the full notice: no link from it to itself.
  expect([page.querySelector('.full-notice').instance.data.full, nodes(page, 'notice-card', 'open-full').length]).toEqual([true, 0]);
});

test('复制 puts the whole notice on the clipboard as plain text', async () => {
  notices.rememberBundle(bundle);
  notices.rememberNotice(notice);
  const page = await openNotice(notice.bundle_id);
  page.querySelector('.copy').dispatchEvent('tap');
  await settle();
  const copied = wxFake.clipboard;
  notice.materials.forEach((m) => expect(copied).toContain(m.name));
  Object.keys(S.groups).filter((s) => notice.materials.some((m) => m.status === s))
    .forEach((s) => expect(copied).toContain(S.groups[s]));
  expect(copied).not.toMatch(/[<>{}]/);
});

test('forwarding shares this page for the same bundle', async () => {
  notices.rememberBundle(bundle);
  notices.rememberNotice(notice);
  const page = await openNotice(notice.bundle_id);
  const share = page.instance.onShareAppMessage();
  expect([share.path, share.title.includes(bundle.name)]).toEqual(['/pages/notice/index?bundle_id=' + notice.bundle_id, true]);
});

test('opened on a phone that never saw the notice, it says so and leads to 服务超市', async () => {
  const page = await openNotice('newborn');
  expect(text(page)).toContain(S.noticeMissing);
  page.querySelector('.to-catalogue').dispatchEvent('tap');
  await settle();
  expect(wxFake.named('switchTab')[0].url).toBe('/pages/catalogue/index');
});
