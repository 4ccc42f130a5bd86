/* What every card of the message contract shares: its `custom` payload, turned into the card's
 * view by the card's own `build` when the card appears and whenever the payload changes. */
module.exports = Behavior({
  properties: {
    custom: { type: Object, value: {} },
  },
  observers: {
    custom(custom) { this.build(custom); },
  },
  lifetimes: {
    attached() { this.build(this.data.custom); },
  },
});
