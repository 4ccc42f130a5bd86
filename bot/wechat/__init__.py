"""WeChat mini-program customer-service messages: settings, push protocol, sending, identity."""
