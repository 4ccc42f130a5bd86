"""`python -m bot.wechat_standin`: the local WeChat stand-in on BOT_WECHAT_STANDIN_PORT."""

from bot.wechat_standin.app import main

main()
