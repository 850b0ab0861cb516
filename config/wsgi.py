"""The WSGI entry point (gunicorn config.wsgi).

After start-up, what it made (modules, settings, the URLconf and every view) is frozen out of the garbage
collector's reach (gc.freeze): otherwise every full collection, one every few requests, walks those hundreds of
thousands of objects again — about 90 ms on a province's fresh dashboard, a tenth of its requests."""

import gc
import os

from django.core.wsgi import get_wsgi_application


def freeze_startup_objects():
    """Import every view now (Django reads the URLconf on the first request), then freeze the heap."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loading the URLconf is the point)
    gc.freeze()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
freeze_startup_objects()
