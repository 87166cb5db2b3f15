"""Tokens: obtain one with username and password, revoke it; and who the caller is."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import TokenSerializer, UserSerializer
from api.throttling import TokenObtainThrottle


class TokenView(APIView):
    """POST: the user's token for their username and password. DELETE: revoke it.

    One token per user (rest_framework.authtoken): a second POST returns the same token, and DELETE
    signs out every client holding it. Obtaining ignores any credentials sent along (a stale token or
    a session), and is throttled per client address.
    """

    def get_authenticators(self):
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_permissions()

    def get_throttles(self):
        if self.request is not None and self.request.method == "POST":
            return [TokenObtainThrottle()]
        return super().get_throttles()

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        # Django's authenticate(): the ModelBackend refuses inactive users like wrong passwords.
        form = AuthTokenSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        user = form.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "user": UserSerializer(user).data})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user: role and scope (region, or department for a liaison)."""

    @extend_schema(responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)
