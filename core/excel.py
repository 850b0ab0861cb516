"""Shared Excel helpers: safe cell values and an HTTP response for a workbook. Exports are generators of rows;
these helpers only turn values into cells.

- Text beginning with = + - @ (or a tab/CR) is written as text with a leading apostrophe (formula injection).
- Money is a Decimal and stays one: written as a number with the format '#,##0.00'; a float is refused.
  Excel keeps numbers as doubles (15 significant digits) and openpyxl writes them with '%.16g', which is exact
  up to 15 significant digits; a Decimal with more (beyond 万亿 with fen) is written as text so no digit is lost.
"""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl.cell import WriteOnlyCell

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXACT_DIGITS = 15
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """A string that a spreadsheet will never run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def cell_value(value):
    """The value to put in a cell: numbers and dates as they are, text made safe, None as empty."""
    if value is None:
        return None
    if isinstance(value, float):
        raise TypeError("金额等数值请使用 Decimal，不要使用浮点数")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > EXACT_DIGITS:
        return f"{value:,.2f}"
    if isinstance(value, int | Decimal | datetime.date | datetime.datetime):
        return value
    return safe_text(value)


def number_format_for(value):
    if isinstance(value, Decimal) and len(value.as_tuple().digits) <= EXACT_DIGITS:
        return MONEY_FORMAT
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return DATE_FORMAT
    return None


def write_only_cell(worksheet, value, **style):
    """A cell for a write-only worksheet, with the money/date format chosen from the value."""
    cell = WriteOnlyCell(worksheet, value=cell_value(value))
    fmt = number_format_for(value)
    if fmt:
        cell.number_format = fmt
    for name, attribute in style.items():
        setattr(cell, name, attribute)
    return cell


def set_cell(worksheet, row, column, value, **style):
    """Write one cell of a normal worksheet with the same rules; returns the cell."""
    cell = worksheet.cell(row=row, column=column, value=cell_value(value))
    fmt = number_format_for(value)
    if fmt:
        cell.number_format = fmt
    for name, attribute in style.items():
        setattr(cell, name, attribute)
    return cell


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content, filename):
    """An attachment response; the file name may be Chinese (RFC 5987)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
