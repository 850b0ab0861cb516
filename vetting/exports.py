"""任前审查意见表: one case on one sheet. `sheet(case)` is what the print page shows; `sheet_rows(case)` yields the
same content as rows for the Excel download (core.xlsx_table writes them)."""

from django.utils import timezone

from cadres.warnings import reason_shown_to, without_family
from core.xlsx_table import TableLayout, table_bytes
from vetting import checklist, workflow

TITLE = "任前审查意见表"


def _date(value):
    return f"{value:%Y-%m-%d}" if value else ""


def _who(user):
    return user.display_name if user else ""


def candidate_facts(case):
    cadre = case.cadre
    return [
        ("姓名", cadre.name), ("性别", cadre.get_gender_display()),
        ("出生年月", f"{cadre.birth_date:%Y-%m}"), ("民族", cadre.ethnicity),
        ("籍贯", cadre.native_place), ("入党时间", f"{cadre.party_joined_on:%Y-%m}" if cadre.party_joined_on else ""),
        ("学历", cadre.education), ("现任职务", case.post_at_opening_display),
        ("拟任职务", f"{case.proposed_unit.display_name}{case.proposed_title}（{case.get_proposed_rank_display()}）"),
        ("任用方式", case.get_move_kind_display() + ("，实行试用期一年" if case.probation_required else "")),
        ("会议批次", str(case.batch) if case.batch else ""), ("案件编号", case.number),
    ]


def _mark(item):
    if not item.blocking:
        return "【提示】"
    return "【阻止任职·已经部领导批准】" if item.overridden else "【阻止任职】"


def crosscheck_lines(case, user=None):
    """The cross-checks as lines; family details only for a `user` who may see them (none without a user)."""
    lines = []
    for check in sorted(case.crosschecks.all(), key=lambda c: (c.run_at, c.pk)):
        items = list(check.items.all())
        found = "；".join(f"{_mark(i)}{i.label}：{i.reason}" for i in items)
        found = reason_shown_to(user, found) if user else without_family(found)
        lines.append(f"{check.get_occasion_display()}（{check.run_on:%Y-%m-%d}）：{found or '未发现预警事项'}")
        if check.is_overridden:
            lines.append(f"部领导{_who(check.overridden_by)}于{check.overridden_at:%Y-%m-%d}书面批准："
                         f"{check.override_reason}")
    return lines


def sheet(case, user=None):
    return {
        "title": TITLE,
        "facts": candidate_facts(case),
        "steps": checklist.build(case),
        "crosscheck": crosscheck_lines(case, user),
        "status": case.get_status_display(),
        "status_reason": case.status_reason,
        "handler": _who(case.handler),
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "ready": workflow.meeting_readiness(case),
    }


def sheet_rows(case, user=None):
    """(label, value, detail) rows, in the order of the printed sheet."""
    data = sheet(case, user)
    for label, value in data["facts"]:
        yield (label, value, "")
    for item in data["steps"]:
        recorded = f"{_who(item.recorded_by)} {_date(item.recorded_at and timezone.localtime(item.recorded_at))}"
        detail = "\n".join(line for line in item.lines if line)
        yield (item.label, f"【{item.state_label}】{item.summary}", (detail + "\n" if detail else "")
               + (f"经办：{recorded.strip()}" if item.recorded_by else ""))
    yield ("预警核对", "\n".join(data["crosscheck"]) or "未核对", "")
    status = data["status"] + (f"：{data['status_reason']}" if data["status_reason"] else "")
    yield ("办理状态", status, "")
    yield ("经办人", data["handler"], f"启动{_date(data['opened_on'])}"
           + (f"，办结{_date(data['closed_on'])}" if data["closed_on"] else ""))


SHEET_LAYOUT = TableLayout(TITLE, ["项目", "情况", "经办及说明"], widths=[18, 50, 60], wrap=True)


def sheet_workbook(case, user=None):
    return table_bytes(SHEET_LAYOUT, sheet_rows(case, user),
                       title=f"{TITLE}　{case.number}　导出日期{timezone.localdate():%Y-%m-%d}")
