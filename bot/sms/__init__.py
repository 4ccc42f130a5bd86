"""Text messages to citizens' phones: one gateway interface, an HTTP adapter, a local stand-in."""

from bot.sms.gateway import HttpSms, SmsGateway, SmsResult, gateway_from_settings

__all__ = ["HttpSms", "SmsGateway", "SmsResult", "gateway_from_settings"]
