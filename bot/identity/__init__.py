"""Who the user is and which e-licences the government holds for them (prefill and 免提交)."""

from bot.identity.model import ELicence, Identity
from bot.identity.provider import IdentityProvider, IdentityUnavailable, provider_from_settings

__all__ = [
    "ELicence",
    "Identity",
    "IdentityProvider",
    "IdentityUnavailable",
    "provider_from_settings",
]
