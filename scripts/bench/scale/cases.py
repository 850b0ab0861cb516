"""Petition cases (with encrypted informant identities), vetting cases with their steps, audits with findings."""

import contextlib
import datetime
from decimal import Decimal

from django.apps import apps

from core import workdays
from petitions import crypto, deadlines
from petitions.models import Petition as PetitionModel
from scripts.bench.scale import names
from scripts.bench.scale.loader import Table, max_id

QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@contextlib.contextmanager
def batched_deadlines():
    """The petitions app computes its deadlines with one TimeLimit query and a working-day walk per call; for
    150,000 cases the seed loads the time limits and the calendar once, through the hooks the apps offer for a
    batch (the same functions, the same results)."""
    with deadlines.limits_loaded(), workdays.shared_calendar():
        yield deadlines.compute


def _counter_start(series):
    """The last number issued per year in `series` (core.numbering), for numbering rows written in bulk."""
    return dict(apps.get_model("core", "YearlyCounter").objects.filter(series=series).values_list("year", "last"))


def _counter_save(series, counters):
    from core import numbering

    for year, last in counters.items():
        numbering.advance_to(series, year, last)


class Cases:
    def __init__(self, org, people, rng, today, log, months=60):
        self.org, self.people, self.rng, self.today, self.log = org, people, rng, today, log
        self.months = months
        self.petitions = []  # (id, code, unit_id, status, next_due, handler)
        self.vetting = []  # (id, number, handler, status)
        self.findings = []  # (id, audit_id, handler, deadline, open)

    def day_in_window(self):
        return self.today - datetime.timedelta(days=int(self.rng.random() ** 1.15 * self.months * 30.4))

    # --- petitions ---------------------------------------------------------------------------------------------------
    def petitions_status(self, age):
        rng = self.rng.random()
        if age > 120:
            table = [
                ("archived", 0.6),
                ("fed_back", 0.25),
                ("concluded", 0.05),
                ("merged", 0.03),
                ("voided", 0.02),
                ("on_hold", 0.05),
            ]
        elif age > 30:
            table = [
                ("investigating", 0.4),
                ("reviewing", 0.15),
                ("concluded", 0.15),
                ("fed_back", 0.2),
                ("transferred", 0.05),
                ("on_hold", 0.05),
            ]
        else:
            table = [("registered", 0.4), ("proposed", 0.25), ("investigating", 0.35)]
        for status, share in table:
            rng -= share
            if rng < 0:
                return status
        return table[-1][0]

    def build_petitions(self, count):
        from petitions.services import CASE_NUMBER_SERIES

        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        petitions = Table(get("petitions", "Petition"), rng)
        subjects = Table(get("petitions", "PetitionSubject"), rng)
        identities = Table(get("petitions", "ReporterIdentity"), rng)
        proposals = Table(get("petitions", "HandlingProposal"), rng)
        events = Table(get("petitions", "PetitionEvent"), rng)
        handlers = Table(get("petitions", "Petition").handlers.through)
        counters = _counter_start(CASE_NUMBER_SERIES)
        ids = {t: max_id(t.model) + 1 for t in (petitions, subjects, identities, proposals, events, handlers)}
        days = sorted(self.day_in_window() for _ in range(count))
        codes = set(get("petitions", "Petition").objects.values_list("query_code", flat=True))
        channels = ["phone_12380"] * 3 + ["web_12380"] * 4 + ["letter"] * 2 + ["visit", "sms", "superior", "discipline"]
        categories = list(names.PETITION_TOPICS)
        ring = crypto.keyring()
        with (
            batched_deadlines() as compute,
            petitions.copy() as write_p,
            subjects.copy() as write_s,
            identities.copy() as write_i,
            proposals.copy() as write_hp,
            events.copy() as write_e,
            handlers.copy() as write_h,
        ):
            for received in days:
                pid = ids[petitions]
                ids[petitions] += 1
                counters[received.year] = counters.get(received.year, 0) + 1
                code = f"XF-{received.year}-{counters[received.year]:05d}"
                while True:
                    query_code = "".join(rng.choice(QUERY_ALPHABET) for _ in range(8))
                    if query_code not in codes:
                        codes.add(query_code)
                        break
                cadre = rng.choice(self.people.cadres)
                cadre_id, unit_id, cname, post = cadre[0], cadre[1], cadre[2], cadre[3]
                category = rng.choice(categories)
                topic = rng.choice(names.PETITION_TOPICS[category])
                age = (today - received).days
                status = self.petitions_status(age)
                case_type = "accusation" if rng.random() < 0.8 else "petition_matter"
                is_named = rng.random() < 0.35
                handler = org.handler_for(unit_id, pid)
                head = org.heads[0]
                values = {
                    "id": pid,
                    "code": code,
                    "query_code": query_code,
                    "received_on": received,
                    "channel": rng.choice(channels),
                    "case_type": case_type,
                    "is_named": is_named,
                    "unit_id": unit_id,
                    "categories": [category],
                    "summary": f"反映{org.unit(unit_id)[7]}{post}{cname}{topic}",
                    "full_text": f"群众反映{org.unit(unit_id)[2]}{post}{cname}{topic}，"
                    "具体情况如下：时间、地点、经过较为明确。",
                    "clues_specific": rng.random() < 0.6,
                    "status": status,
                    "created_by_id": handler,
                    "duplicate_of_id": None,
                    "concluded_by_id": None,
                    "extension_approved_by_id": None,
                }
                advanced = status not in ("registered", "proposed", "voided", "merged")
                if status == "proposed":
                    values["proposed_disposal"] = "preliminary_check"
                if advanced:
                    disposal = {"on_hold": "hold", "transferred": "transfer"}.get(
                        status, rng.choice(["preliminary_check", "preliminary_check", "talk_inquiry", "close"])
                    )
                    values.update(
                        disposal=disposal, accepted_on=received + datetime.timedelta(days=rng.randrange(2, 9))
                    )
                    if is_named:
                        values.update(acceptance_notified_on=values["accepted_on"], acceptance_notice_method="phone")
                if status in ("concluded", "fed_back", "archived"):
                    concluded = min(today, values["accepted_on"] + datetime.timedelta(days=rng.randrange(20, 75)))
                    values.update(
                        conclusion=rng.choice(["true", "partly_true", "false", "false", "unverifiable"]),
                        concluded_on=concluded,
                        concluded_by_id=head,
                        conclusion_note="经核查，予以办结。",
                        findings="经初步核实，相关情况已查清。",
                    )
                    if status != "concluded":
                        values.update(
                            feedback_on=min(today, concluded + datetime.timedelta(days=5)),
                            feedback_method="phone",
                            feedback_content="已反馈办理结果",
                        )
                    if status == "archived":
                        values["archived_on"] = min(today, concluded + datetime.timedelta(days=20))
                if status == "voided":
                    values["void_reason"] = "误登记"
                if status == "merged" and self.petitions:
                    values["duplicate_of_id"] = self.petitions[-1][0]
                instance = PetitionModel(**{k: v for k, v in values.items() if k not in ("categories",)})
                compute(instance, transfers=[])
                for field in (
                    "acceptance_due",
                    "acceptance_due_provisional",
                    "forward_due",
                    "forward_due_provisional",
                    "handling_due",
                    "handling_due_provisional",
                    "feedback_due",
                    "feedback_due_provisional",
                    "next_due",
                    "next_due_provisional",
                    "next_due_label",
                ):
                    values[field] = getattr(instance, field)
                write_p(values)
                self.petitions.append((pid, code, unit_id, status, values["next_due"], handler))
                write_s(
                    {
                        "id": ids[subjects],
                        "petition_id": pid,
                        "cadre_id": cadre_id,
                        "name": "",
                        "unit_id": None,
                        "unit_text": "",
                        "post_title": post,
                    }
                )
                ids[subjects] += 1
                write_h({"id": ids[handlers], "petition_id": pid, "user_id": handler})
                ids[handlers] += 1
                if is_named:
                    # Informant identities are encrypted with the petitions app's own helpers, as services do.
                    phone = f"13{rng.randrange(10**9):09d}"
                    plain = {
                        "name_token": self.people.name(),
                        "id_number_token": "",
                        "phone_token": phone,
                        "address_token": f"{org.unit(unit_id)[2][:3]}某小区",
                    }
                    row = {
                        "id": ids[identities],
                        "petition_id": pid,
                        "phone_hash": crypto.keyed_hash(phone, ring=ring),
                        "id_number_hash": "",
                    }
                    for field, value in plain.items():
                        aad = f"petitions.reporteridentity.{field}:{pid}"
                        row[field] = crypto.encrypt(value, aad, ring=ring) if value else ""
                    write_i(row)
                    ids[identities] += 1
                at = org.dt(received, pid % 400)
                steps = [("register", "登记", "", "registered")]
                if status != "registered":
                    steps.append(("propose", "拟办", "registered", "proposed"))
                if advanced:
                    steps.append(
                        (
                            "approve",
                            "审批拟办",
                            "proposed",
                            status if status in ("investigating", "on_hold", "transferred") else "investigating",
                        )
                    )
                    write_hp(
                        {
                            "id": ids[proposals],
                            "petition_id": pid,
                            "disposal": values["disposal"],
                            "reason": "线索较具体，拟初步核实",
                            "proposed_by_id": handler,
                            "decision": "approved",
                            "decided_by_id": head,
                            "decided_at": at,
                            "decision_note": "同意",
                        }
                    )
                    ids[proposals] += 1
                elif status == "proposed":
                    write_hp(
                        {
                            "id": ids[proposals],
                            "petition_id": pid,
                            "disposal": "preliminary_check",
                            "reason": "线索较具体，拟初步核实",
                            "proposed_by_id": handler,
                            "decision": "pending",
                            "decided_by_id": None,
                            "decided_at": None,
                        }
                    )
                    ids[proposals] += 1
                if values.get("concluded_on"):
                    steps.append(("conclude", "审核办结", "reviewing", "concluded"))
                for n, (action, label, old, new) in enumerate(steps):
                    write_e(
                        {
                            "id": ids[events],
                            "petition_id": pid,
                            "at": at + datetime.timedelta(days=n * 7),
                            "actor_id": handler,
                            "action": action,
                            "label": label,
                            "from_status": old,
                            "to_status": new,
                            "note": "",
                        }
                    )
                    ids[events] += 1
        _counter_save(CASE_NUMBER_SERIES, counters)
        self.log(f"信访举报件 {petitions.count}（实名 {identities.count}，身份已加密），办理过程 {events.count}")
        return [petitions, subjects, identities, proposals, events, handlers]

    # --- vetting -----------------------------------------------------------------------------------------------------
    def build_vetting(self, count):
        from vetting.services import CASE_NUMBER_SERIES

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
        counters = _counter_start(CASE_NUMBER_SERIES)
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
        _counter_save(CASE_NUMBER_SERIES, counters)
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

    # --- audits ------------------------------------------------------------------------------------------------------
    def build_audits(self, count):
        from audits.services import CASE_NUMBER_SERIES

        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        classes = Table(get("audits", "UnitClassification"), rng)
        plans = Table(get("audits", "AuditPlan"), rng)
        audits = Table(get("audits", "Audit"), rng)
        subjects = Table(get("audits", "AuditSubject"), rng)
        findings = Table(get("audits", "Finding"), rng)
        results = Table(get("audits", "ResultUse"), rng)
        ids = {t: max_id(t.model) + 1 for t in (classes, plans, audits, subjects, findings, results)}
        seqs = _counter_start(CASE_NUMBER_SERIES)
        principals = [(uid, cid) for uid, cid in self.people.principals.items()]
        plan_of_year = {}
        categories = list(names.FINDING_TEXTS)
        with (
            classes.copy() as write_cls,
            plans.copy() as write_pl,
            audits.copy() as write_a,
            subjects.copy() as write_s,
            findings.copy() as write_f,
            results.copy() as write_r,
        ):
            for uid, _cid in principals:
                category = rng.choice("AABBBCCCD")
                write_cls(
                    {
                        "id": ids[classes],
                        "unit_id": uid,
                        "category": category,
                        "mode": {"A": "direct", "B": "direct", "C": "sampled", "D": "internal"}[category],
                        "basis": "",
                        "is_subject": True,
                        "updated_by_id": org.heads[0],
                    }
                )
                ids[classes] += 1
            for year in range(today.year - 4, today.year + 1):
                plan_of_year[year] = ids[plans]
                write_pl(
                    {
                        "id": ids[plans],
                        "code": plans.uuid(),
                        "year": year,
                        "unit_id": org.root[0],
                        "status": "approved",
                        "approved_on": datetime.date(year, 2, 15),
                        "approval_ref": f"审委〔{year}〕1号",
                        "approved_by_id": org.heads[0],
                        "created_by_id": org.heads[0],
                        "submitted_on": datetime.date(year, 2, 1),
                    }
                )
                ids[plans] += 1
            for _ in range(count):
                uid, cadre_id = rng.choice(principals)
                year = today.year - rng.randrange(5)
                seqs[year] = seqs.get(year, 0) + 1
                aid = ids[audits]
                ids[audits] += 1
                handler = org.handler_for(uid, aid)
                entry = datetime.date(year, rng.randrange(3, 10), rng.randrange(1, 28))
                if entry > today:
                    entry = today - datetime.timedelta(days=rng.randrange(1, 60))
                age = (today - entry).days
                status = (
                    "closed" if age > 500 else "results" if age > 200 else "reported" if age > 90 else "in_progress"
                )
                reported = entry + datetime.timedelta(days=60) if status != "in_progress" else None
                write_a(
                    {
                        "id": aid,
                        "code": audits.uuid(),
                        "number": f"JZSJ-{year}-{seqs[year]:03d}",
                        "year": year,
                        "seq": seqs[year],
                        "plan_id": plan_of_year[year],
                        "plan_entry_id": None,
                        "unit_id": uid,
                        "kind": rng.choice(["in_office", "in_office", "departure"]),
                        "mode": "direct",
                        "category": "B",
                        "period_start": datetime.date(year - 3, 1, 1),
                        "period_end": datetime.date(year - 1, 12, 31),
                        "auditing_body": "审计局",
                        "entry_date": entry,
                        "report_date": reported,
                        "result_report_date": reported,
                        "assessment": rng.choice(["good", "fairly_good", "fairly_good", "average", "poor"])
                        if reported
                        else "",
                        "violation_amount": Decimal(rng.randrange(0, 5_000_000)) / 100,
                        "summary": "",
                        "status": status,
                        "handler_id": handler,
                        "created_by_id": handler,
                    }
                )
                write_s(
                    {
                        "id": ids[subjects],
                        "audit_id": aid,
                        "cadre_id": cadre_id,
                        "post_title": "主要负责人",
                        "is_primary": True,
                    }
                )
                ids[subjects] += 1
                if reported is None:
                    continue
                for number in range(1, rng.randrange(2, 8)):
                    start = reported
                    deadline = start + datetime.timedelta(days=60)
                    if deadline < today - datetime.timedelta(days=30):
                        rect = rng.choice(["done"] * 8 + ["in_progress", "impossible"])
                    else:
                        rect = rng.choice(["pending", "in_progress", "done"])
                    fid = ids[findings]
                    ids[findings] += 1
                    write_f(
                        {
                            "id": fid,
                            "code": findings.uuid(),
                            "audit_id": aid,
                            "number": number,
                            "category": rng.choice(
                                ["fiscal", "decision", "assets", "project", "livelihood", "internal_control"]
                            ),
                            "amount": Decimal(rng.randrange(0, 1_000_000)) / 100,
                            "description": rng.choice(categories),
                            "responsibility": rng.choice(["direct", "leadership"]),
                            "responsible_cadre_id": cadre_id,
                            "created_by_id": handler,
                            "voided_at": None,
                            "rectification_required": "限期整改到位",
                            "rectification_status": rect,
                            "rectification_start": start,
                            "rectification_deadline": deadline,
                            "rectification_done_on": deadline - datetime.timedelta(days=5) if rect == "done" else None,
                        }
                    )
                    self.findings.append((fid, aid, handler, deadline, rect in ("pending", "in_progress")))
                if status in ("results", "closed") and rng.random() < 0.2:
                    write_r(
                        {
                            "id": ids[results],
                            "code": results.uuid(),
                            "audit_id": aid,
                            "cadre_id": cadre_id,
                            "kind": "assessment",
                            "date": reported + datetime.timedelta(days=30),
                            "reason": "审计结果纳入年度考核",
                            "measure_id": None,
                            "created_by_id": handler,
                        }
                    )
                    ids[results] += 1
        _counter_save(CASE_NUMBER_SERIES, seqs)
        self.log(f"审计项目 {audits.count}，发现问题 {findings.count}")
        return [classes, plans, audits, subjects, findings, results]
