/* The backend calls besides the chat: catalogue, demo people, my applications (README.md). */
const http = require('./http');
const session = require('./session');
const { ApiError } = require('./errors');

async function bundles() {
  const body = http.expectOk(await http.request({ path: '/api/v1/bundles' }));
  if (!body || !Array.isArray(body.bundles)) throw new ApiError('server', 'no bundles list');
  return { bundles: body.bundles, categories: Array.isArray(body.categories) ? body.categories : [] };
}

/* Demo people exist only in the embedded default; anywhere else the list is empty. */
async function demoLogins() {
  const body = http.expectOk(await http.request({ path: '/api/v1/demo-logins' }));
  return body && Array.isArray(body.logins) ? body.logins : [];
}

async function applications() {
  const body = http.expectOk(await session.authorized(() => ({ path: '/api/v1/applications' })));
  if (!body || !Array.isArray(body.applications)) throw new ApiError('server', 'no applications list');
  return body.applications;
}

module.exports = { bundles, demoLogins, applications };
