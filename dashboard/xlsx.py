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

from core.excel import DATE_FORMAT, MONEY_FORMAT, cell_value, number_format_for, safe_text

PERCENT_FORMAT = "0.0%"
INT_FORMAT = "0"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"  # what openpyxl gave a datetime; the workbook writes dates only today
PAPER_A4 = 9  # ECMA-376 paper size code of A4
FOOTER = '&C&"仿宋"第 &P 页，共 &N 页'
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
HEADER_FOOTER_MARGIN = 0.3  # the footer line fits between it and the 0.6 bottom margin (0.5 clipped it in LibreOffice)
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
_NARROW = re.compile("[\x00-\u2e80]")  # characters that take one column; the others (CJK…) take about two


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
    """Width of a text in Excel column units: a CJK character takes about two (1.8)."""
    return _fifths(text) / 5


def _fifths(text):
    """text_units × 5, an exact integer: 9 per wide character, 5 per narrow one."""
    return 5 * len(text) if text.isascii() else 9 * len(text) - 4 * len(_NARROW.findall(text))


def lines_needed(value, width):
    """Lines a wrapped cell needs in a column `width` units wide (each paragraph wraps on its own)."""
    if value.__class__ is not str:
        if value is None or isinstance(value, int | Decimal | Percent | datetime.date):
            return 1
        value = str(value)
    usable = 5 * max(width - 1, 1)
    if 9 * len(value) <= usable and "\n" not in value:  # fits even if every character is wide
        return 1
    return sum(max(1, -(-_fifths(paragraph) // usable)) for paragraph in value.split("\n"))


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
        self._formats_by_role = {}
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
        self._write(row, 0, text, cell)  # over the merge's first cell, as text (merge_range writes generically)

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
        cell = self._format("表头")
        for column, label in enumerate(labels, start=start - 1):
            self._write(row, column, label, cell)

    def values(self, values, *, bold=False, start=1):
        """A bordered table row: numbers right-aligned (money, %, integers with their formats), dates, flags and
        blanks centred, text left; `bold` for a 合计 row."""
        formats = self._body_formats("合计" if bold else "正文")
        row = self._next_row(self._height(values, start=start))
        for column, value in enumerate(values, start=start - 1):
            self._body(row, column, value, formats)

    def _body_formats(self, role):
        found = self._formats_by_role.get(role)
        if found is None:
            fmt = self._format
            found = self._formats_by_role[role] = {
                "text": fmt(role), "center": fmt(role + "居中"), "right": fmt(role + "右"),
                "int": fmt(role + "右", INT_FORMAT), "money": fmt(role + "右", MONEY_FORMAT),
                "percent": fmt(role + "右", PERCENT_FORMAT), "date": fmt(role + "居中", DATE_FORMAT),
                "datetime": fmt(role + "居中", DATETIME_FORMAT)}
        return found

    def _body(self, row, column, value, formats):
        # The common types first, by exact type (this runs for every cell of a province's list); anything else
        # goes through core.excel.cell_value in _write.
        kind = value.__class__
        sheet = self.sheet
        if kind is str:
            sheet.write_string(row, column, safe_text(value), formats["text"])
        elif value is None:
            sheet.write_blank(row, column, None, formats["center"])
        elif kind is int:
            sheet.write_number(row, column, value, formats["int"])
        elif kind is bool:
            sheet.write_string(row, column, cell_value(value), formats["center"])
        elif kind is datetime.date:
            sheet.write_datetime(row, column, value, formats["date"])
        elif kind is Decimal and number_format_for(value) == MONEY_FORMAT:
            sheet.write_number(row, column, float(value), formats["money"])  # exact: 15 digits at most
        elif kind is Percent:
            if value.value is None:
                sheet.write_string(row, column, "—", formats["center"])
            else:  # a number however many digits the rate has (0.857 shown 85.7%)
                sheet.write_number(row, column, float(Decimal(value.value) / 100), formats["percent"])
        else:
            self._other(row, column, value, formats)

    def _other(self, row, column, value, formats):
        """Subclasses of the types above, datetimes, Decimals too long for a double (text), lazy strings…"""
        if isinstance(value, bool):
            self._write(row, column, value, formats["center"])
        elif isinstance(value, int):
            self._write(row, column, value, formats["int"])
        elif isinstance(value, Decimal):
            self._write(row, column, value, formats["money"] if number_format_for(value) else formats["right"])
        elif isinstance(value, datetime.datetime):
            self._write(row, column, value, formats["datetime"])
        elif isinstance(value, datetime.date):
            self._write(row, column, value, formats["date"])
        else:
            self._write(row, column, value, formats["text"])

    def _write(self, row, column, value, cell):
        """One cell through core.excel.cell_value, with the write_* method of its type (text: write_string)."""
        value = cell_value(value)
        sheet = self.sheet
        if isinstance(value, str):
            sheet.write_string(row, column, value, cell)
        elif value is None:
            sheet.write_blank(row, column, None, cell)
        elif isinstance(value, datetime.date):  # dates and datetimes, with the format of `cell`
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                value = timezone.make_naive(value)
            sheet.write_datetime(row, column, value, cell)
        elif isinstance(value, int):
            sheet.write_number(row, column, value, cell)
        else:  # Decimal: exact as a double up to 15 significant digits (cell_value gives longer ones as text)
            sheet.write_number(row, column, float(value), cell)
