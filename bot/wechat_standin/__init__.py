"""A local stand-in for WeChat (embedded profile and tests): it pushes signed, encrypted messages
to the bot as WeChat does and serves the token, send, typing and jscode2session endpoints."""
