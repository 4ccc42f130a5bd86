/* The full one-time notice on a page of its own, to copy or forward; opened from the notice card.
 * The notice lives on this phone only: opened elsewhere (forwarded), the page says so. */
const S = require('../../strings');
const { fmt } = require('../../lib/format');
const theme = require('../../lib/theme');
const notices = require('../../lib/notices');
const { itemFacts } = require('../../lib/summary');
const { noticeText } = require('../../lib/notice-text');

Component({
  data: { S: S, care: false, themeStyle: '', bundleId: '', found: false, notice: null, name: '', items: [] },
  methods: {
    onLoad(query) {
      const bundleId = decodeURIComponent((query && query.bundle_id) || '');
      const saved = bundleId ? notices.saved(bundleId) : null;
      const bundle = saved && saved.bundle;
      this.setData(Object.assign(theme.pageTheme(), {
        bundleId: bundleId,
        found: !!saved,
        notice: saved ? saved.notice : null,
        name: bundle ? bundle.name : '',
        items: bundle && Array.isArray(bundle.items) ? bundle.items.map((i) => ({ id: i.item_id, name: i.name, facts: itemFacts(i) })) : [],
      }));
      if (saved && typeof wx.showShareMenu === 'function') wx.showShareMenu({ menus: ['shareAppMessage'] });
    },
    onShow() { this.setData(theme.pageTheme()); },

    copy() {
      const saved = notices.saved(this.data.bundleId);
      if (!saved) return;
      wx.setClipboardData({
        data: noticeText(saved.notice, saved.bundle),
        success: () => wx.showToast({ title: S.noticeCopied, icon: 'none' }),
      });
    },

    toCatalogue() { wx.switchTab({ url: '/pages/catalogue/index' }); },

    onShareAppMessage() {
      return {
        title: fmt(S.noticeShareTitle, { name: this.data.name || S.appTitle }),
        path: '/pages/notice/index?bundle_id=' + encodeURIComponent(this.data.bundleId),
      };
    },
  },
});
