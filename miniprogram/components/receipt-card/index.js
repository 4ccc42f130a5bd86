/* `application`: the receipt after hand-off, with its number to copy and the way to 我的办件. */
const S = require('../../strings');
const card = require('../../lib/card');

Component({
  behaviors: [card],
  data: { S: S, status: '', steps: [] },
  methods: {
    build(custom) {
      const c = custom || {};
      this.setData({
        status: S.receiptStatus[c.status] || c.status || '',
        steps: Array.isArray(c.next_steps) ? c.next_steps : [],
      });
    },
    copy() {
      wx.setClipboardData({ data: this.data.custom.receipt_no, success: () => wx.showToast({ title: S.receiptCopied, icon: 'none' }) });
    },
    mine() { wx.switchTab({ url: '/pages/applications/index' }); },
  },
});
