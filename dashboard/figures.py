"""The dashboard's figures and charts, computed once here for the page and for the monthly workbook's cover (so
the two always agree). Everything comes from the owning apps' public statistics (petitions.stats, vetting.stats,
audits.stats, liaison.stats, cadres.stats), by SQL aggregation in a fixed number of queries whatever the amount of
data; petitions and supervision measures from their per-unit tallies (core.tallies; their whole-tree totals when
the view is every unit), warnings from the snapshot's per-unit counts (WarningCount), audits from the year
headlines (audits.stats.headlines); `direct=True`: counted from the cases and the snapshot's rows, and the audits'
full year summaries, the reference the tallies, counts and headlines are tested against.

    board = figures.build(user, Period.month(2026, 10), unit=None, today=date(2026, 11, 23))
    board.sections → [Section(title, figures=[Figure ...], details=[Figure ...])]
    board.charts   → {"petitions_by_month": {...}, ...} (JSON-ready, every element with its "url")
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, partial
from typing import NamedTuple

from django.utils import timezone

from audits import stats as audit_stats
from cadres import stats as cadre_stats
from cadres.dates import add_months
from core import cache as shared_cache
from core.models import Unit
from core.scoping import regions_below
from dashboard import links
from dashboard.periods import Period
from liaison import stats as liaison_stats
from petitions import stats as petition_stats
from vetting import stats as vetting_stats

# Compliance states counted as "reported" (submitted, on time, nil or late) and as "expected" (not inactive).
REPORTED_STATES = ("on_time", "nil", "late")
EXPECTED_STATES = ("on_time", "nil", "late", "missing", "pending")


@dataclass
class Figure:
    key: str
    label: str
    value: object  # int, Decimal (a percentage) or None (nothing to measure)
    previous: object = None
    url: str = ""
    suffix: str = "件"
    previous_label: str = ""
    percent: bool = False
    note: str = ""

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def display(self):
        return _display(self.value, self.percent)

    @property
    def previous_display(self):
        return _display(self.previous, self.percent)

    @property
    def change_display(self):
        change = self.change
        if change is None:
            return ""
        text = f"{abs(change)}个百分点" if self.percent else f"{abs(change)}"
        return f"增{text}" if change > 0 else (f"减{text}" if change < 0 else "持平")

    @property
    def change_class(self):
        change = self.change
        if not change:
            return "flat"
        return "up" if change > 0 else "down"


def _display(value, percent=False):
    if value is None:
        return "—"
    return f"{value}%" if percent else f"{value}"


@dataclass
class Section:
    key: str
    title: str
    figures: list = field(default_factory=list)
    details: list = field(default_factory=list)  # smaller figures (by stage, by rule, by kind)
    details_title: str = ""


@dataclass
class Board:
    period: Period
    unit: object
    today: datetime.date
    liaison_month: datetime.date
    sections: list = field(default_factory=list)
    charts: dict = field(default_factory=dict)
    regions: list = field(default_factory=list)  # Region rows: the figures by county, for a city user
    computed_at: datetime.datetime | None = None
    cache_unavailable: bool = False  # computed live because the shared cache is down (core.cache)

    def section(self, key):
        return next(section for section in self.sections if section.key == key)

    def headline(self):
        """Every headline figure, in page order (the workbook cover lists the same)."""
        return [figure for section in self.sections for figure in section.figures]


def liaison_month(period, today):
    """The month whose member-unit reports the figures show: the period's last month, but never the current
    month (its reports are due next month) — so in November the figures are about October's reports."""
    last = period.end.replace(day=1)
    current = today.replace(day=1)
    return min(last, add_months(current, -1))


BOARD_SECONDS = 60


