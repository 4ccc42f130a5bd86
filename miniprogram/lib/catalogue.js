/* 服务超市: the bundle catalogue in its categories, filtered by what the person searches for. */

function words(query) {
  return String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
}

function haystack(bundle) {
  return [bundle.name, bundle.short_name, bundle.description, bundle.category_name, bundle.audience_name,
    bundle.lead_department].filter(Boolean).join(' ').toLowerCase();
}

/* [{audience, name, categories: [{id, name, bundles: [summary…]}]}], empty ones left out; the
 * order is the catalogue's own (categories from /api/v1/bundles). */
function sections(catalogue, query) {
  const wanted = words(query);
  const byId = {};
  catalogue.bundles.forEach((b) => { byId[b.bundle_id] = b; });
  const matches = (b) => wanted.every((w) => haystack(b).indexOf(w) >= 0);
  const listed = {};
  const out = catalogue.categories.map((audience) => ({
    audience: audience.audience,
    name: audience.name,
    categories: (audience.categories || []).map((c) => ({
      id: c.category_id,
      name: c.name,
      bundles: (c.bundles || []).map((b) => byId[b.bundle_id] || b).filter((b) => {
        if (!matches(b)) return false;
        listed[b.bundle_id] = true;
        return true;
      }),
    })).filter((c) => c.bundles.length),
  })).filter((a) => a.categories.length);
  // A bundle the categories do not list still shows, at the end, rather than vanish.
  const orphans = catalogue.bundles.filter((b) => !listed[b.bundle_id] && matches(b) && !catalogue.categories.some(
    (a) => (a.categories || []).some((c) => (c.bundles || []).some((x) => x.bundle_id === b.bundle_id))));
  if (orphans.length) out.push({ audience: '', name: '', categories: [{ id: '', name: '', bundles: orphans }] });
  return out;
}

function count(sectionList) {
  return sectionList.reduce((n, a) => n + a.categories.reduce((m, c) => m + c.bundles.length, 0), 0);
}

module.exports = { sections, count };
