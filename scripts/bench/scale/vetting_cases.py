"""Vetting cases (任前把关) with their steps, as far as each case has gone."""

import contextlib
import datetime
from decimal import Decimal

from django.apps import apps

from scripts.bench.scale.cases import CaseBuilder, counter_save, counter_start
from scripts.bench.scale.loader import Table, max_id
from vetting.services.common import CASE_NUMBER_SERIES


class VettingCases(CaseBuilder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vetting = []  # (id, number, handler, status)

    def build_vetting(self, count):
        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        cases = Table(get("vetting", "VettingCase"), rng)
        batches = Table(get("vetting", "Batch"), rng)
        tables = {
            name: Table(get("vetting", name), rng)
            for name in (
                "Recommendation",
                "ArchiveReview",
                "DisciplineOpinion",
                "OpinionRequest",
                "Publicity",
                "Appointment",
                "StepEvent",
                "CrossCheck",
                "CrossCheckItem",
            )
        }
        ids = {t: max_id(t.model) + 1 for t in (cases, batches, *tables.values())}
        counters = counter_start(CASE_NUMBER_SERIES)
        days = sorted(self.day_in_window() for _ in range(count))
        batch_of_month = {}
        order = ["recommendation", "inspection", "publicity", "talk", "probation", "appointed"]
        with cases.copy() as write_c, batches.copy() as write_b:
            writers = {}
            with contextlib.ExitStack() as stack:
                for name, table in tables.items():
                    writers[name] = stack.enter_context(table.copy())
                for opened in days:
                    cid = ids[cases]
                    ids[cases] += 1
                    counters[opened.year] = counters.get(opened.year, 0) + 1
                    number = f"RQ-{opened.year}-{counters[opened.year]:04d}"
                    cadre = rng.choice(self.people.cadres)
                    unit_id = cadre[1]
                    handler = org.handler_for(unit_id, cid)
                    age = (today - opened).days
                    if age > 400:
                        status = rng.choice(["appointed"] * 9 + ["terminated"])
                    elif age > 60:
                        status = rng.choice(["appointed", "probation", "probation", "terminated", "suspended"])
                    else:
                        status = rng.choice(order[:4])
                    month = opened.replace(day=1)
                    batch_id = None
                    if status in ("appointed", "probation", "talk"):
                        if month not in batch_of_month:
                            batch_of_month[month] = ids[batches]
                            write_b(
                                {
                                    "id": ids[batches],
                                    "code": batches.uuid(),
                                    "unit_id": org.root[0],
                                    "kind": "department_meeting",
                                    "title": f"部务会{month.year}年第{month.month}次会议",
                                    "meeting_date": month + datetime.timedelta(days=20),
                                    "note": "",
                                    "created_by_id": handler,
                                }
                            )
                            ids[batches] += 1
                        batch_id = batch_of_month[month]
                    write_c(
                        {
                            "id": cid,
                            "number": number,
                            "cadre_id": cadre[0],
                            "proposed_unit_id": unit_id,
                            "proposed_title": "局长" if not cadre[5] else "县委常委",
                            "proposed_rank": "division_deputy",
                            "move_kind": "promotion",
                            "is_principal_post": rng.random() < 0.3,
                            "is_elected_post": False,
                            "probation_required": True,
                            "batch_id": batch_id,
                            "handler_id": handler,
                            "status": status,
                            "suspended_from": "inspection" if status == "suspended" else "",
                            "status_reason": "群众反映问题待核实" if status in ("suspended", "terminated") else "",
                            "opened_on": opened,
                            "closed_on": opened + datetime.timedelta(days=90)
                            if status in ("appointed", "terminated")
                            else None,
                            "created_by_id": handler,
                        }
                    )
                    self.vetting.append((cid, number, handler, status))
                    self._vetting_steps(writers, ids, tables, cid, opened, status, handler, order)
        counter_save(CASE_NUMBER_SERIES, counters)
        self.log(f"任前把关 {cases.count}，全程纪实 {tables['StepEvent'].count}")
        return [cases, batches, *tables.values()]

    def _vetting_steps(self, w, ids, t, cid, opened, status, handler, order):
        rng = self.rng
        at = self.org.dt(opened, cid % 400)
        stage = order.index(status) if status in order else 2

        def add(name, values):
            values["id"] = ids[t[name]]
            ids[t[name]] += 1
            w[name](values)
            return values["id"]

        cast = rng.randrange(30, 120)
        votes = int(cast * (0.45 + rng.random() * 0.5))
        add(
            "Recommendation",
            {
                "case_id": cid,
                "held_on": opened,
                "votes_cast": cast,
                "votes_for": votes,
                "threshold": Decimal("50.00"),
                "below_threshold": votes * 2 < cast,
                "recorded_by_id": handler,
                "recorded_at": at,
                "override_reason": "经研究继续推进" if votes * 2 < cast else "",
            },
        )
        add(
            "StepEvent",
            {
                "case_id": cid,
                "step": "recommendation",
                "verb": "登记民主推荐结果",
                "detail": f"得票{votes}/{cast}",
                "actor_id": handler,
                "actor_name": "",
                "at": at,
            },
        )
        if stage >= 1:
            add(
                "ArchiveReview",
                {
                    "case_id": cid,
                    "reviewed_on": opened + datetime.timedelta(days=5),
                    "result": "clear",
                    "problems": [],
                    "recorded_by_id": handler,
                    "recorded_at": at,
                },
            )
            replied = stage >= 2
            add(
                "DisciplineOpinion",
                {
                    "case_id": cid,
                    "requested_on": opened + datetime.timedelta(days=3),
                    "reply_days": 5,
                    "reply_deadline": opened + datetime.timedelta(days=10),
                    "replied_on": opened + datetime.timedelta(days=8) if replied else None,
                    "conclusion": "no_issues" if replied else "",
                    "recorded_by_id": handler,
                    "recorded_at": at,
                },
            )
            for department in ("police", "audit"):
                add(
                    "OpinionRequest",
                    {
                        "case_id": cid,
                        "department": department,
                        "department_name": "",
                        "requested_on": opened + datetime.timedelta(days=3),
                        "reply_days": 5,
                        "reply_deadline": opened + datetime.timedelta(days=10),
                        "replied_on": opened + datetime.timedelta(days=9) if replied else None,
                        "reply": "未发现问题" if replied else "",
                        "recorded_by_id": handler,
                        "recorded_at": at,
                    },
                )
            for n, verb in enumerate(("档案审核完成", "函请纪委监委回复意见", "征求意见")):
                add(
                    "StepEvent",
                    {
                        "case_id": cid,
                        "step": "archive",
                        "verb": verb,
                        "detail": "",
                        "actor_id": handler,
                        "actor_name": "",
                        "at": at + datetime.timedelta(days=n + 3),
                    },
                )
            check = add(
                "CrossCheck",
                {"case_id": cid, "occasion": "opening", "run_on": opened, "run_at": at, "run_by_id": handler},
            )
            if rng.random() < 0.2:
                add(
                    "CrossCheckItem",
                    {
                        "crosscheck_id": check,
                        "source": "warning",
                        "code": "report_count",
                        "label": "被举报较多",
                        "reason": "12个月内被举报3次",
                        "blocking": False,
                    },
                )
        if stage >= 2:
            start = opened + datetime.timedelta(days=30)
            add(
                "Publicity",
                {
                    "case_id": cid,
                    "start_date": start,
                    "end_date": start + datetime.timedelta(days=7),
                    "min_end_date": start + datetime.timedelta(days=7),
                    "scope": "全县范围",
                    "outcome": "no_objection" if stage >= 3 else "",
                    "recorded_by_id": handler,
                    "recorded_at": at,
                    "decided_by_id": handler if stage >= 3 else None,
                    "decided_on": start + datetime.timedelta(days=8) if stage >= 3 else None,
                },
            )
        if stage >= 4:
            appointed = opened + datetime.timedelta(days=50)
            done = status == "appointed"
            add(
                "Appointment",
                {
                    "case_id": cid,
                    "appointed_on": appointed,
                    "document_no": f"组干〔{appointed.year}〕{cid % 300}号",
                    "probation_end": appointed + datetime.timedelta(days=365),
                    "probation_result": "competent" if done else "",
                    "recorded_by_id": handler,
                    "recorded_at": at,
                    "assessed_on": appointed + datetime.timedelta(days=366) if done else None,
                    "assessed_by_id": handler if done else None,
                },
            )
            add(
                "StepEvent",
                {
                    "case_id": cid,
                    "step": "appointment",
                    "verb": "任职",
                    "detail": "",
                    "actor_id": handler,
                    "actor_name": "",
                    "at": at + datetime.timedelta(days=50),
                },
            )