def for_page(user, period, unit=None, today=None, *, fresh=False):
    """build() for the dashboard page, kept for a minute per user, period and unit (a province's board takes a
    couple of seconds of SQL; a leader going back and forth between drill-downs should not wait each time). The
    page says when it was computed and offers to recompute (`fresh`). Per user, because a scope is the user's
    own (a case naming the user is never counted for him). A dead cache only costs the minute's reuse."""
    today = today or timezone.localdate()
    key = f"dashboard:board:{user.pk}:{period.key}:{unit.code if unit else ''}:{today.isoformat()}"
    board, available = (None, True) if fresh else shared_cache.get(key)
    if board is None:
        board = build(user, period, unit, today)
        board.computed_at = timezone.now()
        available = shared_cache.set(key, board, BOARD_SECONDS) and available
        board.cache_unavailable = not available
    return board


def build(user, period, unit=None, today=None, *, charts=True, regions=True, direct=False):
    """The board. Petitions and supervision measures are summed from the stored per-unit tallies (core.tallies),
    warnings from the snapshot's per-unit counts (WarningCount), audits from their year headlines; `direct=True`
    counts the cases and the snapshot's rows themselves, and takes the audits' full summaries, instead: the
    reference the tallies, counts and headlines are tested against. `regions=False` leaves out the breakdown by
    county (a caller that shows the sections only)."""
    today = today or timezone.localdate()
    board = Board(period=period, unit=unit, today=today, liaison_month=liaison_month(period, today))
    scope = {"user": user, "unit": unit}
    previous = period.previous()
    sources = _sources(board, scope, previous, direct)
    petitions = _petitions(board, scope, previous, sources["petitions"])
    vetting = _vetting(board, scope, previous)
    audit_summary, audit_section = _audits(board, scope, sources["audits"])
    matrix, liaison = _liaison(board, user, unit)
    warnings, warned = _warnings(board, scope, previous, sources["warnings"])
    measures = _measures(board, scope, previous, sources["measures"])
    board.sections = [petitions, vetting, audit_section, liaison, warnings, measures]
    units = cache(partial(_units_below, scope))  # read once, if the counties or the by-unit chart need them
    board.regions = _regions(board, scope, matrix, sources, warned, units) if regions else []
    if charts:
        board.charts = {
            **_petition_charts(board, scope, sources["petitions"], units),
            "findings": _findings_chart(board, audit_summary),
            "compliance": _compliance_chart(board, matrix),
        }
    return board


def _sources(board, scope, previous, direct):
    """Where the petition and measure figures come from: the apps' direct statistics, or their tallies over the
    months the board shows (the period, the one before it, the twelve months of the trend); the audits' from the
    full year summary, or from its headline figures alone."""
    if direct:
        return {"petitions": petition_stats, "measures": cadre_stats, "warnings": cadre_stats,
                "audits": _audit_summaries}
    first = min(previous.start, _trend_start(board.period))
    window = {**scope, "first": first, "last": board.period.end}
    return {"petitions": petition_stats.FromTallies(**window), "measures": cadre_stats.FromTallies(**window),
            "warnings": cadre_stats.WarningCounts, "audits": audit_stats.headlines}


def _audit_summaries(dates, **scope):
    """{year: the full year summary}, as audit_stats.headlines answers: the reference it is tested against."""
    return {year: audit_stats.summary(year, on_date=on_date, **scope) for year, on_date in dates.items()}


def _trend_start(period):
    return add_months(period.end.replace(day=1), -11)


# --- sections -------------------------------------------------------------------------------------------------

def _petitions(board, scope, previous, counts):

    period, today = board.period, board.today
    now = counts.totals(period.as_of(today), start=period.start, end=period.end, **scope)
    before = counts.totals(previous.as_of(today), start=previous.start, end=previous.end, **scope)
    flow = counts.flow(start=period.start, end=period.end, **scope)
    flow_before = counts.flow(start=previous.start, end=previous.end, **scope)
    dates = {"unit": scope["unit"], "start": period.start, "end": period.end}
    label = period.short_label
    return Section("petitions", "信访举报", figures=[
        Figure("petitions_received", "收件", now["cases"], before["cases"], links.petitions(**dates),
               previous_label=label, note=f"另有重复件{now['reports'] - now['cases']}件次已并案"
               if now["reports"] > now["cases"] else ""),
        Figure("petitions_open", "在办", now["open"], before["open"],
               links.petitions(status="open", **dates), previous_label=label, note="本期收件中尚在办理"),
        Figure("petitions_overdue", "逾期", now["overdue"], before["overdue"],
               links.petitions(days="overdue", **dates), previous_label=label, note="本期收件中已超过办理期限"),
        Figure("petitions_concluded", "办结", flow["concluded"], flow_before["concluded"],
               links.petitions(unit=scope["unit"], concluded_start=period.start, concluded_end=period.end),
               previous_label=label, note="本期内审核办结"),
    ])


