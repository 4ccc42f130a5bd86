/* `materials_notice`: the one-time notice grouped by status; what a person must bring can be ticked
 * off, and the full notice opens on its own page for copying or forwarding. */
const S = require('../../strings');
const card = require('../../lib/card');
const { summaryFacts, summaryLine } = require('../../lib/summary');
const { groups } = require('../../lib/materials');
const notices = require('../../lib/notices');

Component({
  behaviors: [card],
  properties: {
    full: { type: Boolean, value: false },  // on the notice page itself: no link to it
  },
  data: { S: S, line: '', facts: '', groups: [] },
  methods: {
    build(custom) {
      const c = custom || {};
      this.setData({ line: summaryLine(c.summary), facts: summaryFacts(c.summary), groups: groups(c) });
    },
    onCheck(event) {
      const group = this.data.groups[Number(event.currentTarget.dataset.group)];
      const ticked = event.detail.value || [];
      group.materials.forEach((m) => notices.setChecked(this.data.custom.bundle_id, m.id, ticked.indexOf(m.id) >= 0));
      this.setData({ groups: groups(this.data.custom) });
    },
    openFull() {
      notices.rememberNotice(this.data.custom);
      wx.navigateTo({ url: '/pages/notice/index?bundle_id=' + encodeURIComponent(this.data.custom.bundle_id) });
    },
  },
});
