"""The monthly joint-meeting workbook (月度联席会议汇总表): one .xlsx per month, eight sheets, ready to print.

    write_monthly(month=date(2026, 10, 1), output="/path/file.xlsx", user=None, unit=None, producer="…")

The cover's figures are the dashboard's (dashboard.figures.build for the same month, user and unit), so the two
always agree. Rows stream (xlsxwriter in constant_memory mode through dashboard.xlsx, chunked querysets); no
reporter identity is ever read: petitions contribute codes, dates, channels, units, the cadres reported,
categories, conclusions and measures — never the encrypted identity, nor any free text a reporter wrote.
"""

import datetime
from collections import Counter

from django.utils import timezone

from audits import stats as audit_stats
from cadres import stats as cadre_stats
from dashboard import figures as board_figures
from dashboard.periods import Period
from dashboard.xlsx import Percent, PrintableSheet, printable_workbook
from liaison import stats as liaison_stats
from petitions import stats as petition_stats
from vetting import stats as vetting_stats

TITLE = "干部监督工作月度联席会议汇总表"
SHEETS = ("封面与说明", "成员单位报送情况", "干部监督信息明细", "信访举报受理办理", "任前把关情况",
          "经济责任审计及整改", "组织处理与监督措施", "预警名单")


class Context:
    def __init__(self, month, user, unit, producer, today):
        self.month = month
        self.period = Period.month(month.year, month.month)
        self.user, self.unit, self.producer, self.today = user, unit, producer, today
        self.as_of = self.period.as_of(today)
        self.scope = {"user": user, "unit": unit}

    @property
    def month_label(self):
        return self.period.label

    @property
    def subtitle(self):
        scope = self.unit.name if self.unit is not None else "全部"
        return (f"月份：{self.month_label}　　统计范围：{scope}　　制表单位：{self.producer}　　"
                f"制表日期：{self.today:%Y年%m月%d日}")

    def sheet(self, workbook, index, widths, header=None):
        title = SHEETS[index]
        return PrintableSheet(workbook, title, widths, heading=f"{self.month_label}{title}", subtitle=self.subtitle,
                              header=header)


def write_monthly(month, output, *, user=None, unit=None, producer="", today=None, progress=None):
    """Write the workbook for `month` (a date in it) to `output` (a path), atomically (temp file, then rename).
    `progress(percent, step)` is called as each sheet is done. Returns the Board whose figures the cover shows."""
    today = today or timezone.localdate()
    context = Context(month.replace(day=1), user, unit, producer or "干部监督科", today)
    progress = progress or (lambda percent, step: None)
    steps = (_cover, _compliance, _items, _petitions, _vetting, _audits, _measures, _warnings)
    board = None
    with printable_workbook(output) as workbook:
        for index, step in enumerate(steps):
            progress(round(100 * index / (len(steps) + 1)), f"正在生成：{SHEETS[index]}")
            result = step(workbook, context)
            board = board or result
        progress(round(100 * len(steps) / (len(steps) + 1)), "正在保存文件")
    return board


# --- 封面与说明 --------------------------------------------------------------------------------------------------

