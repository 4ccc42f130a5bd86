/* A message another page asks the chat to send (a bundle chosen in 服务超市): the chat is a tab, and
 * wx.switchTab cannot carry a query. */
let pending = null;

function put(message) { pending = message; }

function take() {
  const message = pending;
  pending = null;
  return message;
}

module.exports = { put, take };
