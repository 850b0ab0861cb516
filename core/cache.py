"""The shared cache (Redis, CACHE_URL) is an optimisation only: when it is down, a page computes without it and
says so, instead of failing with a 500. Every use of the cache goes through these functions.

    value, available = shared_cache.get(key)   # (None, False) when the cache cannot be reached
    values, available = shared_cache.get_many(keys)  # ({}, False) likewise
    shared_cache.set(key, value, seconds)      # False when it could not be stored
    shared_cache.set_many(values, seconds)     # likewise
"""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a dead or unreachable cache raises (redis-py's errors; a refused or reset socket may surface as OSError).
UNAVAILABLE = (RedisError, OSError)


def get(key):
    """(the cached value or None, whether the cache answered)."""
    try:
        return cache.get(key), True
    except UNAVAILABLE as error:
        logger.warning("cache unavailable, computing without it: %s", error)
        return None, False


def set(key, value, timeout):  # noqa: A001 (mirrors cache.set; used as shared_cache.set)
    try:
        cache.set(key, value, timeout)
    except UNAVAILABLE as error:
        logger.warning("cache unavailable, result not kept: %s", error)
        return False
    return True


def get_many(keys):
    """({key: value} of the keys present, whether the cache answered), in one round trip."""
    try:
        return cache.get_many(keys), True
    except UNAVAILABLE as error:
        logger.warning("cache unavailable, computing without it: %s", error)
        return {}, False


def set_many(values, timeout):
    try:
        cache.set_many(values, timeout)
    except UNAVAILABLE as error:
        logger.error("cache unavailable, entries not stored: %s", error)
        return False
    return True
