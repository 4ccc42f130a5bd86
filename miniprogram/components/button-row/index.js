/* A row of the bot's buttons; pressing one sends its payload, shown as its title. */
Component({
  properties: {
    buttons: { type: Array, value: [] },
    stack: { type: Boolean, value: false },
  },
  methods: {
    onTap(event) {
      const button = this.data.buttons[Number(event.currentTarget.dataset.index)];
      if (button) this.triggerEvent('send', { payload: button.payload, shownAs: button.title });
    },
  },
});
