"""Who calls (an API key, or for the schema a logged-in office user), what it may call (scopes) and how often."""

import logging

from rest_framework import authentication, exceptions, permissions, throttling

from api import services
from api.models import ApiClient
from core import roles

logger = logging.getLogger(__name__)

# Logged-in users who may read the schema and its reference page: the office, and the 安全保密管理员 who issues keys.
SCHEMA_ROLES = (*roles.OFFICE_ROLES, roles.SECURITY_ADMIN)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer api_…` (or `X-Api-Key: api_…`). request.user is the client's service account,
    request.auth the ApiClient."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        key = header[7:].strip() if header[:7].lower() == "bearer " else request.META.get("HTTP_X_API_KEY", "")
        if not key:
            return None
        client = services.client_for_key(key)
        if client is None:
            raise exceptions.AuthenticationFailed()
        client.user.act_for_client(client.acting_role)
        return client.user, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class OfficeSession(authentication.SessionAuthentication):
    """The schema for a logged-in user (the pages' session, its CSRF check included)."""


def client_of(request):
    return request.auth if isinstance(request.auth, ApiClient) else None


class HasScope(permissions.BasePermission):
    """The view names the scope each method needs (`scopes = {"GET": Scope.X, "POST": Scope.Y}`)."""

    def has_permission(self, request, view):
        client = client_of(request)
        if client is None:
            raise exceptions.NotAuthenticated()
        needed = view.scopes.get(request.method) or view.scopes.get("GET")
        return needed in client.scopes


class ClientOrOfficeUser(permissions.BasePermission):
    """The schema: any active client, or a logged-in user of the office (or the 安全保密管理员)."""

    def has_permission(self, request, view):
        if client_of(request) is not None:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            raise exceptions.NotAuthenticated()
        return user.has_role(*SCHEMA_ROLES)


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Each client's own limit per minute (ApiClient.rate_per_minute), counted in the Django cache (Redis). A dead
    cache lets calls through rather than stopping every member unit's system."""

    scope = "api_client"

    def get_rate(self):
        return "60/min"  # replaced per client in allow_request

    def get_cache_key(self, request, view):
        client = client_of(request)
        return f"api:throttle:{client.pk}" if client else None

    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True
        self.num_requests, self.duration = client.rate_per_minute, 60
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 — the cache is down: no limit rather than no service
            logger.warning("API rate limit skipped: the cache did not answer", exc_info=True)
            return True
