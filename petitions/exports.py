"""The petition list as a background export (core.exports): its rows and its sheet. No identity: the reporter
column says only 实名 or 匿名."""

from django.http import QueryDict
from django.utils import timezone

from core.exports import ExportError, Rows, register_export
from core.xlsx_table import TableLayout
from petitions import permissions
from petitions.deadlines import days_left
from petitions.filters import PetitionFilter, filtered
from petitions.models import Petition

LAYOUT = TableLayout("信访举报件", [
    "编号", "收件日期", "来源渠道", "件别", "实名/匿名", "被反映人", "涉及单位", "问题类别", "内容摘要", "线索具体",
    "状态", "处置方式", "承办人", "最近期限", "剩余天数", "查核结论", "办结日期", "件数"],
    widths=[16, 12, 10, 8, 8, 16, 24, 16, 40, 8, 10, 12, 16, 12, 8, 12, 12, 6])


def petition_rows(petitions, on_date):
    """One row per case; `petitions` comes with subjects, handlers and the report count prefetched/annotated."""
    for petition in petitions:
        yield [
            petition.code, petition.received_on, petition.get_channel_display(), petition.get_case_type_display(),
            "实名" if petition.is_named else "匿名",
            "、".join(subject.display_name for subject in petition.subjects.all()),
            petition.unit.name, "、".join(petition.category_labels()), petition.summary,
            petition.clues_specific, petition.get_status_display(), petition.get_disposal_display(),
            "、".join(handler.display_name for handler in petition.handlers.all()),
            petition.next_due, days_left(petition.next_due, on_date), petition.get_conclusion_display(),
            petition.concluded_on, petition.reports,
        ]


def rows(user, params):
    """The list as filtered by `params` (the list's query), seen by `user`."""
    _filterset, petitions = filtered(params, user)
    return Rows(petitions.count(), petition_rows(petitions.iterator(chunk_size=500), timezone.localdate()))


def validate(user, fields):
    """Refuse a query the list would not accept (checked again, as the requester, when the file is built)."""
    query = (fields.get("query") or "").lstrip("?")[:1000]
    if not PetitionFilter(QueryDict(query), queryset=Petition.objects.none(), user=user).is_valid():
        raise ExportError("筛选条件有误，请在列表页重新筛选后导出")


def register():
    register_export("petitions", title="信访举报件", may=permissions.can_export, rows=rows, layout=LAYOUT,
                    validate=validate, unit_word="件", all_label="全部（不含重复件、作废件）",
                    events=("petitions.petition.exported", "petitions.petition.export_downloaded"),
                    back=("petitions:index", "信访举报"), note="文件不含举报人身份信息，下载记入审计日志。")
