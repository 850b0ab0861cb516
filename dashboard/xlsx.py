"""A printable sheet on openpyxl's write-only mode: merged title rows, bold bordered headers, fixed column widths,
frozen header, A4 landscape fitted to the page width, print titles on every page, 宋体/仿宋. Rows stream out as
they are appended (nothing is kept in memory); values go through core.excel (numbers and dates stay numbers and
dates, formula-like text is made safe)."""

from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties

from core.excel import DATE_FORMAT, MONEY_FORMAT, cell_value, number_format_for

TITLE_FONT = Font(name="宋体", size=18, bold=True)
SUBTITLE_FONT = Font(name="仿宋", size=11)
BLOCK_FONT = Font(name="宋体", size=12, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="仿宋", size=11)
_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
PERCENT_FORMAT = "0.0%"
INT_FORMAT = "0"
FORMAT_NAMES = {None: "", DATE_FORMAT: "·日期", MONEY_FORMAT: "·金额", PERCENT_FORMAT: "·百分比", INT_FORMAT: "·整数"}
# Cell styles by role: (font, alignment, bordered, filled). Applied as named styles: setting font, border and
# alignment cell by cell costs more than writing the rows.
ROLES = {
    "标题": (TITLE_FONT, CENTER, False, False),
    "副标题": (SUBTITLE_FONT, CENTER, False, False),
    "小标题": (BLOCK_FONT, LEFT, False, False),
    "说明": (BODY_FONT, LEFT, False, False),
    "表头": (HEADER_FONT, CENTER, True, True),
    "正文": (BODY_FONT, TOP_LEFT, True, False),
    "正文居中": (BODY_FONT, CENTER, True, False),
    "正文右": (BODY_FONT, RIGHT, True, False),
    "合计": (HEADER_FONT, TOP_LEFT, True, False),
    "合计居中": (HEADER_FONT, CENTER, True, False),
    "合计右": (HEADER_FONT, RIGHT, True, False),
}


def style_name(workbook, role, number_format=None):
    """The named style for a role (and number format), added to the workbook the first time it is used."""
    name = f"汇总表·{role}{FORMAT_NAMES[number_format]}"
    known = workbook.__dict__.setdefault("_dashboard_styles", set())
    if name not in known:
        font, alignment, bordered, filled = ROLES[role]
        style = NamedStyle(name=name, font=font, alignment=alignment, border=BORDER if bordered else Border(),
                           number_format=number_format or "General")
        if filled:
            style.fill = HEADER_FILL
        workbook.add_named_style(style)
        known.add(name)
    return name
PAPER_A4 = "9"  # ECMA-376 paper size code of A4


LINE_HEIGHT = 15  # points per line of 11-point text


def text_units(text):
    """Width of a text in Excel column units: a CJK character takes about two."""
    return sum(1.8 if ord(char) > 0x2E80 else 1 for char in text)


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
        """`widths` fixes the columns (write-only sheets take widths before the first row). With `header`, row 3 is
        the table header: frozen and repeated on every printed page; without, the two title rows are."""
        self.workbook = workbook
        self.sheet = workbook.create_sheet(title)
        self.columns = len(widths)
        self.widths = list(widths)
        self.row = 0
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.sheet.freeze_panes = "A4" if header else "A3"
        self._page_setup(print_rows="1:3" if header else "1:2")
        self.title_row(heading, "标题", height=36)
        self.title_row(subtitle, "副标题", height=22)
        if header:
            self.header(header)

    def _page_setup(self, print_rows):
        sheet = self.sheet
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = PAPER_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.print_title_rows = print_rows
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        sheet.oddFooter.center.font = "仿宋"

    def _merge(self, first_col=1, last_col=None):
        last_col = last_col or self.columns
        if last_col > first_col:
            self.sheet.merged_cells.add(CellRange(min_col=first_col, min_row=self.row, max_col=last_col,
                                                  max_row=self.row))

    def _append(self, cells, height=None):
        self.row += 1
        if height:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)

    def _height(self, values, minimum=LINE_HEIGHT + 3, merged=False, start=1):
        """Row height for wrapped text: LibreOffice and Excel do not re-measure rows written in write-only mode."""
        widths = [sum(self.widths)] if merged else self.widths[start - 1:]
        lines = max((lines_needed(value, width) for value, width in zip(values, widths, strict=False)), default=1)
        return max(minimum, lines * LINE_HEIGHT + 3)

    def _styled(self, value, role, number_format=None):
        cell = WriteOnlyCell(self.sheet, value=cell_value(value))
        cell.style = style_name(self.workbook, role, number_format)
        return cell

    def title_row(self, text, role, height=None):
        self._append([self._styled(text, role)], height)
        self._merge()

    def block(self, text):
        """A section heading inside a sheet: 一、… (bold, merged across the columns)."""
        self._append([self._styled(text, "小标题")], height=24)
        self._merge()

    def note(self, text):
        self._append([self._styled(text, "说明")], height=self._height([text], merged=True))
        self._merge()

    def blank(self):
        self._append([])

    def header(self, labels, start=1):
        """A bold, bordered header row; `start` > 1 leaves the first columns empty (summary tables beside a
        narrow 序号 column)."""
        cells = [self._styled(label, "表头") for label in labels]
        self._append([None] * (start - 1) + cells, height=self._height(labels, minimum=30, start=start))

    def values(self, values, *, bold=False, start=1):
        cells = [self._cell(value, "合计" if bold else "正文") for value in values]
        self._append([None] * (start - 1) + cells, height=self._height(values, start=start))

    def _cell(self, value, role):
        if isinstance(value, Percent):
            if value.value is None:
                return self._styled("—", role + "居中")
            return self._styled(Decimal(value.value) / 100, role + "右", PERCENT_FORMAT)
        if isinstance(value, bool) or value is None:
            return self._styled(value, role + "居中")
        if isinstance(value, int):
            return self._styled(value, role + "右", INT_FORMAT)
        if isinstance(value, Decimal):
            return self._styled(value, role + "右", number_format_for(value))
        if hasattr(value, "year"):
            return self._styled(value, role + "居中", number_format_for(value))
        return self._styled(value, role)
