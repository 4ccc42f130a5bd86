/* 服务超市: every bundle by category, with search; choosing one starts it in the chat. */
const S = require('../../strings');
const { fmt } = require('../../lib/format');
const api = require('../../lib/api');
const theme = require('../../lib/theme');
const catalogue = require('../../lib/catalogue');
const pendingMessage = require('../../lib/pending-message');
const { payload } = require('../../lib/contract');
const { statusKind } = require('../../lib/errors');

Component({
  data: {
    S: S, care: false, themeStyle: '', loading: true, failed: '', query: '', sections: [], countText: '',
    emptyText: '', askText: '',
  },
  methods: {
    onLoad() {
      this.setData(theme.pageTheme());
      return this.load();
    },
    onShow() { this.setData(theme.pageTheme()); },
    onPullDownRefresh() { return this.load().then(() => wx.stopPullDownRefresh()); },

    load() {
      this.setData({ loading: true, failed: '' });
      return api.bundles().then((data) => {
        this.catalogue = data;
        this.setData({ loading: false });
        this.filter(this.data.query);
      }).catch((error) => {
        this.setData({ loading: false, failed: statusKind(error) === 'offline' ? S.status.offline : S.catalogueFailed });
      });
    },

    filter(query) {
      if (!this.catalogue) return;
      const sections = catalogue.sections(this.catalogue, query);
      const q = String(query || '').trim();
      this.setData({
        sections: sections,
        countText: fmt(S.catalogueCount, { n: catalogue.count(sections) }),
        emptyText: q && !sections.length ? fmt(S.searchEmpty, { q: q }) : '',
        askText: q ? fmt(S.searchAsk, { q: q }) : '',
      });
    },

    onSearch(event) {
      const query = String(event.detail.value || '');
      this.setData({ query: query });
      this.filter(query);
    },

    choose(event) {
      const { id, name } = event.currentTarget.dataset;
      pendingMessage.put({ payload: payload('choose_bundle', { bundle_id: id }), shownAs: name });
      wx.switchTab({ url: '/pages/chat/index' });
    },

    /* Nothing found, or the person would rather describe it: the chat routes free text too. */
    ask() {
      const q = this.data.query.trim();
      if (!q) return;
      pendingMessage.put({ payload: q, shownAs: q });
      wx.switchTab({ url: '/pages/chat/index' });
    },

    toggleCare() {
      theme.setCare(!this.data.care);
      this.setData(theme.pageTheme());
    },
  },
});
