"""One search box across the apps (全局搜索).

Each app registers what it makes searchable (call `register` from AppConfig.ready(), as deadlines and the workbench
do): a `Source` says how to find its records for a user and a query, and how one record reads as a `Hit`. The
search view knows no app. Every source starts from the model's `visible_to(user)`, so a record of another
jurisdiction never appears, not even in a count. Informant identities are encrypted and are not a source: they are
searchable nowhere but on the identity page.

Chinese text is matched without word segmentation: a two-character query goes through the bigram indexes made for
names (cadres_name_bigrams), longer ones through the pg_trgm GIN indexes, so a name, an ID number, a case number or
a phrase are all a plain `contains`.
"""

import re
from dataclasses import dataclass, field

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
    """The groups with at least one hit, in the sources' order. Runs two queries per source."""
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
        total = len(hits) if len(hits) < HITS_PER_SOURCE else queryset[:COUNT_CAP + 1].count()
        more = source.list_url(query) if source.list_url and total > len(hits) else ""
        groups.append(Group(source.label, hits, total, more))
    return groups


def masked(text):
    """The query as the audit log keeps it: an ID number shows only its first 6 and last 4 characters."""
    return _ID_NUMBER_IN_TEXT.sub(lambda m: m.group()[:6] + "*" * (len(m.group()) - 10) + m.group()[-4:], text)


def record_search(request, text, groups):
    summary = f"搜索“{masked(clean(text))}”：" + "，".join(f"{g.label}{g.total_display}" for g in groups)
    audit.record_request(request, audit.Action.VIEW, "core.search.performed", summary=summary or "无结果")
