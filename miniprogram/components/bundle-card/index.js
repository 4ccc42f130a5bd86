/* `bundle`: the bundle summary once the questionnaire is complete, item by item. */
const S = require('../../strings');
const card = require('../../lib/card');
const { fmt } = require('../../lib/format');
const { summaryFacts, itemFacts } = require('../../lib/summary');
const notices = require('../../lib/notices');

Component({
  behaviors: [card],
  data: { S: S, facts: '', count: '', items: [] },
  methods: {
    build(custom) {
      const c = custom || {};
      const items = Array.isArray(c.items) ? c.items : [];
      // The full-notice page names the items too: keep the latest summary of each bundle.
      if (c.bundle_id) notices.rememberBundle(c);
      this.setData({
        facts: summaryFacts(c.summary),
        count: fmt(S.bundleItems, { n: items.length }),
        items: items.map((i) => ({ id: i.item_id, name: i.name, facts: itemFacts(i) })),
      });
    },
  },
});
