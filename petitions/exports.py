"""Excel export of the petition list: a generator of rows, written with openpyxl's write-only mode. No identity:
the reporter column says only 实名 or 匿名. `write` builds the file of a background export (petitions.services
.run_export) with progress; `workbook` the same content in memory."""

import os

from openpyxl import Workbook
from openpyxl.styles import Font

from core.excel import workbook_bytes, write_only_cell
from petitions.deadlines import days_left

HEADER = ["编号", "收件日期", "来源渠道", "件别", "实名/匿名", "被反映人", "涉及单位", "问题类别", "内容摘要",
          "线索具体", "状态", "处置方式", "承办人", "最近期限", "剩余天数", "查核结论", "办结日期", "件数"]


def rows(petitions, on_date):
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


PROGRESS_EVERY = 500  # rows between two progress reports


def _book(petitions, on_date, progress=None):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("信访举报件")
    bold = Font(bold=True)
    sheet.append([write_only_cell(sheet, title, font=bold) for title in HEADER])
    for n, row in enumerate(rows(petitions, on_date), start=1):
        sheet.append([write_only_cell(sheet, value) for value in row])
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    return book


def workbook(petitions, on_date):
    return workbook_bytes(_book(petitions, on_date))


def write(petitions, on_date, path, progress=None):
    """Write the workbook to `path` through a temporary name, so that a rerun never leaves half a file;
    `progress(rows_written)` is called every PROGRESS_EVERY rows."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.part"
    _book(petitions, on_date, progress).save(partial)
    os.replace(partial, path)