def _vetting(board, scope, previous):

    period = board.period
    filters = {"user": scope["user"], "unit": scope["unit"]}
    stages = vetting_stats.by_stage(since=period.start, until=period.end, **filters)
    stages_before = vetting_stats.by_stage(since=previous.start, until=previous.end, **filters)
    blocked = vetting_stats.blocked_count(since=period.start, until=period.end, **filters)
    blocked_before = vetting_stats.blocked_count(since=previous.start, until=previous.end, **filters)
    dates = {"unit": scope["unit"], "start": period.start, "end": period.end}
    label = period.short_label
    return Section("vetting", "任前把关", figures=[
        Figure("vetting_cases", "启动考察", sum(row["count"] for row in stages),
               sum(row["count"] for row in stages_before), links.vetting(**dates), previous_label=label),
        Figure("vetting_blocked", "存在阻止任职事项", blocked, blocked_before,
               links.vetting(blocked="true", **dates), previous_label=label, note="在办案件，未经部领导批准"),
    ], details_title="按环节", details=[
        Figure(f"vetting_{row['status']}", row["label"], row["count"], url=links.vetting(status=row["status"], **dates))
        for row in stages
    ])


def _audits(board, scope, counts):

    year = board.period.end.year
    dates = {year: board.period.as_of(board.today), year - 1: datetime.date(year - 1, 12, 31)}
    summaries = counts(dates, **scope)
    summary, before = summaries[year], summaries[year - 1]
    unit = scope["unit"]
    section = Section("audits", f"经济责任审计（{year}年度）", figures=[
        Figure("audits_planned", "审计项目", summary.planned, before.planned, links.audits(year=year, unit=unit),
               suffix="项", previous_label="上年"),
        Figure("audits_done", "已完成", summary.done, before.done,
               links.audits(year=year, unit=unit), suffix="项", previous_label="上年", note="已出具审计报告"),
        Figure("audits_rectification_rate", "整改率", summary.rectification_rate, before.rectification_rate,
               links.findings(year=year, unit=unit), suffix="%", previous_label="上年", percent=True,
               note=f"发现问题{summary.findings_total}个"),
        Figure("audits_overdue", "逾期未整改", summary.overdue_rectifications, before.overdue_rectifications,
               links.findings(year=year, unit=unit, overdue="yes"), suffix="个", previous_label="上年"),
    ])
    return summary, section


def _matrix(user, unit, first, last, on_date):

    matrix = liaison_stats.compliance_matrix(user, first, last, on_date=on_date, items=False)  # states only
    rows = [row for row in matrix.rows if unit is None or row.member_unit.unit.path.startswith(unit.path)]
    return matrix.periods, rows


def _states(rows, month):
    counts = Counter()
    for row in rows:
        for cell in row.cells:
            if cell.period == month:
                counts[cell.state] += 1
    return counts


def _liaison(board, user, unit):
    month = board.liaison_month
    before_month = add_months(month, -1)
    first = min(before_month, board.period.start.replace(day=1))
    periods, rows = _matrix(user, unit, first, month, board.today)
    now, before = _states(rows, month), _states(rows, before_month)
    reported = sum(now[s] for s in REPORTED_STATES)
    compliance = links.liaison_compliance(month.year)
    # 已报送 + 未到期 + 逾期未报送 = 应报送: before the due day the unreported units are 未到期, not 未报送.
    section = Section("liaison", f"成员单位报送（{month.year}年{month.month}月）", figures=[
        Figure("liaison_reported", "已报送", reported, sum(before[s] for s in REPORTED_STATES),
               links.liaison_reports(month=month), suffix="家", previous_label="上月",
               note=f"其中逾期报送{now['late']}家" if now["late"] else ""),
        Figure("liaison_pending", _pending_label(rows, month), now["pending"], before["pending"], compliance,
               suffix="家", previous_label="上月"),
        Figure("liaison_missing", "逾期未报送", now["missing"], before["missing"], compliance,
               suffix="家", previous_label="上月"),
        Figure("liaison_expected", "应报送", sum(now[s] for s in EXPECTED_STATES),
               sum(before[s] for s in EXPECTED_STATES), compliance, suffix="家", previous_label="上月"),
    ])
    return (periods, rows), section


