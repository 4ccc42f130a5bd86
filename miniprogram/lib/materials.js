/* The one-time notice grouped by status, in the order a person acts on it. */
const S = require('../strings');
const { fmt } = require('./format');
const notices = require('./notices');

const GROUP_ORDER = ['required', 'deferrable', 'commitment', 'exempt', 'produced'];
const CHECKABLE = { required: true, deferrable: true, commitment: true };

function detail(m) {
  const bits = [];
  if (m.status === 'exempt') bits.push(fmt(S.coveredBy, { name: m.covered_by_name || m.covered_by || '' }));
  else if (m.status === 'produced') bits.push(fmt(S.producedBy, { name: m.produced_by_name || m.produced_by || '' }));
  // The server words the count ("原件，各 1 份" when several people each bring their own).
  else bits.push(m.copies_label || fmt(S.copies, { kind: m.original ? S.original : S.copy, n: m.copies || 1 }));
  if (Array.isArray(m.used_by_names) && m.used_by_names.length) bits.push(fmt(S.usedBy, { names: m.used_by_names.join(S.listSeparator) }));
  return bits.concat(Array.isArray(m.notes) ? m.notes : []).join(S.detailSeparator);
}

/* [{status, title, checkable, materials: [{id, name, detail, checked}]}], empty groups left out;
 * a status we do not know yet still shows, after the known ones, under its own label. */
function groups(notice) {
  const materials = Array.isArray(notice && notice.materials) ? notice.materials : [];
  const statuses = GROUP_ORDER.concat(materials.map((m) => m.status).filter((s) => GROUP_ORDER.indexOf(s) < 0));
  return statuses.filter((status, i) => statuses.indexOf(status) === i).map((status) => {
    const group = materials.filter((m) => m.status === status);
    if (!group.length) return null;
    const title = (S.groups[status] || group[0].status_label || status);
    return {
      status: status,
      title: fmt(S.groupCount, { title: title, n: group.length }),
      checkable: !!CHECKABLE[status],
      materials: group.map((m) => ({
        id: m.material_id, name: m.name_label || m.name, detail: detail(m),
        checked: !!CHECKABLE[status] && notices.isChecked(notice.bundle_id, m.material_id),
      })),
    };
  }).filter(Boolean);
}

module.exports = { groups, GROUP_ORDER };
