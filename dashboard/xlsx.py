"""A printable sheet on xlsxwriter's constant_memory mode: merged title rows, bold bordered headers, fixed column
widths, frozen header, A4 landscape fitted to the page width, print titles on every page, 宋体/仿宋, footer
第 &P 页，共 &N 页. Rows stream out as they are written: xlsxwriter keeps only the current row in memory and puts
the finished ones in a temporary file per sheet, so rows must be written top to bottom (PrintableSheet does).

Values follow core.excel: numbers, money (Decimal) and dates are written as numbers and dates with their formats;
text is always written with write_string (never the generic write, which would turn "=…" into a formula) after
core.excel.cell_value has made formula-like text safe; None is a blank cell (bordered in a bordered row).

    with printable_workbook(path) as workbook:      # temp file in the same directory, renamed when complete
        sheet = PrintableSheet(workbook, "预警名单", [6, 10, 22], heading="…", subtitle="…", header=[…])
        sheet.values([1, "张三", datetime.date(2026, 10, 9)])
"""

import contextlib
import datetime
import os
import re
import tempfile
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

from core.excel import DATE_FORMAT, cell_value, number_format_for

PERCENT_FORMAT = "0.0%"
INT_FORMAT = "0"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"  # what openpyxl gave a datetime; the workbook writes dates only today
PAPER_A4 = 9  # ECMA-376 paper size code of A4
FOOTER = '&C&"仿宋"第 &P 页，共 &N 页'
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
HEADER_FOOTER_MARGIN = 0.5
# Text is written with write_string only; these also keep xlsxwriter's generic write() from reading text as a
# formula, a URL or a number should anyone call it.
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}

_TITLE_FONT = {"font_name": "宋体", "font_size": 18, "bold": True}
_SUBTITLE_FONT = {"font_name": "仿宋", "font_size": 11}
_BLOCK_FONT = {"font_name": "宋体", "font_size": 12, "bold": True}
_HEADER_FONT = {"font_name": "宋体", "font_size": 11, "bold": True}
_BODY_FONT = {"font_name": "仿宋", "font_size": 11}
_BORDER = {"border": 1, "border_color": "#000000"}  # thin, black, on all four sides
_HEADER_FILL = {"pattern": 1, "bg_color": "#E7E6E6"}  # solid
_CENTER = {"align": "center", "valign": "vcenter", "text_wrap": True}
_LEFT = {"align": "left", "valign": "vcenter", "text_wrap": True}
_RIGHT = {"align": "right", "valign": "vcenter"}
# Cell formats by role: font, alignment, border and fill.
ROLES = {
    "标题": {**_TITLE_FONT, **_CENTER},
    "副标题": {**_SUBTITLE_FONT, **_CENTER},
    "小标题": {**_BLOCK_FONT, **_LEFT},
    "说明": {**_BODY_FONT, **_LEFT},
    "表头": {**_HEADER_FONT, **_CENTER, **_BORDER, **_HEADER_FILL},
    "正文": {**_BODY_FONT, **_LEFT, **_BORDER},
    "正文居中": {**_BODY_FONT, **_CENTER, **_BORDER},
    "正文右": {**_BODY_FONT, **_RIGHT, **_BORDER},
    "合计": {**_HEADER_FONT, **_LEFT, **_BORDER},
    "合计居中": {**_HEADER_FONT, **_CENTER, **_BORDER},
    "合计右": {**_HEADER_FONT, **_RIGHT, **_BORDER},
}

LINE_HEIGHT = 15  # points per line of 11-point text
_WIDE = re.compile("[\u2e81-\U0010ffff]")  # characters that take about two columns (CJK and beyond)


@contextlib.contextmanager
def printable_workbook(output):
    """An xlsxwriter workbook (constant_memory) that ends up at `output` (a path) complete or not at all: it is
    written to a temporary file in the same directory and renamed over `output` once closed."""
    directory = os.path.dirname(os.path.abspath(output))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    os.close(handle)
    workbook = xlsxwriter.Workbook(temporary, WORKBOOK_OPTIONS)
    try:
        try:
            yield workbook
        except BaseException:
            # Closing removes the sheets' temporary row files; the half-written workbook is then deleted.
            with contextlib.suppress(Exception):
                workbook.close()
            raise
        workbook.close()
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def cell_format(workbook, role, number_format=None):
    """The xlsxwriter format for a role (and number format), added to the workbook the first time it is used."""
    formats = workbook.__dict__.setdefault("_dashboard_formats", {})
    key = (role, number_format)
    found = formats.get(key)
    if found is None:
        properties = dict(ROLES[role])
        if number_format:
            properties["num_format"] = number_format
        found = formats[key] = workbook.add_format(properties)
    return found


def text_units(text):
    """Width of a text in Excel column units: a CJK character takes about two."""
    return len(text) + 0.8 * len(_WIDE.findall(text)) if not text.isascii() else len(text)


