"""The desk and the widget in Debian chromium: a package of its own, because Playwright's sync API
keeps an event loop running while its browser is open."""
