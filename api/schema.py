"""The OpenAPI schema of /api/v1/, for a client's key or a logged-in office user; each read is an audited call."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer

from api.access import ApiKeyAuthentication, ClientOrOfficeUser, ClientRateThrottle, OfficeSession
from api.base import record_call


class SchemaView(SpectacularAPIView):
    authentication_classes = [ApiKeyAuthentication, OfficeSession]
    permission_classes = [ClientOrOfficeUser]
    throttle_classes = [ClientRateThrottle]

    def handle_exception(self, exc):
        """A refusal in the API's JSON shape, not rendered as a YAML schema."""
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_call(request, response)
        return response


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key in the schema: `Authorization: Bearer api_…`."""

    target_class = "api.access.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "安全保密管理员签发的接口密钥 api_…"}
