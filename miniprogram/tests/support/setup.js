/* Before each test file: a fake `wx` that miniprogram-simulate keeps (it merges its stubs under ours). */
const { createWx } = require('./wx-fake');

global.wxFake = createWx();
global.wx = global.wxFake.wx;
