/* 我的办件: the applications of the signed-in person, with their status, from the API. */
const S = require('../strings');
const session = require('../lib/session');
const { messagesWithCustom, recording } = require('./support/recording');
const { Backend } = require('./support/backend');
const { render, settle, until, text } = require('./support/render');

beforeEach(() => {
  wxFake.reset();
  session.reset();
});

/* The applications the recorded journeys handed off, as the application API would list them. */
function recordedApplications() {
  const names = {};
  recording.catalogue.bundles.forEach((b) => { names[b.bundle_id] = b.name; });
  return messagesWithCustom('application').map((m, i) => ({
    receipt_no: m.custom.receipt_no, bundle_id: m.custom.bundle_id, bundle_name: names[m.custom.bundle_id],
    status: m.custom.status, status_label: '已受理', updated_at: '2026-11-2' + i + 'T09:3' + i + ':00+08:00',
  }));
}

async function openApplications() {
  const page = render('pages/applications/index');
  page.instance.onLoad({});
  page.instance.onShow();
  await until(() => !page.instance.data.loading, 'the applications');
  await settle();
  return page;
}

test('each application shows its bundle, status and receipt number', async () => {
  const applications = recordedApplications();
  new Backend(wxFake, { applications: applications });
  const page = await openApplications();
  const shown = text(page);
  expect(applications.length).toBeGreaterThan(1);
  applications.forEach((a) => {
    expect(shown).toContain(a.bundle_name);
    expect(shown).toContain(a.receipt_no);
    expect(shown).toContain(a.status_label);
  });
  expect(shown).toContain('2026-11-20 09:30');
  const request = wxFake.requests.find((r) => r.path === '/api/v1/applications');
  expect(request.header.Authorization).toBe('Bearer session-token-1');
});

test('no applications yet: the page says where they will come from', async () => {
  new Backend(wxFake, { applications: [] });
  const page = await openApplications();
  expect(text(page)).toContain(S.applicationsEmpty);
});

test('a failure is explained and 重试 asks again', async () => {
  new Backend(wxFake, { applications: recordedApplications() });
  let down = true;
  wxFake.handlers.unshift((r) => (down && r.path === '/api/v1/applications' ? { statusCode: 500, data: {} } : undefined));
  const page = await openApplications();
  expect(page.instance.data.failed).toBe(S.applicationsFailed);
  down = false;
  page.querySelector('.retry').dispatchEvent('tap');
  await until(() => page.instance.data.items.length, 'the applications after 重试');
  expect(page.instance.data.failed).toBe('');
});

test('pulling down refreshes the list', async () => {
  const backend = new Backend(wxFake, { applications: [] });
  const page = await openApplications();
  backend.applications = recordedApplications();
  await page.instance.onPullDownRefresh();
  await settle();
  expect([page.instance.data.items.length, wxFake.named('stopPullDownRefresh').length]).toEqual([backend.applications.length, 1]);
});
