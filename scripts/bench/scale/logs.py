"""Joint-meeting reports and items, notifications, and the audit log with its hash chain."""

import datetime

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.audit import event_hash
from scripts.bench.scale import names
from scripts.bench.scale.loader import Table, max_id


def month_starts(today, months):
    first = today.replace(day=1)
    out = []
    for _ in range(months):
        out.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return sorted(out)


class Liaison:
    def __init__(self, org, people, rng, today, log, months=60):
        self.org, self.people, self.rng, self.today, self.log, self.months = org, people, rng, today, log, months
        self.busiest = None

    def build(self, items_count):
        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        MemberUnit = get("liaison", "MemberUnit")
        periods = month_starts(today, self.months + 1)[:-1]  # the months before the current one
        members = []
        for order, uid in enumerate(org.member_units):
            group, _ = Group.objects.get_or_create(name=f"联络员-{org.unit(uid)[1]}")
            member = MemberUnit.objects.create(unit_id=uid, group=group, active_from=periods[0], sort_order=order)
            liaison = org.liaison_by_unit.get(uid)
            if liaison:
                group.user_set.add(liaison)
            members.append(member)
        reports = Table(get("liaison", "Report"), rng)
        perms = Table(get("liaison", "ReportGroupObjectPermission"), rng)
        items = Table(get("liaison", "ReportItem"), rng)
        disposals = Table(get("liaison", "Disposal"), rng)
        ids = {t: max_id(t.model) + 1 for t in (reports, perms, items, disposals)}
        permission_ids = [
            Permission.objects.get(content_type__app_label="liaison", codename=codename).pk
            for codename in ("view_report", "change_report")
        ]
        # The busiest month: a little over twice the usual number of items (an inspection round, say).
        self.busiest = periods[len(periods) * 2 // 3]
        weights = [2.2 if period == self.busiest else 1.0 for period in periods]
        per_report = items_count / (sum(weights) * len(members))
        signer = org.heads[0]
        with reports.copy() as write_r, perms.copy() as write_p, items.copy() as write_i, disposals.copy() as write_d:
            for p_index, period in enumerate(periods):
                due = (period + datetime.timedelta(days=32)).replace(day=15)
                for member in members:
                    rid = ids[reports]
                    ids[reports] += 1
                    liaison = org.liaison_by_unit.get(member.unit_id)
                    latest = p_index == len(periods) - 1
                    status = rng.choice(["draft", "submitted"]) if latest else "signed"
                    submitted = org.dt(due - datetime.timedelta(days=rng.randrange(-3, 10)))
                    n_items = int(per_report * weights[p_index] * (0.5 + rng.random()) + rng.random())
                    write_r(
                        {
                            "id": rid,
                            "code": reports.uuid(),
                            "member_unit_id": member.pk,
                            "kind": "monthly",
                            "period": period,
                            "due_date": due,
                            "status": status,
                            "is_nil": n_items == 0,
                            "nil_statement": "本月无相关情况" if n_items == 0 else "",
                            "first_submitted_at": submitted if status != "draft" else None,
                            "submitted_at": submitted if status != "draft" else None,
                            "submitted_by_id": liaison if status != "draft" else None,
                            "signed_at": submitted + datetime.timedelta(days=2) if status == "signed" else None,
                            "signed_by_id": signer if status == "signed" else None,
                            "created_by_id": liaison,
                            "returned_by_id": None,
                        }
                    )
                    for permission in permission_ids:
                        write_p(
                            {
                                "id": ids[perms],
                                "group_id": member.group_id,
                                "permission_id": permission,
                                "content_object_id": rid,
                            }
                        )
                        ids[perms] += 1
                    for _ in range(n_items):
                        cadre = rng.choice(self.people.cadres)
                        matched = rng.random() < 0.7
                        iid = ids[items]
                        ids[items] += 1
                        write_i(
                            {
                                "id": iid,
                                "code": items.uuid(),
                                "report_id": rid,
                                "cadre_id": cadre[0] if matched else None,
                                "cadre_name": cadre[2],
                                "cadre_post": f"{org.unit(cadre[1])[7]}{cadre[3]}",
                                "is_principal": cadre[5],
                                "aspect": rng.choice(
                                    ["political_rules", "performance", "discipline", "conduct", "public_opinion"]
                                ),
                                "description": rng.choice(names.ITEM_TEXTS),
                                "source": "本单位掌握",
                                "occurred_on": period + datetime.timedelta(days=rng.randrange(28)),
                                "severity": rng.choice(["minor"] * 6 + ["serious", "severe"]),
                                "matched_by_id": signer if matched else None,
                                "matched_at": submitted if matched else None,
                                "created_by_id": liaison,
                                "voided_at": None,
                            }
                        )
                        if status == "signed" and rng.random() < 0.3:
                            write_d(
                                {
                                    "id": ids[disposals],
                                    "code": disposals.uuid(),
                                    "item_id": iid,
                                    "action": rng.choice(["archive", "archive", "reminder_talk", "feedback"]),
                                    "decided_on": due + datetime.timedelta(days=5),
                                    "feedback": "已阅",
                                    "created_by_id": signer,
                                }
                            )
                            ids[disposals] += 1
        self.log(
            f"成员单位 {len(members)}，通报 {reports.count}，通报事项 {items.count}（最多的月份 {self.busiest:%Y-%m}）"
        )
        return [reports, perms, items, disposals]


class Logs:
    def __init__(self, org, rng, today, log, *, petitions, vetting, audits):
        """`petitions`, `vetting`, `audits`: the case builders, whose rows the events and notifications name."""
        self.org, self.rng, self.today, self.log = org, rng, today, log
        self.petition_cases, self.vetting_cases, self.audit_cases = petitions, vetting, audits

    def notifications(self, count):
        org, rng, today = self.org, self.rng, self.today
        Notification = apps.get_model("core", "Notification")
        table = Table(Notification, rng)
        next_id = max_id(Notification) + 1
        get_ct = ContentType.objects.get_for_model
        pools = []
        petition_ct = get_ct(apps.get_model("petitions", "Petition")).pk
        pools.append(
            [
                (
                    "petitions.acceptance",
                    petition_ct,
                    str(p[0]),
                    p[4] or today,
                    p[5],
                    f"/petitions/{p[1]}/",
                    f"{p[1]}受理告知期限",
                )
                for p in self.petition_cases.petitions
            ]
        )
        finding_ct = get_ct(apps.get_model("audits", "Finding")).pk
        pools.append(
            [
                ("audits.rectification", finding_ct, str(f[0]), f[3], f[2], "", "审计发现问题整改期限")
                for f in self.audit_cases.findings
            ]
        )
        case_ct = get_ct(apps.get_model("vetting", "VettingCase")).pk
        pools.append(
            [
                (
                    "vetting.opinion_reply",
                    case_ct,
                    str(v[0]),
                    today,
                    v[2],
                    f"/vetting/{v[1]}/",
                    f"{v[1]}征求意见回复期限",
                )
                for v in self.vetting_cases.vetting
            ]
        )
        targets = [t for pool in pools for t in pool]
        rng.shuffle(targets)
        levels = ["notice", "warning", "overdue"]
        with table.copy() as write:
            written, round_no = 0, 0
            while written < count and targets:
                for kind, ct, target_id, due, recipient, url, title in targets:
                    if written >= count:
                        break
                    due_date = due - datetime.timedelta(days=7 * round_no)
                    read = due_date < today - datetime.timedelta(days=30)
                    write(
                        {
                            "id": next_id,
                            "recipient_id": recipient,
                            "kind": kind,
                            "target_type_id": ct,
                            "target_id": target_id,
                            "title": title,
                            "url": url,
                            "due_date": due_date,
                            "level": levels[round_no % 3],
                            "read_at": org.dt(due_date) if read else None,
                        }
                    )
                    next_id += 1
                    written += 1
                round_no += 1
        self.log(f"待办提醒 {table.count}")
        return [table]

    def audit_events(self, count, chain=True):
        """Append `count` events spread over the data window, in time order, each chained to the one before with
        the real core.audit.event_hash (HMAC-SM3 with the configured key)."""
        org, rng, today = self.org, self.rng, self.today
        AuditEvent = apps.get_model("core", "AuditEvent")
        table = Table(AuditEvent, rng)
        next_id = max_id(AuditEvent) + 1
        prev = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""
        users = list(
            apps.get_model("core", "User")
            .objects.filter(pk__in=org.office_users + org.heads)
            .values_list("pk", "username")
        )
        petitions = self.petition_cases.petitions or [(0, "XF-0000-00000", 0, "", None, 0)]
        start = datetime.datetime.combine(
            today - datetime.timedelta(days=60 * 30), datetime.time(1), tzinfo=datetime.UTC
        )
        span = (
            datetime.datetime.combine(today, datetime.time(0), tzinfo=datetime.UTC) - start
        ).total_seconds()
        step = span / max(count, 1)
        actions = names.AUDIT_ACTIONS
        event = _Event()
        with table.copy() as write:
            for n in range(count):
                actor_id, username = users[n % len(users)]
                action, name, target_type, summary = actions[rng.randrange(len(actions))]
                petition = petitions[rng.randrange(len(petitions))]
                if target_type == "core.user":
                    target_id, target_repr = str(actor_id), username
                elif target_type:
                    target_id, target_repr = petition[1], petition[1]
                else:
                    target_id = target_repr = ""
                event.id = next_id
                event.at = start + datetime.timedelta(seconds=n * step)
                event.actor_id = actor_id
                event.actor_username = username
                event.ip = f"10.{(actor_id >> 8) % 256}.{actor_id % 256}.{n % 200 + 20}"
                event.action, event.name, event.target_type = action, name, target_type
                event.target_id, event.target_repr, event.summary, event.changes = target_id, target_repr, summary, {}
                row_hash = event_hash(event, prev) if chain else ""
                write(
                    {
                        "id": next_id,
                        "at": event.at,
                        "actor_id": actor_id,
                        "actor_username": username,
                        "ip": event.ip,
                        "action": action,
                        "name": name,
                        "target_type": target_type,
                        "target_id": target_id,
                        "target_repr": target_repr,
                        "summary": summary,
                        "changes": {},
                        "prev_hash": prev if chain else "",
                        "row_hash": row_hash,
                    }
                )
                if chain:
                    prev = row_hash
                next_id += 1
        self.log(f"审计日志 {table.count}{'（哈希链已计算）' if chain else '（未计算哈希链）'}")
        return [table]


class _Event:
    """What core.audit.event_hash reads from an event, without building model instances."""

    __slots__ = (
        "id",
        "at",
        "actor_id",
        "actor_username",
        "ip",
        "action",
        "name",
        "target_type",
        "target_id",
        "target_repr",
        "summary",
        "changes",
    )


def analyze(tables):
    """Planner statistics for the loaded tables; outside a transaction also VACUUM, which sets the visibility map
    (index-only scans) as autovacuum would have done by the time a real database is this size."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
