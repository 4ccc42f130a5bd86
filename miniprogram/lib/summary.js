/* The summary sentences shared by the bundle card, the notice card and the notice page. */
const S = require('../strings');
const { fmt } = require('./format');

function summaryFacts(summary) {
  if (!summary) return '';
  return fmt(S.summaryFacts, { trips: summary.trips_label || '', mode: summary.handling_mode_label || '', days: summary.time_limit_days });
}

function summaryLine(summary) {
  const s = summary || {};
  return fmt(S.summaryLine, { before: s.before, after: s.after, exempt: s.exempt || 0, produced: s.produced || 0 });
}

function days(n) {
  if (n === null || n === undefined) return '';
  return Number(n) ? fmt(S.daysValue, { n: n }) : S.sameDay;
}

function fee(item) {
  if (item.fee_note) return item.fee_note;
  return Number(item.fee) ? fmt(S.feeValue, { n: item.fee }) : S.feeFree;
}

/* One bundle item as label/value facts, the empty ones left out. */
function itemFacts(item) {
  return [
    [S.itemDepartment, item.department],
    [S.itemWindow, item.window],
    [S.itemMode, item.handling_mode_label],
    [S.itemTrips, fmt(S.tripsValue, { n: item.trips })],
    [S.itemDays, days(item.promised_days)],
    [S.itemFee, fee(item)],
  ].filter((pair) => pair[1] !== null && pair[1] !== undefined && pair[1] !== '')
    .map((pair) => ({ label: pair[0], value: String(pair[1]) }));
}

module.exports = { summaryFacts, summaryLine, itemFacts };
