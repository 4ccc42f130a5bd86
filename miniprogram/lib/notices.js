/* The notice and bundle summary kept on the phone for the full-notice page, and the ticks a person
 * put against materials they have ready. */
const storage = require('./storage');

function rememberBundle(custom) {
  if (!custom || !custom.bundle_id) return;
  const bundles = storage.read('bundles', {});
  bundles[custom.bundle_id] = custom;
  storage.write('bundles', bundles);
}

function rememberNotice(custom) {
  if (!custom || !custom.bundle_id) return;
  const notices = storage.read('notices', {});
  notices[custom.bundle_id] = custom;
  storage.write('notices', notices);
}

/* {notice, bundle} for the notice page, or null when this phone never saw that notice. */
function saved(bundleId) {
  const notice = storage.read('notices', {})[bundleId];
  if (!notice) return null;
  return { notice: notice, bundle: storage.read('bundles', {})[bundleId] || null };
}

function key(bundleId, materialId) { return bundleId + ':' + materialId; }

function isChecked(bundleId, materialId) {
  return !!storage.read('checked', {})[key(bundleId, materialId)];
}

function setChecked(bundleId, materialId, on) {
  const checked = storage.read('checked', {});
  if (on) checked[key(bundleId, materialId)] = true;
  else delete checked[key(bundleId, materialId)];
  storage.write('checked', checked);
}

function forgetAll() {
  ['bundles', 'notices', 'checked'].forEach(storage.remove);
}

module.exports = { rememberBundle, rememberNotice, saved, isChecked, setChecked, forgetAll };