def _pending_label(rows, month):
    """未到期 with the month's due day (the schedule's, after any holiday roll-over), e.g. 未到期（12月15日截止）."""
    dues = [cell.due_date for row in rows for cell in row.cells
            if cell.period == month and cell.state == "pending" and cell.due_date]
    return f"未到期（{min(dues).month}月{min(dues).day}日截止）" if dues else "未到期"


def _warnings(board, scope, previous, counts):
    """The section, and a function that reads {unit id: warned cadres} of the period (the counties' rows sum them;
    read only when there are counties)."""
    on_date = board.period.as_of(board.today)
    now, before = counts.warning_summaries([on_date, previous.as_of(board.today)], **scope)
    label = f"{previous.label}末" if previous.end < board.today else previous.label
    unit = scope["unit"]
    section = Section("warnings", "干部预警", figures=[
        Figure("warnings_cadres", "预警干部", now["cadres"], before["cadres"], links.warnings(unit=unit), suffix="人",
               previous_label=label),
        Figure("warnings_blocking", "有阻止任职预警", now["blocking"], before["blocking"], links.warnings(unit=unit),
               suffix="人", previous_label=label),
    ], details_title="按预警规则", details=[
        Figure(f"warning_{row['code']}", row["label"], row["cadres"], url=links.warnings(rule=row["code"], unit=unit),
               suffix="人")
        for row in now["by_rule"]
    ])
    return section, partial(counts.warned_by_unit, on_date=on_date, **scope)


def _measures(board, scope, previous, counts):
    period = board.period
    now = counts.measures_by_kind(start=period.start, end=period.end, **scope)
    before = counts.measures_by_kind(start=previous.start, end=previous.end, **scope)
    unit = scope["unit"]
    return Section("measures", "监督措施与组织处理", figures=[
        Figure("measures_total", "监督措施", sum(now.values()), sum(before.values()),
               links.measures(period=period, unit=unit), suffix="人次", previous_label=period.short_label),
    ], details_title="按措施类别", details=[
        Figure(f"measure_{kind.value}", kind.label, now[kind.value], before[kind.value],
               links.measures(period=period, unit=unit, kind=kind.value), suffix="人次",
               previous_label=period.short_label)
        for kind in cadre_stats.MeasureKind
    ])


# --- by county -----------------------------------------------------------------------------------------------

@dataclass
class Region:
    """One county's row of the breakdown: the headline figures the page and the workbook cover show by county."""

    unit: Unit
    figures: list  # [Figure], in REGION_COLUMNS order


REGION_COLUMNS = ("信访收件", "信访在办", "信访逾期", "启动考察", "监督措施", "预警干部", "成员单位已报送",
                  "成员单位应报送")


def _regions(board, scope, matrix, sources, warned, units):
    """The figures of each county below the user's view (core.scoping.regions_below), in a fixed number of queries
    whatever the number of counties: each figure counted by unit in one query (`warned()`, the warned cadres by
    unit, from the warnings section's source), the units (`units()`, read once for the by-unit chart too) then
    summed by county; one query in all when there is no county below (a county's own users)."""
    if scope["user"] is None:
        return []
    regions = regions_below(scope["user"], scope["unit"])
    if not regions:
        return []
    period, on_date = board.period, board.period.as_of(board.today)
    dates = {"start": period.start, "end": period.end}
    petitions = sources["petitions"].totals_by_unit(on_date, **dates, **scope)
    columns = [
        {unit_id: row["cases"] for unit_id, row in petitions.items()},
        {unit_id: row["open"] for unit_id, row in petitions.items()},
        {unit_id: row["overdue"] for unit_id, row in petitions.items()},
        vetting_stats.count_by_unit(since=period.start, until=period.end, **scope),
        sources["measures"].measures_by_unit(**dates, **scope),
        warned(),
    ]
    region_of = _region_of_units(regions, units()[1])
    totals = [_by_region(column, region_of) for column in columns]
    _periods, rows = matrix
    return [_region_row(board, region, [column[region.pk] for column in totals], rows) for region in regions]


