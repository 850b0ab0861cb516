"""Demo data for vetting: cases at every stage, built with the real services so that the 全程纪实, the audit log and
the cross-checks are what the application would have written. Dates are relative to today (deadlines are live).
Deterministic and idempotent (skips when any case exists).

- two meetings (常委会): one next week with the candidates under inspection, one last year with appointed ones;
- 民主推荐: one candidate with nothing recorded yet (for the walkthrough) and one below 50% awaiting a decision;
- 考察: one half-way (an overdue 征求意见 reply, the 纪委监委 reply pending), one complete and ready for the meeting;
- 任前公示 running with a phone call not yet verified; 任前廉政谈话 pending after a clean publicity;
- 试用期 ending within 30 days (the scan reminds), 已任职 after a 胜任 assessment, 免去试用职务 after 不胜任;
- 暂缓 during inspection; 终止 after 档案审核 found a falsified date of birth.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from cadres import idcard, registry
from cadres.models import Cadre, CadreStatus, Rank
from core.demo import COUNTIES
from core.models import Unit
from vetting import posts
from vetting.models import (
    ArchiveProblem,
    ArchiveResult,
    Batch,
    Department,
    DisciplineConclusion,
    FeedbackChannel,
    FeedbackConclusion,
    MeetingKind,
    MoveKind,
    PersonalMattersResult,
    ProbationResult,
    PublicityOutcome,
    TalkBody,
    VettingCase,
)
from vetting.services import appointing, inspecting, lifecycle, publicizing

SEED = 20261007
DEPUTY_TO_PRINCIPAL = {
    Rank.SECTION_DEPUTY: Rank.SECTION_CHIEF,
    Rank.DIVISION_DEPUTY: Rank.DIVISION_CHIEF,
}
PLEDGE = b"%PDF-1.4\n% demo: signed integrity pledge (scanned)\n%%EOF\n"


def _days(today, n):
    return today + datetime.timedelta(days=n)


def _flagged(on_date):
    """(cadres any warning rule flags, cadres a blocking rule flags) today."""
    flagged, blocking = set(), set()
    everyone = Cadre.objects.all()
    for rule in registry.warning_rules().values():
        try:
            found = set((rule.evaluate(everyone, on_date) or {}).keys())
        except Exception:  # noqa: S112 (a broken rule only narrows the choice of demo candidates)
            continue
        flagged |= found
        if rule.blocking:
            blocking |= found
    return flagged, blocking


def _no_open_cases(cadre):
    return not any(ref.is_open for ref in registry.cases_about(cadre))


def _candidates(context, today, wanted=12):
    """`wanted` clean deputies (no warning, no open case, in post for two years), and one with a blocking warning
    but no open case that would stop the inspection (or None)."""
    cadres = context.get("cadres") or list(Cadre.objects.order_by("id"))
    if not cadres:
        cadres = _make_cadres(context)
    flagged, blocking = _flagged(today)
    # 县委 itself (and the city above it) is not vetted here
    top = set(Unit.objects.filter(Q(parent__isnull=True) | Q(code__in=COUNTIES)).values_list("pk", flat=True))
    two_years_ago = _days(today, -730)
    deputies = [c for c in cadres if c.rank in DEPUTY_TO_PRINCIPAL and not c.is_principal
                and "副" in c.post_title.split("、")[-1] and c.unit_id not in top
                and c.status == CadreStatus.SERVING and (c.post_since is None or c.post_since < two_years_ago)]
    rng = random.Random(SEED)  # noqa: S311 (demo data)
    rng.shuffle(deputies)
    pool = []
    for cadre in deputies:
        if cadre.pk not in flagged and _no_open_cases(cadre):
            pool.append(cadre)
            if len(pool) == wanted:
                break
    blocked = next((c for c in deputies if c.pk in blocking and _no_open_cases(c)), None)
    return pool, blocked


def _make_cadres(context):
    """Only when the cadres app seeded nobody: a few deputies to vet."""
    units = context["units"]
    rows = [("周明远", "M", datetime.date(1982, 3, 14), "QX-DSZ", "副镇长"),
            ("吴晓静", "F", datetime.date(1985, 7, 2), "QX-JY", "副局长"),
            ("郑海波", "M", datetime.date(1979, 11, 23), "QX-CZ", "副局长"),
            ("孙立新", "M", datetime.date(1983, 5, 9), "QX-CGZ", "副镇长"),
            ("刘佳琪", "F", datetime.date(1986, 1, 30), "QX-WJ", "副主任"),
            ("何振宇", "M", datetime.date(1980, 8, 17), "QX-XHX", "副乡长"),
            ("马思远", "M", datetime.date(1984, 12, 6), "QX-JT", "副局长"),
            ("林慧", "F", datetime.date(1981, 4, 21), "QX-RS", "副局长"),
            ("高德华", "M", datetime.date(1978, 9, 3), "QX-ZRZY", "副局长"),
            ("罗晨阳", "M", datetime.date(1987, 2, 11), "QX-NPJD", "副主任"),
            ("谢雨欣", "F", datetime.date(1985, 10, 28), "QX-TJ", "副局长"),
            ("唐俊", "M", datetime.date(1983, 6, 15), "QX-GA", "副局长")]
    made = []
    for n, (name, gender, birth, unit, title) in enumerate(rows):
        made.append(Cadre.objects.create(
            name=name, gender=gender, birth_date=birth, id_number=idcard.make(birth, gender, sequence=700 + n),
            unit=units[unit], post_title=title, rank=Rank.SECTION_DEPUTY, post_since=datetime.date(2019, 3, 1),
            education="大学本科", party_joined_on=birth.replace(year=birth.year + 22)))
    context["cadres"] = made
    return made


def _principal_title(cadre):
    """副局长 → 局长, 党组成员、副局长 → 局长, 党委副书记 → 党委书记."""
    return cadre.post_title.split("、")[-1].replace("副", "", 1)


class _Builder:
    def __init__(self, context, today):
        self.today = today
        self.staff = [context["users"]["staff01"], context["users"]["staff02"]]
        self.head = context["users"]["head01"]
        self.leader = context["users"]["leader01"]

    def open(self, cadre, opened_on, handler, batch=None, move_kind=MoveKind.PROMOTION):
        return lifecycle.open_case(
            cadre=cadre, proposed_unit=cadre.unit, proposed_title=_principal_title(cadre),
            proposed_rank=DEPUTY_TO_PRINCIPAL[cadre.rank], move_kind=move_kind, is_principal_post=True,
            handler=handler, actor=handler, batch=batch, opened_on=opened_on)

    def recommend(self, case, held_on, cast, votes):
        inspecting.record_recommendation(case, held_on=held_on, votes_cast=cast, votes_for=votes, actor=case.handler)

    def inspect(self, case, start):
        self.recommend(case, start, 58, 47)
        inspecting.start_inspection(case, actor=case.handler)

    def checks(self, case, start, *, complete=True):
        who = case.handler
        inspecting.record_archive_review(case, reviewed_on=_days(start, 2), result=ArchiveResult.CLEAR, problems=[],
                                         findings="三龄二历一身份经审核无问题。", actor=who)
        inspecting.record_personal_matters(case, checked_on=_days(start, 4), result=PersonalMattersResult.CONSISTENT,
                                           notes="重点查核：房产、投资、出国（境）证件与报告一致。", actor=who)
        inspecting.request_discipline_opinion(case, requested_on=_days(start, 1), actor=who)
        police = inspecting.request_opinion(case, department=Department.POLICE, requested_on=_days(start, 1),
                                            actor=who)
        health = inspecting.request_opinion(case, department=Department.HEALTH, requested_on=_days(start, 1),
                                            actor=who)
        inspecting.request_opinion(case, department=Department.PETITION, requested_on=_days(start, 1), actor=who)
        inspecting.record_opinion_reply(case, police.code, replied_on=_days(start, 4), reply="无违法犯罪记录。",
                                        actor=who)
        if not complete:
            return
        inspecting.record_opinion_reply(case, health.code, replied_on=_days(start, 5), reply="无违反计划生育政策情况。",
                                        actor=who)
        inspecting.record_opinion_reply(case, case.opinion_requests.get(department=Department.PETITION).code,
                                        replied_on=_days(start, 6), reply="未发现涉及该同志的信访事项。", actor=who)
        inspecting.record_discipline_reply(case, replied_on=_days(start, 6), conclusion=DisciplineConclusion.NO_ISSUES,
                                           reply="经查，未发现该同志有违纪违法问题线索。", actor=who)
        inspecting.complete_petition_check(case, checked_on=_days(start, 7),
                                           conclusion="经查信访举报、联席会议通报及审计，未发现需查清的问题。",
                                           actor=who)
        inspecting.record_exam(case, exam_date=_days(start, 8), score_party_rules=86, score_law=78, score_integrity=91,
                               actor=who)

    def publicity(self, case, start):
        self.inspect(case, start)
        self.checks(case, start)
        return publicizing.start_publicity(case, start_date=_days(start, 12),
                                           scope="青溪县人民政府网、县委组织部公示栏", actor=case.handler)

    def talk(self, case, start):
        publicity = self.publicity(case, start)
        # The outcome is recorded once the period's last day has passed.
        publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION,
                                     decided_on=_days(publicity.end_date, 1), actor=case.handler)
        return publicity

    def appoint(self, case, start):
        publicity = self.talk(case, start)
        talk_date = _days(publicity.end_date, 3)
        appointing.record_talk(case, talk_date=talk_date, bodies=[TalkBody.ORGANIZATION, TalkBody.DISCIPLINE],
                               talkers="王建国（县委组织部副部长）、县纪委监委党风政风监督室主任",
                               key_points="严守政治纪律和政治规矩；严格执行中央八项规定精神；管好家属和身边工作人员。",
                               pledge=ContentFile(PLEDGE, name="廉政承诺书.pdf"), actor=case.handler)
        # 确认任职 is the 部领导's (vetting.permissions.can_appoint).
        return appointing.appoint(case, appointed_on=_days(talk_date, 2), document_no=f"青组干〔{talk_date.year}〕"
                                  f"{case.pk + 10}号", actor=self.leader)


def seed(context):
    if VettingCase.objects.exists():
        return
    today = timezone.localdate()
    pool, flagged = _candidates(context, today)
    if len(pool) < 12:
        return  # too few cadres to show every stage
    b = _Builder(context, today)
    staff01, staff02 = b.staff
    units = context["units"]
    next_meeting = Batch.objects.create(
        unit=units["QX"], kind=MeetingKind.STANDING_COMMITTEE, title=f"县委常委会{today.year}年第18次会议",
        meeting_date=_days(today, 7), note="研究乡镇和县直部门正职人选", created_by=staff01)
    last_year = Batch.objects.create(
        unit=units["QX"], kind=MeetingKind.STANDING_COMMITTEE, title=f"县委常委会{today.year - 1}年第9次会议",
        meeting_date=_days(today, -400), created_by=staff01)
    committee = Batch.objects.create(
        unit=units["QX-ZZB"], kind=MeetingKind.DEPARTMENT_MEETING, title=f"县委组织部部务会{today.year}年第30次会议",
        meeting_date=_days(today, -60), created_by=staff01)

    # 民主推荐: the walkthrough candidate (nothing recorded yet), and one below 50% awaiting a decision.
    b.open(pool[0], _days(today, -2), staff01, batch=next_meeting)
    low = b.open(pool[1], _days(today, -10), staff02, batch=next_meeting)
    b.recommend(low, _days(today, -8), 62, 27)

    # 考察: half-way (police replied; 卫健 overdue, 信访 and 纪委监委 pending), and complete (ready for the meeting).
    halfway = b.open(pool[2], _days(today, -14), staff01, batch=next_meeting)
    b.inspect(halfway, _days(today, -13))
    b.checks(halfway, _days(today, -12), complete=False)
    ready = b.open(pool[3], _days(today, -25), staff02, batch=next_meeting)
    b.inspect(ready, _days(today, -24))
    b.checks(ready, _days(today, -23))

    # 任前公示 running, one phone call not yet verified; then 任前廉政谈话 pending.
    running = b.open(pool[4], _days(today, -40), staff01, batch=committee)
    b.publicity(running, _days(today, -16))
    publicizing.record_feedback(running, received_on=_days(today, -2), channel=FeedbackChannel.CALL,
                                content="反映该同志分管征地拆迁期间对群众态度生硬。", actor=staff01)
    talk = b.open(pool[5], _days(today, -50), staff02, batch=committee)
    b.talk(talk, _days(today, -45))

    # 试用期 ending within 30 days; 已任职 after 胜任; 免去试用职务 after 不胜任.
    probation = b.open(pool[6], _days(today, -375), staff01, batch=last_year)
    b.appoint(probation, _days(today, -370))
    confirmed = b.open(pool[7], _days(today, -460), staff02, batch=last_year)
    appointment = b.appoint(confirmed, _days(today, -455))
    appointing.assess_probation(confirmed, result=ProbationResult.COMPETENT, assessed_on=appointment.probation_end,
                                note="试用期考核：德才表现好，群众认可度高，胜任。", actor=staff02)
    removed = b.open(pool[8], _days(today, -470), staff01, batch=last_year)
    appointment = b.appoint(removed, _days(today, -466))
    before = posts.pre_trial_post(removed, appointment)  # work arranged at the post held before the trial
    appointing.assess_probation(removed, result=ProbationResult.INCOMPETENT, assessed_on=appointment.probation_end,
                                note="试用期内重点工作推进不力，考核测评不胜任票超过三分之一，免去试用职务。",
                                arranged_unit=before.unit, arranged_title=before.post_title, arranged_rank=before.rank,
                                actor=staff01)

    # 暂缓 during inspection; 终止 after 档案审核 found a falsified date of birth.
    held = b.open(pool[9], _days(today, -30), staff02, batch=committee)
    b.inspect(held, _days(today, -29))
    lifecycle.suspend(held, "考察期间收到反映其亲属经商问题的来信，待查清后再行研究。", actor=staff02)
    falsified = b.open(pool[10], _days(today, -35), staff01, batch=committee)
    b.inspect(falsified, _days(today, -34))
    inspecting.record_archive_review(
        falsified, reviewed_on=_days(today, -30), result=ArchiveResult.FALSIFIED, problems=[ArchiveProblem.BIRTH_DATE],
        findings="干部档案中最早的1996年招工登记表记载出生日期为1972年3月，后续材料改为1976年3月，"
                 "且无组织认定手续，属涂改出生日期。按最早记载认定，已超过拟任职务年龄要求。", actor=staff01)
    lifecycle.terminate(falsified, "档案审核发现出生日期造假，取消考察对象资格，移交纪委监委处理。", actor=b.head)

    # A transfer (转任): no exam, no probation, appointed directly.
    lateral = b.open(pool[11], _days(today, -90), staff02, batch=committee, move_kind=MoveKind.TRANSFER)
    b.appoint(lateral, _days(today, -85))

    # A candidate with a blocking warning, at the talk: appointment waits for a 部领导's written decision.
    if flagged is not None:
        blocked = b.open(flagged, _days(today, -45), staff01, batch=next_meeting)
        b.talk(blocked, _days(today, -44))
    _verified_feedback(running, staff01)


def _verified_feedback(case, actor):
    """A second, verified item on the running publicity, so that the page shows both kinds."""
    item = publicizing.record_feedback(case, received_on=case.publicity.start_date, channel=FeedbackChannel.ONLINE,
                                       content="网络留言询问该同志学历情况。", actor=actor)
    publicizing.verify_feedback(case, item.code, conclusion=FeedbackConclusion.UNTRUE,
                                verification="经核查学历学位证书及学信网记录，学历真实。",
                                verified_on=_days(case.publicity.start_date, 1), actor=actor)
