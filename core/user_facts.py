"""What every page asks about its user — role names, the unit and the jurisdiction — kept in the shared cache, so a
request does not read them from the database again (issue 18: three queries of every page).

A cached entry is used only while it is still true:
- the unit ids are compared with the user row, which authentication reads on every request anyway, so an admin who
  changes a user's 管辖范围 (or 所在单位) takes effect on that user's next request;
- a change of roles (user.groups, either side of the relation) or of the user row gives the user a new version
  stamp, when it is made and again once it commits, so no entry stored from the rows before it matches again;
- a change to any unit (a move rewrites the paths below it, a new unit may fall outside a jurisdiction that covered
  every unit) or any role group starts a new generation, which makes every entry stale at once;
- an entry lives FACTS_SECONDS at most, which bounds a change missed while the cache was down.
With the cache down, everything is read from the database as before (core.cache).
"""

import time

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core import cache as shared_cache
from core.models import Unit, User

FACTS_SECONDS = 300
GENERATION_KEY = "user-facts:generation"
UNIT_RELATIONS = ("unit", "jurisdiction")  # the user's units every page shows or filters by
UNIT_FIELDS = ("id", "code", "name", "short_name", "kind", "parent_id", "sort_order", "path", "is_active")


def _key(pk):
    return f"user-facts:{pk}"


def _version_key(pk):
    return f"user-facts:{pk}:version"


def load(user):
    """The user's role names; also sets user.unit and user.jurisdiction from the same entry when not loaded yet."""
    keys = [_key(user.pk), _version_key(user.pk), GENERATION_KEY]
    cached, available = shared_cache.get_many(keys)
    # The stamp is read before the database: an entry stored from rows read before a change carries the old stamp.
    stamp = [cached.get(_version_key(user.pk)), cached.get(GENERATION_KEY)]
    facts = cached.get(_key(user.pk))
    if facts and stamp[1] is not None and facts["stamp"] == stamp and facts["units"] == _unit_ids(user):
        for relation, values in zip(UNIT_RELATIONS, facts["unit_rows"], strict=True):
            if values is not None and not getattr(User, relation).is_cached(user):
                setattr(user, relation, Unit.from_db("default", UNIT_FIELDS, values))
        user.jurisdiction_covers_all = facts["covers_all"]
        return frozenset(facts["roles"])
    roles = frozenset(user.groups.values_list("name", flat=True))
    if available:
        if stamp[1] is None:
            stamp[1] = _new_generation()
        user.jurisdiction_covers_all = _covers_all(user.jurisdiction)
        entry = {
            "stamp": stamp,
            "roles": sorted(roles),
            "units": _unit_ids(user),
            "unit_rows": [_row(getattr(user, relation)) for relation in UNIT_RELATIONS],
            "covers_all": user.jurisdiction_covers_all,
        }
        shared_cache.set(_key(user.pk), entry, FACTS_SECONDS)
    return roles


def _covers_all(jurisdiction):
    """Whether no unit lies outside the jurisdiction (a province office's root): core.scoping then needs no join to
    the unit tree, which at province scale is most of a list's count."""
    return jurisdiction is not None and not Unit.objects.exclude(path__startswith=jurisdiction.path).exists()


def _unit_ids(user):
    # Compared with the user row read on every request: a changed 所在单位 or 管辖范围 misses the entry at once.
    return [getattr(user, f"{relation}_id") for relation in UNIT_RELATIONS]


def _row(unit):
    return None if unit is None else tuple(getattr(unit, field) for field in UNIT_FIELDS)


def _new_generation():
    """A number no earlier generation had (the clock), also after the cache lost its keys."""
    generation = time.time_ns()
    shared_cache.set(GENERATION_KEY, generation, None)
    return generation


def _new_versions(pks):
    # Outlives every entry stored before it (FACTS_SECONDS), so none of them can match again.
    shared_cache.set_many({_version_key(pk): time.time_ns() for pk in pks}, 2 * FACTS_SECONDS)


def _forget(*pks):
    # Now, and again once committed (a request may read the old rows in between; its entry gets the middle stamp).
    _new_versions(pks)
    transaction.on_commit(lambda: _new_versions(pks))


def _forget_everyone():
    _new_generation()
    transaction.on_commit(_new_generation)


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        _forget(instance.pk)
    elif pk_set:
        _forget(*pk_set)  # group.user_set.add/remove(users)
    else:
        _forget_everyone()  # group.user_set.clear(): which users is no longer known


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance, **kwargs):
    _forget(instance.pk)


@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
def _tree_or_roles_changed(sender, **kwargs):
    _forget_everyone()