def _region_of_units(regions, units):
    """{unit id: id of the county it lies in} for the units (of the view) in the counties: the counties are
    disjoint, so a unit lies in the one whose path starts its own — its path cut at a county's depth ("1/5/9/"
    has depths 1 to 3), looked up for the few depths the counties have, not for every ancestor."""
    by_path = {region.path: region.pk for region in regions}
    depths = sorted({region.path.count("/") for region in regions})
    region_of = {}
    for pk, unit in units.items():
        parts = unit.path.split("/")
        for depth in depths:
            region = by_path.get("/".join(parts[:depth]) + "/") if depth < len(parts) else None
            if region is not None:
                region_of[pk] = region
                break
    return region_of


def _by_region(counts, region_of):
    """Counter {county id: n} of {unit id: n} (the units in no county, such as the city's own, left out)."""
    totals = Counter()
    for unit_id, n in counts.items():
        if unit_id in region_of:
            totals[region_of[unit_id]] += n
    return totals


def _region_row(board, region, counts, liaison_rows):
    period, month = board.period, board.liaison_month
    dates = {"unit": region, "start": period.start, "end": period.end}
    states = _states([row for row in liaison_rows if row.member_unit.unit.path.startswith(region.path)], month)
    received, open_cases, overdue, vetting, measures, warned = counts
    values = [
        (received, links.petitions(**dates), "件"),
        (open_cases, links.petitions(status="open", **dates), "件"),
        (overdue, links.petitions(days="overdue", **dates), "件"),
        (vetting, links.vetting(**dates), "件"),
        (measures, links.measures(period=period, unit=region), "人次"),
        (warned, links.warnings(unit=region), "人"),
        (sum(states[s] for s in REPORTED_STATES), links.liaison_reports(month=month), "家"),
        (sum(states[s] for s in EXPECTED_STATES), links.liaison_compliance(month.year), "家"),
    ]
    return Region(region, [Figure(f"region_{n}", label, value, url=url, suffix=suffix)
                           for n, (label, (value, url, suffix)) in enumerate(zip(REGION_COLUMNS, values, strict=True))])


# --- charts ---------------------------------------------------------------------------------------------------

def _petition_charts(board, scope, source, units):

    period, unit = board.period, scope["unit"]
    # The trend shows twelve months ending with the period (a year period: its own twelve months).
    first = _trend_start(period)
    months = [add_months(first, n) for n in range(12)]
    rows = source.by_month_channel(start=first, end=period.end, **scope)
    counts = {(row["month"], row["channel"]): row["cases"] for row in rows}
    used = [channel for channel in petition_stats.Channel if any((month, channel.value) in counts for month in months)]
    by_month = {
        "categories": [f"{month:%Y-%m}" for month in months],
        "series": [{
            "name": channel.label,
            "data": [{"value": counts.get((month, channel.value), 0),
                      "url": links.petitions(unit=unit, start=month, end=_month_end(month), channel=channel.value)}
                     for month in months],
        } for channel in used],
    }
    dates = {"unit": unit, "start": period.start, "end": period.end}
    categories = source.by_category(start=period.start, end=period.end, **scope)
    by_category = {
        "categories": [row["label"] for row in categories],
        "series": [{"name": "件数", "data": [
            {"value": row["cases"], "url": links.petitions(category=row["key"], **dates)} for row in categories]}],
    }
    return {"petitions_by_month": by_month, "petitions_by_category": by_category,
            "petitions_by_unit": _by_unit_chart(board, scope, source, units)}


def _month_end(month):
    return add_months(month, 1) - datetime.timedelta(days=1)


