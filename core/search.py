"""One search box across the apps (全局搜索).

Each app registers what it makes searchable (call `register` from AppConfig.ready(), as deadlines and the workbench
do): a `Source` says how to find its records for a user and a query, and how one record reads as a `Hit`. The
search view knows no app. Every source starts from the model's `visible_to(user)`, so a record of another
jurisdiction never appears, not even in a count. Informant identities are encrypted and are not a source: they are
searchable nowhere but on the identity page.

Chinese text is matched without word segmentation, through GIN indexes over the two-character pieces of a column
(`containing`: every piece of the query among the row's, then the plain LIKE as the exact check), so a name, a case
number or a phrase of any length reads the index, not the table; pg_trgm cannot serve a two-character pattern. A
source that matches on several columns uses `any_contains` (one BitmapOr over their indexes); what another table
decides (the cadres a name matches) comes in as a list of ids, read once per search (`Query.remember`), since a
subquery in an OR makes PostgreSQL read every row.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from core import audit

# Hits shown per app; the count beyond is exact up to COUNT_CAP ("100+" after it), which bounds the work.
HITS_PER_SOURCE = 5
COUNT_CAP = 100
MIN_LENGTH = 2  # one character matches half the records and says nothing
MAX_LENGTH = 50

_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")
_ID_NUMBER_IN_TEXT = re.compile(r"\d{17}[\dXx]|\d{15}")

_sources = []


@dataclass(frozen=True)
class Query:
    text: str
    # What one search works out once for every source (e.g. the ids of the cadres the text names): remember().
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def is_id_number(self):
        return bool(_ID_NUMBER.match(self.text))

    @property
    def id_number(self):
        return self.text.upper()


@dataclass(frozen=True)
class Hit:
    title: str  # whom or what it is about
    code: str  # the readable number, or "" when the record has none
    state: str  # the state's Chinese label
    url: str
    detail: str = ""  # one more line: unit and post, the matched summary
    deadline: object = None  # the next open deadline (a date), if the record has one
    deadline_label: str = ""


@dataclass(frozen=True)
class Source:
    label: str  # the group heading: 干部, 信访举报, ...
    order: int  # the groups' order on the page
    find: object  # find(user, query) -> a QuerySet built on visible_to(user), in display order
    hit: object  # hit(record) -> Hit
    list_url: object = None  # list_url(query) -> the app's own list filtered by the query, for "查看全部"


@dataclass(frozen=True)
class Group:
    label: str
    hits: list = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def capped(self):
        return self.total > COUNT_CAP

    @property
    def total_display(self):
        return f"{COUNT_CAP}+" if self.capped else str(self.total)


class Bigrams(models.Func):
    """The distinct two-character pieces of a text (SQL function core_bigrams, made by migration core 0010)."""

    function = "core_bigrams"
    output_field = ArrayField(models.CharField(max_length=2))


def bigrams(text):
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})


def containing(queryset, column, text):
    """The rows whose `column` contains `text`, through the GIN index over Bigrams(column): the index narrows to
    the rows holding every piece of the text, the LIKE keeps the exact matches."""
    return queryset.alias(_bigrams=Bigrams(column)).filter(_bigrams__contains=bigrams(text),
                                                          **{f"{column}__contains": text})


def any_contains(queryset, text, columns, *, ignore_case=(), also=None):
    """The rows where one of `columns` (each with a GIN index over Bigrams(column), or Bigrams(Upper(column)) for
    those in `ignore_case`) contains `text`, or that `also` (a Q on the same table's indexed columns) selects.
    Written as two conditions that select the same rows: one of index conditions only (a BitmapOr), one of the
    exact LIKEs; a row that passes a LIKE holds every piece of the text, so the second implies the first. One OR
    of (pieces AND LIKE) would have PostgreSQL compute every row's pieces again."""
    indexed, exact, aliases = Q(), Q(), {}
    for n, column in enumerate(columns):
        folded = column in ignore_case
        aliases[f"_bigrams{n}"] = Bigrams(models.functions.Upper(column) if folded else models.F(column))
        indexed |= Q(**{f"_bigrams{n}__contains": bigrams(text.upper() if folded else text)})
        exact |= Q(**{f"{column}__{'icontains' if folded else 'contains'}": text})
    if also is not None:
        indexed, exact = indexed | also, exact | also
    return queryset.alias(**aliases).filter(indexed).filter(exact)


def register(source):
    if all(existing.label != source.label for existing in _sources):
        _sources.append(source)
        _sources.sort(key=lambda s: s.order)
    return source


def sources():
    return list(_sources)


def clean(text):
    """The query as searched: spaces trimmed, or '' when too short to search. Over-long input is cut."""
    text = " ".join((text or "").split())[:MAX_LENGTH]
    return text if len(text) >= MIN_LENGTH else ""


def search(user, text):
    """The groups with at least one hit, in the sources' order. Two queries per source with a hit (one when it
    has fewer than HITS_PER_SOURCE), plus what the sources share through Query.remember."""
    text = clean(text)
    if not text:
        return []
    query = Query(text)
    groups = []
    for source in _sources:
        queryset = source.find(user, query)
        hits = [source.hit(record) for record in queryset[:HITS_PER_SOURCE]]
        if not hits:
            continue
        # Counted without the order: a count of at most COUNT_CAP + 1 rows stops there, unsorted.
        total = len(hits) if len(hits) < HITS_PER_SOURCE else queryset.order_by()[:COUNT_CAP + 1].count()
        more = source.list_url(query) if source.list_url and total > len(hits) else ""
        groups.append(Group(source.label, hits, total, more))
    return groups


def masked(text):
    """The query as the audit log keeps it: an ID number shows only its first 6 and last 4 characters."""
    return _ID_NUMBER_IN_TEXT.sub(lambda m: m.group()[:6] + "*" * (len(m.group()) - 10) + m.group()[-4:], text)


def record_search(request, text, groups):
    summary = f"搜索“{masked(clean(text))}”：" + "，".join(f"{g.label}{g.total_display}" for g in groups)
    audit.record_request(request, audit.Action.VIEW, "core.search.performed", summary=summary or "无结果")
