"""任职回避 (《党政领导干部任职回避暂行规定》): conflicts the records already reveal.

- 亲属回避 (第五条): a cadre and his spouse, direct blood relatives, collateral relatives within three generations or
  close in-laws may not serve in the same organ in a direct superior–subordinate relation (or under the same
  leader), nor one of them do 组织（人事）、纪检监察、审计、财务 work in the organ where the other leads. Relatives are
  the family members of the 任免审批表 (LRMX import and profile), in both directions: those the cadre registered, and
  the cadres who registered him. A family member is taken for a cadre of the system when the name is the same, the
  birth month agrees (or is not recorded) and the 工作单位及职务 names the cadre's unit — never certain, as the form
  carries no ID number: every such conflict is "疑似", with its evidence.
- 地域回避 (第九条): the posts of AvoidanceRules.regional_posts (county party secretary, county head, 组织部长, …;
  not their deputies) are not held in the county the cadre comes from (籍贯 or 出生地).

The same check serves the warning rule (current posts, registered below; blocking, so a vetting case stops until a
部领导 approves) and vetting's cross-check of a proposed appointment (`for_appointment`). A conflict the office has
dismissed (AvoidanceReview) is not raised again unless one of the facts it was found from changes.
"""

import hashlib
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from cadres.models import (
    AppointmentProfile,
    AvoidanceReview,
    AvoidanceRules,
    Cadre,
    CadreStatus,
    FamilyMember,
    PositionHistory,
)
from cadres.registry import register_appointment_check, register_warning_rule
from core import audit
from core.bundles import steps
from core.models import Unit
from core.refusals import Refused

LEADING = [CadreStatus.SERVING, CadreStatus.PROBATION]
KINSHIP = "亲属回避"
REGIONAL = "地域回避"
_PLACE = re.compile(r"^(?P<stem>.{2,}?)(?:县|区|市)(?:委|人民政府)$")


@dataclass(frozen=True)
class Post:
    unit: Unit
    title: str


@dataclass(frozen=True)
class Relative:
    """One relative of a cadre found among the cadres: who, how related, and why we think it is him."""

    cadre: Cadre
    relation: str  # as written: "妻子" (his registered family), or "李明登记其为丈夫" (the other's)
    evidence: tuple


@dataclass(frozen=True)
class Conflict:
    kind: str
    cadre: Cadre
    relative: Cadre | None
    reason: str
    evidence: tuple
    fingerprint: str
    suspected: bool = True

    @property
    def text(self):
        return f"{'疑似' if self.suspected else ''}{self.reason}（依据：{'；'.join(self.evidence)}）"


def _fingerprint(*facts):
    return hashlib.sha256("|".join(str(fact) for fact in facts).encode()).hexdigest()


# --- who is related to whom ------------------------------------------------------------------------------------

def _month(day):
    return date_format(day, "Y年n月")


def _evidence(member, candidate, units):
    """Why the family member `member` is taken for `candidate` (who served in `units`), or None when he is not."""
    if member.birth_month and (member.birth_month.year, member.birth_month.month) != (
            candidate.birth_date.year, candidate.birth_date.month):
        return None
    text = member.work_unit_and_post or ""
    named = next((name for unit in units for name in (unit.name, unit.short_name) if name and name in text), "")
    if not named:
        return None
    born = f"出生年月相同（{_month(candidate.birth_date)}）" if member.birth_month else "出生年月未登记"
    return ("姓名相同", born, f"工作单位及职务“{text}”含“{named}”")


def _units_served(cadres):
    """{cadre_id: [units]}: the current unit first, then every unit of the position history (the form may have
    been filled before a move)."""
    served = {cadre.pk: [cadre.unit] for cadre in cadres}
    for position in PositionHistory.objects.filter(cadre__in=[c.pk for c in cadres]).select_related("unit"):
        if position.unit not in served[position.cadre_id]:
            served[position.cadre_id].append(position.unit)
    return served


