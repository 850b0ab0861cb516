"""The WSGI entry point leaves what start-up made out of the garbage collector's reach (config/wsgi.py)."""

import gc

from django.urls import clear_url_caches, get_resolver


def test_start_up_loads_every_view_and_freezes_the_heap():
    from config.wsgi import freeze_startup_objects

    gc.unfreeze()
    clear_url_caches()
    try:
        freeze_startup_objects()
        assert get_resolver().__dict__.get("url_patterns")  # the URLconf is read, not left to the first request
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
