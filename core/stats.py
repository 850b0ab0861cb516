"""Helpers the apps' public statistics (`<app>/stats.py`) share: the viewer's scope, a unit subtree, a period,
chunks.

`user=None` means no user scope: a trusted caller such as the dashboard's export command."""

CHUNK = 500


def visible(model, user):
    return model.objects.visible_to(user) if user is not None else model.objects.all()


def in_unit(queryset, unit, field="unit"):
    return queryset.filter(**{f"{field}__path__startswith": unit.path}) if unit is not None else queryset


def in_period(queryset, field, start=None, end=None):
    """Rows whose date `field` falls in [start, end]; a missing end leaves that side open."""
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset


def chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
