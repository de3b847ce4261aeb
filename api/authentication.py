"""API tokens that expire ``API_TOKEN_HOURS`` after they were issued (``api.tokens`` issues them).

A module of its own, apart from the token views: DRF imports the
authentication classes while its own views module loads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(hours=settings.API_TOKEN_HOURS)


def has_expired(token: Token) -> bool:
    return timezone.now() >= expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token ...``, refused once the token is older than ``API_TOKEN_HOURS``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if has_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired; ask for a new one at /api/v1/auth/token/.")
            )
        return user, token
