"""State of the services the platform needs, for /healthz and monitoring."""

import redis
from django.conf import settings
from django.db import connection


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down" to a health check
        return False


def redis_ok():
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except Exception:  # any failure means "down" to a health check
        return False
