"""Throttles beyond the per-user default (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])."""

from rest_framework.throttling import AnonRateThrottle


class TokenObtainThrottle(AnonRateThrottle):
    """Token requests per client address: password guessing stays slow whoever it targets."""

    scope = "token"
