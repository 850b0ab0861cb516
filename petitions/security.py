"""Keeping an informant's identity off error pages and error reports, even with DEBUG on."""

from functools import wraps

from django.views.debug import SafeExceptionReporterFilter
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables


class IdentityReporterFilter(SafeExceptionReporterFilter):
    """Always active (Django's default filter is off when DEBUG is on): POST fields marked sensitive and every local
    variable below a `sensitive_variables` frame are shown as stars on the technical error page too."""

    def is_active(self, request):
        return True


def protects_identity(*post_fields):
    """For views that receive or show an identity: mask these POST fields, and every variable of the view and of
    everything it calls, in any error page or report."""

    def decorator(view):
        @sensitive_variables()
        def call(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        @wraps(view)
        @sensitive_post_parameters(*post_fields)
        def wrapped(request, *args, **kwargs):
            request.exception_reporter_filter = IdentityReporterFilter()
            return call(request, *args, **kwargs)

        return wrapped

    return decorator