class UnitRow(NamedTuple):
    pk: int
    code: str
    path: str
    display_name: str


def _units_below(scope):
    """(the unit the view starts at or None, {id: UnitRow} of its subtree) in one read (a province's thousands,
    without a list of ids; rows, not model instances): every row the board counts lies in it."""
    unit, user = scope["unit"], scope["user"]
    base = unit or (user.jurisdiction if user is not None and user.jurisdiction_id else None)
    tree = Unit.objects.filter(path__startswith=base.path) if base is not None else Unit.objects.all()
    rows = tree.order_by().values_list("pk", "code", "path", "name", "short_name")
    return base, {pk: UnitRow(pk, code, path, short_name or name) for pk, code, path, name, short_name in rows}


def _by_unit_chart(board, scope, source, units_below):
    """Cases by unit, rolled up to the units right below the selected one (or the user's jurisdiction)."""

    period = board.period
    rows = source.by_unit(start=period.start, end=period.end, **scope)
    base, units = units_below()
    paths = {row["key"]: units[row["key"]].path for row in rows}
    totals = _roll_up(rows, paths, base)
    # A single bar says nothing: go down while everything sits below one unit.
    while len(totals) == 1 and (base is None or next(iter(totals)) != base.pk):
        base = units[next(iter(totals))]
        totals = _roll_up(rows, paths, base)
    ordered = sorted(totals.items(), key=lambda item: (-item[1], units[item[0]].path))
    return {
        "categories": [units[pk].display_name + ("（本级）" if base is not None and pk == base.pk else "")
                       for pk, _n in ordered],
        "series": [{"name": "件数", "data": [
            {"value": n, "url": links.petitions(unit=units[pk], start=period.start, end=period.end)}
            for pk, n in ordered]}],
    }


def _roll_up(rows, paths, base):
    """{unit id right below `base` (or `base` itself for its own cases): cases}."""
    base_path = base.path if base is not None else ""
    totals = Counter()
    for row in rows:
        path = paths.get(row["key"], "")
        rest = path[len(base_path):] if path.startswith(base_path) else ""
        child = int(rest.split("/")[0]) if rest else (base.pk if base is not None else row["key"])
        totals[child] += row["cases"]
    return totals


def _findings_chart(board, summary):
    year = board.period.end.year
    return {
        "categories": [row["label"] for row in summary.findings_by_category],
        "series": [{"name": "涉及金额（元）", "data": [
            {"value": str(row["amount"]), "count": row["count"],
             "url": links.findings(year=year, unit=board.unit, category=row["category"])}
            for row in summary.findings_by_category]}],
    }


COMPLIANCE_SERIES = (("on_time", "按时报送"), ("nil", "零报告"), ("late", "逾期报送"), ("missing", "未报送"),
                     ("pending", "未到期"))


def _compliance_chart(board, matrix):
    _periods, rows = matrix
    months = [m for m in board.period.months() if m <= board.liaison_month] or [board.liaison_month]
    single = months[0] if len(months) == 1 else None
    counts = [Counter(cell.state for cell in row.cells if cell.period in months) for row in rows]
    series = []
    for state, label in COMPLIANCE_SERIES:
        if not any(count[state] for count in counts):
            continue
        series.append({"name": label, "data": [
            {"value": count[state], "url": links.liaison_reports(month=single, member_unit=row.member_unit)}
            for row, count in zip(rows, counts, strict=True)]})
    return {
        "categories": [row.member_unit.name for row in rows],
        "months": f"{months[0]:%Y-%m}" + (f" 至 {months[-1]:%Y-%m}" if len(months) > 1 else ""),
        "series": series,
    }


def own_work(user, on_date):
    """Figures of the cases `user` handles (承办/经办): petitions, vetting cases, audits (five queries)."""
    petitions = petition_stats.own_work(user, on_date)
    vetting = vetting_stats.own_work(user)
    return {"petitions": petitions, "vetting_stages": vetting["stages"], "vetting_open": vetting["open"],
            "vetting_blocked": vetting["blocked"], **audit_stats.own_work(user, on_date)}
