"""The one table-workbook writer: a title row, a header row, then the rows as they come (write-only mode, so a long
list is never held in memory), with column widths and a print setup (A4 landscape, one page wide, the header row
repeated on every page). Cells go through core.excel (formula-safe text, money and dates formatted).

    layout = TableLayout("干部信息", ["姓名", "性别"], widths=[10, 6])
    content = table_bytes(layout, rows, title="干部信息（2026-12-04）")
    write_table(path, layout, rows, title=..., progress=lambda written: ...)   # *.part, then renamed
"""

import io
import os
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.excel import write_only_cell

PROGRESS_EVERY = 500  # rows between two progress reports
TITLE_ROW, HEADER_ROW = 1, 2
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class TableLayout:
    """A sheet's name (Excel allows 31 characters), its column headers, their widths (in characters), and whether
    long text wraps (a form-like sheet such as the 任前审查意见表) rather than running on."""

    sheet: str
    headers: list
    widths: list = field(default_factory=list)
    wrap: bool = False

    def width(self, index):
        """The width of column `index` (0-based): as given, else from its header (CJK characters count double)."""
        if index < len(self.widths):
            return self.widths[index]
        return max(8, 2 * len(str(self.headers[index])) + 2)


def print_setup(sheet, header_row=HEADER_ROW):
    """A4 landscape, one page wide, the header row repeated on every page, page numbers in the footer (also for a
    form-like sheet written cell by cell, such as the audit plan)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def add_table_sheet(workbook, layout, rows, *, title=None, progress=None):
    """Append one table sheet to a write-only `workbook`; returns how many rows were written.
    `progress(written)` is called every PROGRESS_EVERY rows."""
    sheet = workbook.create_sheet(layout.sheet[:31])
    for index in range(len(layout.headers)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = layout.width(index)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(sheet)
    sheet.append([write_only_cell(sheet, title or layout.sheet, font=_TITLE_FONT)])
    sheet.append([write_only_cell(sheet, header, font=_HEADER_FONT, alignment=_HEADER_ALIGNMENT)
                  for header in layout.headers])
    style = {"alignment": _WRAP} if layout.wrap else {}
    written = 0
    for written, row in enumerate(rows, start=1):
        sheet.append([write_only_cell(sheet, value, **style) for value in row])
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return written


def _book(layout, rows, title, progress):
    workbook = Workbook(write_only=True)
    add_table_sheet(workbook, layout, rows, title=title, progress=progress)
    return workbook


def table_bytes(layout, rows, *, title=None):
    """The workbook in memory (a small export answered at once, e.g. the audit log's)."""
    buffer = io.BytesIO()
    _book(layout, rows, title, None).save(buffer)
    return buffer.getvalue()


def write_table(path, layout, rows, *, title=None, progress=None):
    """Write the workbook to `path` through a temporary *.part name, so that a rerun never leaves half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.part"
    _book(layout, rows, title, progress).save(partial)
    os.replace(partial, path)
