/* The full notice as plain text, for copying into a chat or a note. */
const S = require('../strings');
const { summaryFacts, summaryLine } = require('./summary');
const { groups } = require('./materials');

function noticeText(notice, bundle) {
  const lines = [];
  if (bundle && bundle.name) lines.push(bundle.name);
  lines.push(S.noticeTitle);
  if (notice.complete === false) lines.push(S.incomplete);
  lines.push(summaryLine(notice.summary));
  const facts = summaryFacts(notice.summary);
  if (facts) lines.push(facts);
  groups(notice).forEach((group) => {
    lines.push('', group.title);
    group.materials.forEach((m, i) => lines.push((i + 1) + '. ' + m.name + (m.detail ? S.detailSeparator + m.detail : '')));
  });
  if (bundle && Array.isArray(bundle.items) && bundle.items.length) {
    lines.push('', S.noticeItems);
    bundle.items.forEach((item, i) => lines.push((i + 1) + '. ' + item.name + (item.department ? S.detailSeparator + item.department : '')));
  }
  return lines.join('\n');
}

module.exports = { noticeText };
