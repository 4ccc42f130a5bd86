/* jest for the mini-program: jsdom, as miniprogram-simulate renders components into a DOM. */
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.js'],
  setupFiles: ['<rootDir>/tests/support/setup.js'],
  clearMocks: true,
};