def _cover(workbook, context):
    board = board_figures.build(context.user, context.period, context.unit, context.today, charts=False)
    sheet = PrintableSheet(workbook, SHEETS[0], [22, 24, 12, 12, 14, 44], heading=TITLE,
                           subtitle=f"（{context.month_label}）")
    sheet.blank()
    for label, value in (("制表单位", context.producer), ("统计月份", context.month_label),
                         ("统计范围", context.unit.name if context.unit is not None else "全部"),
                         ("制表日期", context.today), ("数据截至", context.as_of)):
        sheet.values([label, value], bold=False)
    sheet.blank()
    sheet.block("一、本月主要数据")
    sheet.header(["类别", "指标", "本月", "上期", "增减", "说明"])
    for section in board.sections:
        for figure in section.figures:
            sheet.values([section.title, f"{figure.label}（{figure.suffix}）", _figure_value(figure, figure.value),
                          _figure_value(figure, figure.previous), _figure_value(figure, figure.change),
                          _figure_note(figure)])
    sheet.blank()
    if board.regions:
        sheet.block("二、分县（市、区）情况")
        sheet.header(["县（市、区）", "指标", "本月"])
        for region in board.regions:
            for figure in region.figures:
                sheet.values([region.unit.name, f"{figure.label}（{figure.suffix}）", figure.value])
        sheet.blank()
    sheet.block(f"{'三' if board.regions else '二'}、说明")
    notes = [
        "1. 本表由干部监督信息平台按月自动生成，数据与平台“监督态势”页面同月数据一致。",
        "2. 信访举报按收件日期统计，重复件并入主件计算；在办、逾期为本月收件截至制表日的情况。",
        "3. 任前把关按启动考察日期统计；经济责任审计按计划年度统计；成员单位报送按所属月份统计。",
        "4. 预警名单为截至数据日期的干部预警情况；监督措施按措施日期统计，已作废的不计。",
        "5. 本表不含信访举报人身份信息。请按涉密文件管理，会后收回。",
        "6. 各表：" + "、".join(SHEETS[1:]) + "。",
    ]
    for note in notes:
        sheet.note(note)
    return board


def _figure_value(figure, value):
    if value is None:
        return None
    return Percent(value) if figure.percent else value


def _figure_note(figure):
    prefix = f"上期为{figure.previous_label}" if figure.previous_label else ""
    return "；".join(part for part in (prefix, figure.note) if part)


# --- 成员单位报送情况 ----------------------------------------------------------------------------------------------

def _compliance(workbook, context):
    aspects = list(liaison_stats.Aspect)
    sheet = context.sheet(workbook, 1, [6, 28, 12, 13, 13, 9] + [10] * len(aspects) + [9],
                          header=["序号", "成员单位", "报送情况", "报送期限", "报送日期", "月报事项"]
                          + [aspect.label for aspect in aspects] + ["合计"])
    matrix = liaison_stats.compliance_matrix(context.user, context.month, context.month, on_date=context.today)
    states = Counter()
    totals = Counter()
    number = 0
    for row in matrix.rows:
        if context.unit is not None and not row.member_unit.unit.path.startswith(context.unit.path):
            continue
        cell = row.cells[0]
        if cell.state == liaison_stats.Compliance.INACTIVE:
            continue
        number += 1
        states[cell.state] += 1
        counts = [row.aspects.get(aspect.value, 0) for aspect in aspects]
        totals.update({aspect.value: n for aspect, n in zip(aspects, counts, strict=True)})
        totals["items"] += cell.items
        sheet.values([number, row.member_unit.name, cell.label, cell.due_date, cell.submitted_on, cell.items,
                      *counts, sum(counts)])
    sheet.values(["", "合计", f"{number}家", None, None, totals["items"],
                  *[totals[aspect.value] for aspect in aspects], sum(totals[a.value] for a in aspects)], bold=True)
    sheet.blank()
    sheet.note(f"按时报送{states[liaison_stats.Compliance.ON_TIME]}家，零报告{states[liaison_stats.Compliance.NIL]}家，"
               f"逾期报送{states[liaison_stats.Compliance.LATE]}家，未报送{states[liaison_stats.Compliance.MISSING]}家，"
               f"未到期{states[liaison_stats.Compliance.PENDING]}家。“事项”含即时通报事项。")


# --- 干部监督信息明细 ----------------------------------------------------------------------------------------------

