"""API tokens: obtain one with a user name and password, revoke it when done; they expire.

Failed attempts count towards the django-axes lockout like the admin login's,
so the endpoint cannot be used to guess passwords; a locked-out client gets
a 429 in the API's error shape. A token is good for ``API_TOKEN_HOURS``
from when it was issued: one copied into a script or a log stops working by
itself, and asking again with the password gives a new one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import expires_at, has_expired
from api.throttling import AnonThrottle


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many failed logins; try again later."
    default_code = "locked_out"


class CredentialsSerializer(AuthTokenSerializer):
    """DRF's user name and password, no longer than a user name can be.

    A longer one is refused here, as a 400 naming it: passed on, the lockout's
    record of the attempt (django-axes, 255 characters) failed on PostgreSQL
    with a 500.
    """

    username = serializers.CharField(
        label="Username", max_length=get_user_model()._meta.get_field("username").max_length
    )
    password = serializers.CharField(
        label="Password", style={"input_type": "password"}, trim_whitespace=False, max_length=4096
    )


class TokenView(ObtainAuthToken):
    """POST user name and password: the user's token. DELETE (with it): revoke it."""

    serializer_class = CredentialsSerializer
    throttle_classes = [AnonThrottle]

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer(
                "Token", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="Wrong user name or password."),
            429: OpenApiResponse(description="Locked out after repeated failures."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The user's token while it lasts, else a new one; with when it expires."""
        credentials = self.get_serializer(data=request.data)
        try:
            credentials.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # Axes refused inside authenticate(), which Django reports as a wrong password.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
        user = credentials.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        if has_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": expires_at(token).isoformat()})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
