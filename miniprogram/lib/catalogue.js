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
  const matches = (b) => wanted.every((w) => haystack(b).indexOf(w) >= 0);
  const byId = {};
  catalogue.bundles.forEach((b) => { byId[b.bundle_id] = b; });
  const categorised = {};
  const out = catalogue.categories.map((audience) => ({
    audience: audience.audience,
    name: audience.name,
    categories: (audience.categories || []).map((c) => ({
      id: c.category_id,
      name: c.name,
      bundles: (c.bundles || []).map((b) => {
        categorised[b.bundle_id] = true;
        return byId[b.bundle_id] || b;
      }).filter(matches),
    })).filter((c) => c.bundles.length),
  })).filter((a) => a.categories.length);
  // A bundle the categories do not list still shows, at the end, rather than vanish.
  const others = catalogue.bundles.filter((b) => !categorised[b.bundle_id] && matches(b));
  if (others.length) out.push({ audience: '', name: '', categories: [{ id: '', name: '', bundles: others }] });
  return out;
}

function count(sectionList) {
  return sectionList.reduce((n, a) => n + a.categories.reduce((m, c) => m + c.bundles.length, 0), 0);
}

module.exports = { sections, count };