def _items(workbook, context):
    sheet = context.sheet(workbook, 2, [6, 18, 10, 10, 20, 7, 10, 44, 16, 12, 9, 30],
                          header=["序号", "成员单位", "通报类别", "干部姓名", "单位职务", "一把手", "方面", "具体情况",
                                  "信息来源", "发生时间", "严重程度", "处置情况"])
    number = 0
    for item in liaison_stats.item_rows(month=context.month, **context.scope):
        number += 1
        # Only what is shared with the member units: the action and the feedback, never the office's notes.
        disposals = "；".join(f"{d.get_action_display()}（{d.decided_on:%Y-%m-%d}）"
                             + (f"：{d.feedback}" if d.feedback else "") for d in item.disposals.all())
        sheet.values([number, item.report.member_unit.name, item.report.get_kind_display(), item.cadre_name,
                      item.cadre_post, item.is_principal, item.get_aspect_display(), item.description, item.source,
                      item.occurred_on, item.get_severity_display(), disposals or "未处置"])
    if not number:
        sheet.note("本月无成员单位报送的干部监督信息。")


# --- 信访举报受理办理 ----------------------------------------------------------------------------------------------

def _petitions(workbook, context):

    period = context.period
    scope = {**context.scope, "start": period.start, "end": period.end}
    sheet = context.sheet(workbook, 3, [6, 16, 12, 12, 10, 18, 22, 22, 12, 10, 12, 9, 16])
    totals = petition_stats.totals(context.as_of, **scope)
    flow = petition_stats.flow(**scope)
    sheet.block("一、受理办理情况")
    sheet.header(["收件（件）", "件次（含重复件）", "受理（件）", "办结（件）", "在办（件）", "逾期（件）"], start=2)
    sheet.values([totals["cases"], totals["reports"], flow["accepted"], flow["concluded"], totals["open"],
                  totals["overdue"]], start=2)
    sheet.note("收件、件次、在办、逾期按本月收件统计；受理、办结按受理日期、办结日期在本月统计。")
    sheet.blank()
    channels = {row["key"]: row["cases"] for row in petition_stats.by_channel(**scope)}
    sheet.block("二、按来源渠道（件）")
    sheet.header([channel.label for channel in petition_stats.Channel] + ["合计"], start=2)
    sheet.values([channels.get(channel.value, 0) for channel in petition_stats.Channel] + [sum(channels.values())],
                 start=2)
    sheet.blank()
    categories = {row["key"]: row["cases"] for row in petition_stats.by_category(**scope)}
    sheet.block("三、按问题类别（件，一件涉及多类的分别计入）")
    sheet.header([category.label for category in petition_stats.ProblemCategory], start=2)
    sheet.values([categories.get(category.value, 0) for category in petition_stats.ProblemCategory], start=2)
    sheet.blank()
    sheet.block("四、本月办结案件")
    sheet.header(["序号", "编号", "收件日期", "来源渠道", "件别", "涉及单位", "被反映人", "问题类别", "处置方式",
                  "查核结论", "办结日期", "澄清正名", "采取措施"])
    number = 0
    for row in petition_stats.concluded_rows(**scope):
        number += 1
        case = row["case"]
        subjects = "、".join(f"{s.display_name}（{s.post_title or (s.cadre.post_title if s.cadre_id else '')}）"
                            .replace("（）", "") for s in row["subjects"])
        sheet.values([number, case.code, case.received_on, case.get_channel_display(), case.get_case_type_display(),
                      case.unit.display_name, subjects, "、".join(case.category_labels()),
                      case.get_disposal_display() or "", case.get_conclusion_display() or "未作查核结论",
                      case.concluded_on, case.name_cleared, "、".join(row["measures"]) or "无"])
    if not number:
        sheet.note("本月无办结案件。")


# --- 任前把关情况 -------------------------------------------------------------------------------------------------

