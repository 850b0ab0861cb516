"""Economic-responsibility audits (经济责任审计) with their findings and the use made of the results."""

import datetime
from decimal import Decimal

from django.apps import apps

from audits.services import CASE_NUMBER_SERIES
from scripts.bench.scale import names
from scripts.bench.scale.cases import CaseBuilder, counter_save, counter_start
from scripts.bench.scale.loader import Table, max_id


class AuditCases(CaseBuilder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = []  # (id, audit_id, handler, deadline, open)

    def build_audits(self, count):
        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        classes = Table(get("audits", "UnitClassification"), rng)
        plans = Table(get("audits", "AuditPlan"), rng)
        audits = Table(get("audits", "Audit"), rng)
        subjects = Table(get("audits", "AuditSubject"), rng)
        findings = Table(get("audits", "Finding"), rng)
        results = Table(get("audits", "ResultUse"), rng)
        ids = {t: max_id(t.model) + 1 for t in (classes, plans, audits, subjects, findings, results)}
        seqs = counter_start(CASE_NUMBER_SERIES)
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
        counter_save(CASE_NUMBER_SERIES, seqs)
        self.log(f"审计项目 {audits.count}，发现问题 {findings.count}")
        return [classes, plans, audits, subjects, findings, results]