def relatives(cadres, rules):
    """{cadre_id: [Relative, ...]} for the cadres given (a list), among the serving cadres, both directions: the
    family they registered, and the cadres who registered one of them."""
    by_pk = {cadre.pk: cadre for cadre in cadres}
    found = {pk: [] for pk in by_pk}
    leading_names = Cadre.objects.filter(status__in=LEADING).values("name")
    rows = list(FamilyMember.objects.filter(relation__in=rules.relations).filter(
        Q(cadre__in=list(by_pk), name__in=leading_names)
        | Q(name__in={c.name for c in cadres}, cadre__status__in=LEADING)).select_related("cadre__unit"))
    if not rows:
        return found
    members = [row for row in rows if row.cadre_id in by_pk]
    candidates = list(Cadre.objects.filter(name__in={m.name for m in members}, status__in=LEADING)
                      .select_related("unit"))
    served = _units_served([*cadres, *candidates])
    for member in members:
        for candidate in candidates:
            evidence = (candidate.name == member.name and candidate.pk != member.cadre_id
                        and _evidence(member, candidate, served[candidate.pk]))
            if evidence:
                found[member.cadre_id].append(Relative(candidate, member.relation, evidence))
    for member in rows:
        for cadre in cadres:
            evidence = (cadre.name == member.name and cadre.pk != member.cadre_id
                        and _evidence(member, cadre, served[cadre.pk]))
            known = {relative.cadre.pk for relative in found[cadre.pk]}
            if evidence and member.cadre_id not in known:  # once per pair, his own registration first
                relation = f"{member.cadre.name}登记其为{member.relation}"
                found[cadre.pk].append(Relative(member.cadre, relation, evidence))
    return found


# --- which posts may not be held together ------------------------------------------------------------------------

def _supervising(title, rules):
    return next((word for word in rules.supervising_keywords if word in title), "")


def _kinship_reason(cadre, post, relative, rules):
    """Why `cadre` in `post` and `relative` (in his current post) may not serve together, or ''."""
    other = relative.cadre
    if other.unit_id != post.unit.pk:
        return ""
    unit = post.unit.display_name
    who = f"其亲属{other.name}（{relative.relation}）"
    if _supervising(other.post_title, rules):
        return f"{who}在其任职的{unit}从事组织（人事）、纪检监察、审计、财务工作（{other.post_title}）"
    if _supervising(post.title, rules):
        return f"本人在{who}任职的{unit}从事组织（人事）、纪检监察、审计、财务工作（{post.title}）"
    return f"与{who}同在{unit}任职（{post.title}；{other.post_title}），可能有直接上下级领导关系或直接隶属于同一领导"


def _regional_post(title, rules):
    for post in rules.regional_posts:
        at = title.find(post)
        if at >= 0 and not title[:at].endswith("副"):
            return post
    return ""


