"""Request rates of the API: per address for anonymous clients, per user for signed-in ones.

DRF's throttles copy their rates when the module is imported; these read them
on every request, so the rates are the settings' of the moment (a test's
override included). An empty rate in the environment turns a throttle off.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
