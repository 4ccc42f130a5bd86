/* 好差评: the bot's /rate buttons as five stars, 1 to 5 from the left. */
const S = require('../../strings');
const { fmt } = require('../../lib/format');

Component({
  properties: {
    buttons: { type: Array, value: [] },  // [{title, payload, stars}] sorted by stars
  },
  data: { S: S, stars: [] },
  observers: {
    buttons(buttons) { this.build(buttons); },
  },
  lifetimes: {
    attached() { this.build(this.data.buttons); },
  },
  methods: {
    build(buttons) {
      this.setData({ stars: (buttons || []).map((b) => ({ payload: b.payload, label: fmt(S.ratingStar, { n: b.stars }) })) });
    },
    onTap(event) {
      const star = this.data.stars[Number(event.currentTarget.dataset.index)];
      if (star) this.triggerEvent('send', { payload: star.payload, shownAs: star.label });
    },
  },
});