def _places(units):
    """{unit_id: the county's stem ("青溪")} from the nearest ancestor named like 青溪县委 / 青溪县人民政府."""
    ancestor_ids = {int(pk) for unit in units for pk in unit.path.strip("/").split("/") if pk}
    names = dict(Unit.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    places = {}
    for unit in units:
        for pk in reversed([int(pk) for pk in unit.path.strip("/").split("/") if pk]):
            match = _PLACE.match(names.get(pk, ""))
            if match:
                places[unit.pk] = match["stem"]
                break
    return places


def _regional_title(post, rules):
    # The regulation names the county's own leaders (党政机关): a township's or a hospital's 纪委书记 is not one.
    return _regional_post(post.title, rules) if post.unit.kind == Unit.Kind.PARTY_GOVERNMENT else ""


def _regional_reason(cadre, post, place, birthplace, rules):
    title = _regional_title(post, rules)
    if not title or not place:
        return "", ()
    origins = [(label, text) for label, text in (("籍贯", cadre.native_place), ("出生地", birthplace)) if text]
    hits = tuple(f"{label}“{text}”含“{place}”" for label, text in origins if place in text)
    if not hits:
        return "", ()
    return f"在本人成长地（{place}）担任{title}", hits


# --- the public checks -------------------------------------------------------------------------------------------

def _dismissed(fingerprints):
    return set(AvoidanceReview.objects.filter(fingerprint__in=fingerprints,
                                              decision=AvoidanceReview.Decision.DISMISSED)
               .values_list("fingerprint", flat=True))


def conflicts(cadres, posts=None, *, include_dismissed=False):
    """[Conflict, ...] of the cadres (a list) in their current posts, or in `posts` ({cadre_id: Post}) for a
    proposed appointment."""
    if not cadres:
        return []
    posts = posts or {}
    rules = AvoidanceRules.current()
    related = relatives(cadres, rules)
    held = {cadre.pk: posts.get(cadre.pk) or Post(cadre.unit, cadre.post_title) for cadre in cadres}
    regional = [pk for pk, post in held.items() if _regional_title(post, rules)]
    places = _places({held[pk].unit for pk in regional}) if regional else {}
    birthplaces = dict(AppointmentProfile.objects.filter(cadre__in=regional).values_list("cadre_id", "birthplace")
                       ) if regional else {}
    found = []
    for cadre in cadres:
        post = held[cadre.pk]
        for relative in related[cadre.pk]:
            reason = _kinship_reason(cadre, post, relative, rules)
            if reason:
                pair = sorted([cadre.pk, relative.cadre.pk])
                found.append(Conflict(KINSHIP, cadre, relative.cadre, reason, relative.evidence, _fingerprint(
                    KINSHIP, *pair, relative.relation, post.unit.pk, post.title, relative.cadre.unit_id,
                    relative.cadre.post_title)))
        reason, evidence = _regional_reason(cadre, post, places.get(post.unit.pk), birthplaces.get(cadre.pk), rules)
        if reason:
            found.append(Conflict(REGIONAL, cadre, None, reason, evidence, _fingerprint(
                REGIONAL, cadre.pk, post.unit.pk, post.title, cadre.native_place, birthplaces.get(cadre.pk)),
                suspected=False))
    if include_dismissed or not found:
        return found
    dismissed = _dismissed([conflict.fingerprint for conflict in found])
    return [conflict for conflict in found if conflict.fingerprint not in dismissed]


def _worth_checking(cadres, rules):
    """The serving cadres of the queryset with a relative's name among the cadres, or named as someone's relative,
    or in a post of 地域回避: the only ones the check can flag (one query, so a list of cadres costs no more)."""
    leading_names = Cadre.objects.filter(status__in=LEADING).values("name")
    kin = FamilyMember.objects.filter(relation__in=rules.relations)
    has_relative = Exists(kin.filter(cadre=OuterRef("pk"), name__in=leading_names))
    is_relative = Exists(kin.filter(name=OuterRef("name")).exclude(cadre=OuterRef("pk")))
    regional = Q(pk__in=[])
    for post in rules.regional_posts:
        regional |= Q(post_title__contains=post)
    return (cadres.filter(status__in=LEADING).filter(has_relative | is_relative | regional).select_related("unit")
            .order_by("unit__path", "pk"))


@register_warning_rule("avoidance", "任职回避", blocking=True)
@steps
def avoidance_rule(cadres, on_date):
    """The warning: conflicts of the cadres in their current posts."""
    flagged = {}
    worth_checking = yield _worth_checking(cadres, (yield from AvoidanceRules.current_steps()))
    for conflict in conflicts(worth_checking):
        flagged.setdefault(conflict.cadre.pk, []).append(conflict.text)
    return flagged


@register_appointment_check("avoidance", "任职回避")
def for_appointment(cadre, unit, post_title, on_date):
    """Vetting's cross-check of a proposed appointment: the conflicts the new post would create."""
    return [conflict.text for conflict in conflicts([cadre], {cadre.pk: Post(unit, post_title)})]


def in_jurisdiction(user):
    """Every current conflict among the cadres the user sees, dismissed ones included (the page shows the
    decision): [(Conflict, AvoidanceReview or None)]."""
    cadres = list(_worth_checking(Cadre.objects.visible_to(user), AvoidanceRules.current()))
    found = conflicts(cadres, include_dismissed=True)
    reviews = {review.fingerprint: review for review in AvoidanceReview.objects.filter(
        fingerprint__in=[conflict.fingerprint for conflict in found]).select_related("decided_by")}
    return [(conflict, reviews.get(conflict.fingerprint)) for conflict in found]


@transaction.atomic
def decide(user, fingerprint, decision, reason, *, request=None):
    """Confirm or dismiss one current conflict the user sees, with a reason; audited."""
    if decision not in AvoidanceReview.Decision.values:
        raise Refused("请选择核实结论", field="decision")
    if not reason.strip():
        raise Refused("请填写核实理由", field="reason")
    conflict = next((c for c, _ in in_jurisdiction(user) if c.fingerprint == fingerprint), None)
    if conflict is None:
        raise Refused("该情形已不存在（相关任职或家庭成员信息已变化），请刷新页面")
    review, _ = AvoidanceReview.objects.update_or_create(fingerprint=fingerprint, defaults={
        "cadre": conflict.cadre, "relative": conflict.relative, "summary": conflict.reason[:300],
        "decision": decision, "reason": reason.strip(), "decided_by": user, "decided_at": timezone.now()})
    audit.record(user, audit.Action.UPDATE, "cadres.avoidance.reviewed", conflict.cadre, request=request,
                 summary=f"任职回避核实：{conflict.cadre.name} {review.get_decision_display()}",
                 changes={"reason": conflict.reason, "decision": decision, "note": reason.strip()})
    return review
