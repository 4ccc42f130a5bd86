/* 我的办件: the person's applications and their status, from the application API. */
const S = require('../../strings');
const { fmt } = require('../../lib/format');
const api = require('../../lib/api');
const theme = require('../../lib/theme');
const { statusKind } = require('../../lib/errors');

function when(iso) {
  return String(iso || '').replace('T', ' ').slice(0, 16);
}

function itemView(a) {
  return {
    receiptNo: a.receipt_no,
    name: a.bundle_name || a.bundle_id,
    status: a.status,
    statusLabel: a.status_label || a.status,
    numberText: fmt(S.applicationNo, { no: a.receipt_no }),
    updatedText: a.updated_at ? fmt(S.applicationUpdated, { time: when(a.updated_at) }) : '',
  };
}

Component({
  data: { S: S, care: false, themeStyle: '', loading: true, failed: '', items: [] },
  methods: {
    onLoad() { this.setData(theme.pageTheme()); },
    onShow() {
      this.setData(theme.pageTheme());
      return this.load();
    },
    onPullDownRefresh() { return this.load().then(() => wx.stopPullDownRefresh()); },

    load() {
      this.setData({ loading: true, failed: '' });
      return api.applications().then((applications) => {
        this.setData({ loading: false, items: applications.filter((a) => a && a.receipt_no).map(itemView) });
      }).catch((error) => {
        const kind = statusKind(error);
        this.setData({ loading: false, failed: kind === 'offline' || kind === 'expired' ? S.status[kind] : S.applicationsFailed });
      });
    },
  },
});