def _vetting(workbook, context):

    period = context.period
    filters = {**context.scope, "since": period.start, "until": period.end}
    sheet = context.sheet(workbook, 4, [6, 16, 12, 22, 12, 36, 12, 12, 12, 12, 12, 12])
    stages = vetting_stats.by_stage(**filters)
    sheet.block("一、本月启动考察案件按环节（件）")
    sheet.header([row["label"] for row in stages] + ["合计", "存在阻止任职事项"], start=2)
    sheet.values([row["count"] for row in stages] + [sum(row["count"] for row in stages),
                                                     vetting_stats.blocked_count(**filters)], start=2)
    sheet.blank()
    sheet.block("二、暂缓、终止案件")
    sheet.header(["序号", "案件编号", "人选", "拟任职务", "状态", "理由", "日期"])
    halted = vetting_stats.halted(**filters)
    labels = dict(vetting_stats.CaseStatus.choices)
    for number, row in enumerate(halted, start=1):
        day = row["closed_on"] or timezone.localtime(row["updated_at"]).date()
        sheet.values([number, row["number"], row["cadre__name"], row["proposed_title"], labels[row["status"]],
                      row["status_reason"], day])
    if not halted:
        sheet.note("无。")
    sheet.blank()
    feedback = vetting_stats.publicity_feedback(**filters)
    conclusions = [label for _value, label in vetting_stats.FeedbackConclusion.choices]
    sheet.block("三、任前公示期间反映及核查")
    sheet.header(["收到反映", "已核查", "未核查", *conclusions], start=2)
    sheet.values([feedback["total"], feedback["total"] - feedback["unverified"], feedback["unverified"],
                  *[feedback["by_conclusion"].get(label, 0) for label in conclusions]], start=2)
    sheet.header(["序号", "案件编号", "人选", "拟任职务", "收到日期", "渠道", "核查结论", "核查日期"])
    number = 0
    for item in vetting_stats.feedback_rows(**filters):
        number += 1
        case = item.publicity.case
        sheet.values([number, case.number, case.cadre.name, case.proposed_title, item.received_on,
                      item.get_channel_display(), item.get_conclusion_display() or "未核查", item.verified_on])
    if not number:
        sheet.note("本月启动的案件公示期间未收到反映。")


# --- 经济责任审计及整改 ---------------------------------------------------------------------------------------------

def _audits(workbook, context):

    year = context.month.year
    summary = audit_stats.summary(year, on_date=context.as_of, **context.scope)
    sheet = context.sheet(workbook, 5, [6, 14, 20, 16, 12, 10, 14, 12, 12, 10, 16, 10, 10])
    status_counts = audit_stats.audits_by_status(year=year, **context.scope)
    sheet.block(f"一、{year}年度审计项目情况")
    sheet.header(["审计项目（项）", "计划中", "实施中", "已完成", "违规金额（元）", "发现问题（个）", "涉及金额（元）",
                  "整改率", "逾期未整改（个）"], start=2)
    sheet.values([summary.planned, status_counts["planned"], status_counts["in_progress"], summary.done,
                  summary.total_violation_amount, summary.findings_total, summary.findings_amount,
                  Percent(summary.rectification_rate), summary.overdue_rectifications], start=2)
    sheet.blank()
    sheet.block("二、审计项目清单")
    sheet.header(["序号", "项目编号", "被审计单位", "审计对象", "审计类型", "审计方式", "状态", "进点日期", "报告日期",
                  "总体评价", "违规金额（元）", "发现问题", "未整改"])
    number = 0
    for audit in audit_stats.audit_rows(year=year, **context.scope):
        number += 1
        subjects = "、".join(subject.cadre.name for subject in audit.subjects.all())
        sheet.values([number, audit.number, audit.unit.display_name, subjects, audit.get_kind_display(),
                      audit.get_mode_display(), audit.get_status_display(), audit.entry_date, audit.report_date,
                      audit.get_assessment_display() or "", audit.violation_amount, audit.n_findings, audit.n_open])
    if not number:
        sheet.note("本年度无审计项目。")
    sheet.blank()
    sheet.block("三、发现问题整改情况")
    statuses = list(audit_stats.RectificationStatus)
    sheet.header([status.label for status in statuses] + ["合计", "整改率"], start=2)
    counts = summary.rectification_counts
    sheet.values([counts.get(status.value, 0) for status in statuses]
                 + [sum(counts.values()), Percent(summary.rectification_rate)], start=2)
    by_category = {row["category"]: row for row in summary.findings_by_category}
    used = [category for category in audit_stats.FindingCategory if category.value in by_category]
    if used:
        sheet.header(["问题类别"] + [category.label for category in used], start=2)
        sheet.values(["问题（个）"] + [by_category[category.value]["count"] for category in used], start=2)
        sheet.values(["涉及金额（元）"] + [by_category[category.value]["amount"] for category in used], start=2)
    sheet.blank()
    sheet.block(f"四、逾期未整改问题（截至{context.as_of:%Y年%m月%d日}）")
    sheet.header(["序号", "项目编号", "被审计单位", "问题类别", "问题序号", "涉及金额（元）", "责任干部", "整改期限",
                  "逾期天数", "整改状态"])
    number = 0
    for finding in audit_stats.overdue_finding_rows(year=year, on_date=context.as_of, **context.scope):
        number += 1
        sheet.values([number, finding.audit.number, finding.audit.unit.display_name, finding.get_category_display(),
                      finding.number, finding.amount,
                      finding.responsible_cadre.name if finding.responsible_cadre_id else "",
                      finding.rectification_deadline, finding.days_overdue(context.as_of),
                      finding.get_rectification_status_display()])
    if not number:
        sheet.note("无逾期未整改问题。")


