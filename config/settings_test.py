"""Fast, deterministic settings for the test suite (still PostgreSQL)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # emptied per test (conftest)
DEBUG = False
WHITENOISE_AUTOREFRESH = True  # serve from the finders; tests never run collectstatic
# Deterministic informant-identity keys for the tests (petitions.crypto); never used outside the test suite.
PETITION_KEYS = "test1:000102030405060708090a0b0c0d0e0f,test2:f0e0d0c0b0a090807060504030201000"
PETITION_ACTIVE_KEY = "test1"
PETITION_HASH_KEY = "7465737420686d61632d736d33206b6579207465737420686d61632d736d3320"
AUDIT_LOG_KEY = "746573742d61756469742d636861696e2d6b6579"
