"""seed(...): the whole synthetic data set, loaded with COPY, indexes built after."""

import datetime
import random
import time
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from core import tallies
from scripts.bench.scale.audit_cases import AuditCases
from scripts.bench.scale.loader import Table, deferred_indexes, reset_sequences
from scripts.bench.scale.logs import Liaison, Logs, analyze
from scripts.bench.scale.org import Org
from scripts.bench.scale.people import People
from scripts.bench.scale.petition_cases import PetitionCases
from scripts.bench.scale.vetting_cases import VettingCases

# Province targets of the issue; the other scales are fractions of them.
PROVINCE = {
    "cadres": 200_000,
    "petitions": 150_000,
    "vetting": 30_000,
    "audits": 10_000,
    "items": 200_000,
    "notifications": 1_000_000,
    "audit_events": 5_000_000,
    "counties": 98,
}
SCALES = {"county": 0.01, "city": 0.1, "province": 1.0}

# Tables the load writes with COPY: their secondary indexes and constraints are built after loading.
LOADED_MODELS = [
    ("core", "Unit"),
    ("cadres", "Cadre"),
    ("cadres", "PositionHistory"),
    ("cadres", "AnnualAssessment"),
    ("cadres", "PersonalMattersReport"),
    ("cadres", "Verification"),
    ("cadres", "SupervisionMeasure"),
    ("petitions", "Petition"),
    ("petitions", "PetitionSubject"),
    ("petitions", "ReporterIdentity"),
    ("petitions", "HandlingProposal"),
    ("petitions", "PetitionEvent"),
    ("vetting", "VettingCase"),
    ("vetting", "Batch"),
    ("vetting", "Recommendation"),
    ("vetting", "ArchiveReview"),
    ("vetting", "DisciplineOpinion"),
    ("vetting", "OpinionRequest"),
    ("vetting", "Publicity"),
    ("vetting", "Appointment"),
    ("vetting", "StepEvent"),
    ("vetting", "CrossCheck"),
    ("vetting", "CrossCheckItem"),
    ("audits", "UnitClassification"),
    ("audits", "AuditPlan"),
    ("audits", "Audit"),
    ("audits", "AuditSubject"),
    ("audits", "Finding"),
    ("audits", "ResultUse"),
    ("liaison", "Report"),
    ("liaison", "ReportGroupObjectPermission"),
    ("liaison", "ReportItem"),
    ("liaison", "Disposal"),
    ("core", "Notification"),
    ("core", "AuditEvent"),
]


@dataclass
class Result:
    counts: dict
    seconds: float
    busiest_month: datetime.date
    root_code: str
    tag: str
    head_username: str


def targets(scale=None, factor=None):
    factor = SCALES[scale] if scale else factor
    out = {key: max(1, round(value * factor)) for key, value in PROVINCE.items()}
    out["counties"] = max(1, round(PROVINCE["counties"] * factor))
    return out


def _tables():
    names = [apps.get_model(app, model)._meta.db_table for app, model in LOADED_MODELS]
    names.append(apps.get_model("petitions", "Petition").handlers.through._meta.db_table)
    return names


def seed(
    *,
    scale=None,
    factor=None,
    seed=2026,
    today=None,
    log=print,
    defer_indexes=True,
    chain=True,
    audit_events=None,
    ddl_file=None,
):
    """Load one synthetic data set (a new unit tree beside anything already there). Returns a Result."""
    started = time.monotonic()
    today = today or timezone.localdate()
    wanted = targets(scale, factor)
    if audit_events is not None:
        wanted["audit_events"] = audit_events
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible from the seed)
    Unit = apps.get_model("core", "Unit")
    run_no = Unit.objects.filter(parent__isnull=True, code__regex=r"^SC[0-9]+-(ROOT|K000)$").count() + 1
    tag = f"SC{run_no}"
    log(f"生成 {tag}：{wanted}（种子 {seed}，基准日 {today:%Y-%m-%d}）")
    tables = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        org = Org(rng, tag, wanted["counties"], today, log)
        people = People(org, rng, today, log)
        petitions = PetitionCases(org, people, rng, today, log)
        vetting = VettingCases(org, people, rng, today, log)
        audits = AuditCases(org, people, rng, today, log)
        liaison = Liaison(org, people, rng, today, log)
        logs = Logs(org, rng, today, log, petitions=petitions, vetting=vetting, audits=audits)
        context = deferred_indexes(_tables(), log=log, ddl_file=ddl_file) if defer_indexes else _null()
        with context:
            tables.append(org.build_units())
            org.build_users()
            tables += people.build(wanted["cadres"])
            tables += people.build_records()
            tables += petitions.build_petitions(wanted["petitions"])
            tables += vetting.build_vetting(wanted["vetting"])
            tables += audits.build_audits(wanted["audits"])
            tables += liaison.build(wanted["items"])
            tables += logs.notifications(wanted["notifications"])
            step = time.monotonic()
            tables += logs.audit_events(wanted["audit_events"], chain=chain)
            log(f"审计日志用时 {time.monotonic() - step:.0f} 秒")
        reset_sequences(tables + [Table(apps.get_model("core", "User"))])  # users are made with explicit ids
    analyze(sorted({table.name for table in tables}))
    step = time.monotonic()
    tallies.rebuild_all()  # the dashboard's per-unit counts: COPY sends no signal
    log(f"看板统计汇总用时 {time.monotonic() - step:.0f} 秒")
    counts = {}
    for table in tables:
        counts[table.model._meta.label] = counts.get(table.model._meta.label, 0) + table.count
    seconds = time.monotonic() - started
    log(f"完成：{sum(counts.values())} 行，用时 {seconds:.0f} 秒")
    return Result(
        counts,
        seconds,
        liaison.busiest,
        org.root[1],
        tag,
        apps.get_model("core", "User").objects.get(pk=org.heads[0]).username,
    )


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