def lines_needed(value, width):
    """Lines a wrapped cell needs in a column `width` units wide (each paragraph wraps on its own)."""
    if value is None or isinstance(value, int | Decimal | Percent) or hasattr(value, "year"):
        return 1
    usable = max(width - 1, 1)
    return sum(max(1, -(-text_units(paragraph) // usable)) for paragraph in str(value).split("\n"))


class Percent:
    """A percentage to write as a number with the % format: Percent(Decimal("85.7")) → 0.857 shown 85.7%."""

    def __init__(self, value):
        self.value = value


class PrintableSheet:
    def __init__(self, workbook, title, widths, *, heading, subtitle, header=None):
        """A new sheet of `workbook` (from printable_workbook) with fixed column `widths` (in characters, as Excel
        shows them). With `header`, row 3 is the table header: frozen and repeated on every printed page; without,
        the two title rows are."""
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(title)
        self.columns = len(widths)
        self.widths = list(widths)
        self.row = 0  # rows written so far; the next row is self.row (0-based)
        for index, width in enumerate(widths):
            self.sheet.set_column(index, index, width)
        self.sheet.freeze_panes(3 if header else 2, 0)
        self._page_setup(title_rows=3 if header else 2)
        self.title_row(heading, "标题", height=36)
        self.title_row(subtitle, "副标题", height=22)
        if header:
            self.header(header)

    def _page_setup(self, title_rows):
        sheet = self.sheet
        sheet.set_landscape()
        sheet.set_paper(PAPER_A4)
        sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        sheet.center_horizontally()
        sheet.set_margins(**MARGINS)
        sheet.set_header("", margin=HEADER_FOOTER_MARGIN)
        sheet.set_footer(FOOTER, margin=HEADER_FOOTER_MARGIN)
        sheet.repeat_rows(0, title_rows - 1)

    def _format(self, role, number_format=None):
        return cell_format(self.workbook, role, number_format)

    def _next_row(self, height=None):
        """The 0-based index of a new row, its height set first (constant_memory writes a row out as soon as a
        later row gets a cell, so the height cannot come after)."""
        row = self.row
        self.row += 1
        if height:
            self.sheet.set_row(row, height)
        return row

    def _height(self, values, minimum=LINE_HEIGHT + 3, merged=False, start=1):
        """Row height for wrapped text: LibreOffice and Excel do not re-measure rows whose height is written."""
        widths = [sum(self.widths)] if merged else self.widths[start - 1:]
        lines = max((lines_needed(value, width) for value, width in zip(values, widths, strict=False)), default=1)
        return max(minimum, lines * LINE_HEIGHT + 3)

    def _merged(self, text, role, height):
        """One value across all the columns of a new row."""
        row = self._next_row(height)
        cell = self._format(role)
        if self.columns > 1:
            self.sheet.merge_range(row, 0, row, self.columns - 1, None, cell)
        self._write(row, 0, text, role)  # over the merge's first cell, as text (merge_range writes generically)

    def title_row(self, text, role, height=None):
        self._merged(text, role, height)

    def block(self, text):
        """A section heading inside a sheet: 一、… (bold, merged across the columns)."""
        self._merged(text, "小标题", 24)

    def note(self, text):
        self._merged(text, "说明", self._height([text], merged=True))

    def blank(self):
        self._next_row()

    def header(self, labels, start=1):
        """A bold, bordered header row; `start` > 1 leaves the first columns empty (summary tables beside a
        narrow 序号 column)."""
        row = self._next_row(self._height(labels, minimum=30, start=start))
        for column, label in enumerate(labels, start=start - 1):
            self._write(row, column, label, "表头")

    def values(self, values, *, bold=False, start=1):
        role = "合计" if bold else "正文"
        row = self._next_row(self._height(values, start=start))
        for column, value in enumerate(values, start=start - 1):
            self._body(row, column, value, role)

    def _body(self, row, column, value, role):
        """A table cell: numbers right-aligned, dates, flags and blanks centred, text left; all bordered."""
        if isinstance(value, Percent):
            if value.value is None:
                self._write(row, column, "—", role + "居中")
            else:  # a number however many digits the rate has (0.857 shown 85.7%)
                self.sheet.write_number(row, column, float(Decimal(value.value) / 100),
                                        self._format(role + "右", PERCENT_FORMAT))
        elif isinstance(value, bool) or value is None:
            self._write(row, column, value, role + "居中")
        elif isinstance(value, int):
            self._write(row, column, value, role + "右", INT_FORMAT)
        elif isinstance(value, Decimal):
            self._write(row, column, value, role + "右", number_format_for(value))
        elif isinstance(value, datetime.date):
            self._write(row, column, value, role + "居中", number_format_for(value))
        else:
            self._write(row, column, value, role)

    def _write(self, row, column, value, role, number_format=None):
        """One cell through core.excel.cell_value, with the write_* method of its type (text: write_string)."""
        value = cell_value(value)
        sheet = self.sheet
        if isinstance(value, str):
            sheet.write_string(row, column, value, self._format(role))
        elif value is None:
            sheet.write_blank(row, column, None, self._format(role))
        elif isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value)
            sheet.write_datetime(row, column, value, self._format(role, number_format or DATETIME_FORMAT))
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, column, value, self._format(role, number_format or DATE_FORMAT))
        elif isinstance(value, int):
            sheet.write_number(row, column, value, self._format(role, number_format))
        else:  # Decimal: exact as a double up to 15 significant digits (core.excel writes longer ones as text)
            sheet.write_number(row, column, float(value), self._format(role, number_format))
