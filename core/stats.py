"""Helpers the apps' public statistics (`<app>/stats.py`) share: the viewer's scope, a unit subtree, chunks.

`user=None` means no user scope: a trusted caller such as the dashboard's export command."""

CHUNK = 500


def visible(model, user):
    return model.objects.visible_to(user) if user is not None else model.objects.all()


def in_unit(queryset, unit, field="unit"):
    return queryset.filter(**{f"{field}__path__startswith": unit.path}) if unit is not None else queryset


def chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