# --- 组织处理与监督措施 --------------------------------------------------------------------------------------------

def _measures(workbook, context):
    period = context.period
    scope = {**context.scope, "start": period.start, "end": period.end}
    sources = list(cadre_stats.SourceChannel)
    # 措施类别, one column per source, 合计 — wider than the eight columns of the details below
    sheet = context.sheet(workbook, 6, [12, 12, 12, 22, 18, 12, 14, 30] + [12] * max(len(sources) + 2 - 8, 0))
    counts = cadre_stats.measures_by_kind_and_source(**scope)
    sheet.block("一、按措施类别和来源（人次）")
    sheet.header(["措施类别"] + [source.label for source in sources] + ["合计"])
    for kind in cadre_stats.MeasureKind:
        row = [counts.get((kind.value, source.value), 0) for source in sources]
        sheet.values([kind.label, *row, sum(row)])
    column_totals = [sum(counts.get((kind.value, source.value), 0) for kind in cadre_stats.MeasureKind)
                     for source in sources]
    sheet.values(["合计", *column_totals, sum(column_totals)], bold=True)
    sheet.blank()
    sheet.block("二、本月监督措施明细")
    sheet.header(["序号", "日期", "干部姓名", "单位", "职务", "措施类别", "来源", "来源案件"])
    number = 0
    for measure in cadre_stats.measure_rows(**scope):
        number += 1
        cadre = measure.cadre
        sheet.values([number, measure.date, cadre.name, cadre.unit.display_name, cadre.post_title,
                      measure.get_kind_display(), measure.get_source_channel_display(), measure.source_label])
    if not number:
        sheet.note("本月无监督措施。")


# --- 预警名单 ---------------------------------------------------------------------------------------------------

def _warnings(workbook, context):
    sheet = context.sheet(workbook, 7, [6, 10, 22, 20, 26, 60, 10],
                          header=["序号", "姓名", "单位", "职务", "预警事项", "预警说明", "阻止任职"])
    number = 0
    for cadre, warnings in cadre_stats.warning_rows(on_date=context.as_of, **context.scope):
        number += 1
        labels = list(dict.fromkeys(warning.label for warning in warnings))
        reasons = "\n".join(f"{warning.label}：{warning.reason}" for warning in warnings)
        sheet.values([number, cadre.name, cadre.unit_name, cadre.post_title, "、".join(labels), reasons,
                      any(warning.blocking for warning in warnings)])
    if not number:
        sheet.note(f"截至{context.as_of:%Y年%m月%d日}无预警干部。")


def parse_month(text):
    """'2026-10' → date(2026, 10, 1), or None."""
    try:
        return datetime.datetime.strptime(text.strip(), "%Y-%m").date()
    except (AttributeError, ValueError):
        return None
