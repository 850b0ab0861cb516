"""Reading an uploaded workbook (.xlsx) within bounds, so that no file can hold a worker for long.

Before openpyxl opens anything: the file size, the zip directory (declared uncompressed sizes of the whole file, of
the worksheets and of sharedStrings.xml, which zipfile enforces while decompressing) and a streaming count of the
first sheet's rows and cells (expat, no tree built). The sheet's declared <dimension> is checked first when present,
but never trusted: the count goes on while streaming. Only then is the sheet read, row by row (read-only mode).
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from defusedxml import ElementTree as SafeElementTree
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core import uploads

MB = uploads.MB
NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写后上传"
SHARED_STRINGS = "xl/sharedStrings.xml"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PART_MAX = 1 * MB  # workbook.xml and its relationships: small parts
_CHUNK = 256 * 1024
# what openpyxl raises on a damaged workbook (bad XML, missing parts, impossible values)
_OPENPYXL_FAILURES = (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, OSError, EOFError, ValueError,
                      TypeError, AttributeError, SafeElementTree.ParseError)
_DIMENSION = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})?\$?(\d+)?)?$")


class SheetRefused(Exception):
    """The workbook is refused; the message (Chinese) names the limit."""


@dataclass(frozen=True)
class Bounds:
    max_bytes: int = 5 * MB  # the file as uploaded
    max_rows: int = 5000  # rows with content after the header
    max_cells: int = 200_000  # cells present in the first sheet, empty ones included: they cost as much to read
    max_sheets_xml: int = 40 * MB  # all worksheets, uncompressed
    max_shared_strings: int = 10 * MB  # sharedStrings.xml, uncompressed
    header_rows: int = 10  # the header may stand below a title row or two

    @property
    def max_last_row(self):
        return self.max_rows + self.header_rows


def rows_limit_message(bounds, found):
    return f"一次最多导入{bounds.max_rows}行，{found}"


def cells_limit_message(bounds, found):
    return f"工作表的单元格过多（上限{bounds.max_cells:,}个），{found}；请只保留名册内容后重新上传"


def read_first_sheet(fileobj, bounds=Bounds()):
    """[(row number, values)] of the first sheet's rows with content, or SheetRefused. Reads at most what the
    bounds allow; the row cap is checked again while reading (never only from what the file declares)."""
    archive = _checked_archive(fileobj, bounds)
    _count_sheet(archive, _first_sheet_path(archive), bounds)  # bounded by the counts whatever the sheet's size
    _check_sheets_size(archive, bounds)  # openpyxl may read every sheet whole (one without a <dimension>)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        try:
            return _stream_rows(workbook.worksheets[0], bounds)
        finally:
            workbook.close()
    except _OPENPYXL_FAILURES:  # a damaged file is the sender's problem: a sentence, not a 500
        raise SheetRefused(NOT_XLSX) from None


def _checked_archive(fileobj, bounds):
    size = uploads.size_of(fileobj)
    if size > bounds.max_bytes:
        raise SheetRefused(f"文件过大：上限为 {uploads.mb_text(bounds.max_bytes)}，本文件 {uploads.mb_text(size)}")
    fileobj.seek(0)
    if fileobj.read(4) != b"PK\x03\x04":
        raise SheetRefused(NOT_XLSX)
    try:
        archive = uploads.open_zip(fileobj, member_limits={SHARED_STRINGS: bounds.max_shared_strings})
        if uploads.sniff(fileobj) != uploads.XLSX:  # macro workbooks refused here, with their own message
            raise SheetRefused(NOT_XLSX)
    except ValidationError as error:
        raise SheetRefused("".join(error.messages)) from None
    return archive


def _check_sheets_size(archive, bounds):
    sheets = sum(info.file_size for info in archive.infolist() if info.filename.startswith("xl/worksheets/"))
    if sheets > bounds.max_sheets_xml:
        raise SheetRefused(f"工作表内容解压后过大（上限{uploads.mb_text(bounds.max_sheets_xml)}，"
                           f"本文件{uploads.mb_text(sheets)}）；请只保留名册内容后重新上传")


def _small_part(archive, name):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise SheetRefused(NOT_XLSX) from None
    if info.file_size > _PART_MAX:
        raise SheetRefused(NOT_XLSX)
    try:
        return uploads.parse_xml(archive.read(info), max_elements=20_000)
    except (ValidationError, zipfile.BadZipFile):
        raise SheetRefused(NOT_XLSX) from None


def _first_sheet_path(archive):
    """The first sheet's part name, from xl/workbook.xml and its relationships."""
    workbook = _small_part(archive, "xl/workbook.xml")
    first = next((el for el in workbook.iter() if el.tag.rsplit("}", 1)[-1] == "sheet"), None)
    rel_id = first.get(f"{{{_REL_NS}}}id") if first is not None else None
    rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter():
        if rel.get("Id") == rel_id and rel.get("Target"):
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise SheetRefused(NOT_XLSX)


class _SheetCounter:
    """Counts a sheet's rows and cells while expat streams it: no tree is built, entities are refused."""

    def __init__(self, bounds):
        self.bounds = bounds
        self.cells = 0
        self.row = 0  # the current row's number (rows may leave out r="...")
        self.last_row_with_content = 0

    def start(self, name, attrs):
        tag = name.rsplit(" ", 1)[-1]
        if tag == "c":
            self.cells += 1
            if self.cells > self.bounds.max_cells:
                raise SheetRefused(cells_limit_message(self.bounds, f"本表超过{self.bounds.max_cells:,}个"))
        elif tag in ("v", "is"):
            if self.row > self.last_row_with_content:
                self.last_row_with_content = self.row
                if self.row > self.bounds.max_last_row:
                    raise SheetRefused(rows_limit_message(self.bounds, f"本表第{self.row}行仍有内容"))
        elif tag == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
        elif tag == "dimension":
            self.declared(attrs.get("ref", ""))

    def declared(self, ref):
        """The sheet's own claim of its range, checked first (cheap); the count goes on whatever it says."""
        match = _DIMENSION.match(ref.upper())
        if not match or not match.group(4):
            return
        last_row, first_row = int(match.group(4)), int(match.group(2) or 1)
        columns = _column_number(match.group(3) or "A") - _column_number(match.group(1) or "A") + 1
        if last_row > self.bounds.max_last_row:
            raise SheetRefused(rows_limit_message(self.bounds, f"本表的范围为{ref}（共{last_row}行）；"
                                                               "如有大量空行，请删除后再上传"))
        if (last_row - first_row + 1) * columns > self.bounds.max_cells:
            raise SheetRefused(cells_limit_message(self.bounds, f"本表的范围为{ref}"))


def _refuse_entities(*args):
    raise SheetRefused(NOT_XLSX)


def _count_sheet(archive, sheet_path, bounds):
    counter = _SheetCounter(bounds)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = counter.start
    parser.StartDoctypeDeclHandler = _refuse_entities  # a worksheet never has a DTD: no entity tricks
    parser.EntityDeclHandler = _refuse_entities
    try:
        with archive.open(sheet_path) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (KeyError, zipfile.BadZipFile, expat.ExpatError, OSError, EOFError):
        raise SheetRefused(NOT_XLSX) from None


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _has_content(values):
    return any(value is not None and str(value).strip() for value in values)


def _stream_rows(sheet, bounds):
    rows = []
    data_rows = cells = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells += len(values)
        if cells > bounds.max_cells:  # openpyxl pads rows: counted again on what it produces
            raise SheetRefused(cells_limit_message(bounds, f"本表超过{bounds.max_cells:,}个"))
        if not _has_content(values):
            continue
        rows.append((number, list(values)))
        data_rows += 1
        if data_rows > bounds.max_rows + bounds.header_rows:
            raise SheetRefused(rows_limit_message(bounds, f"本表超过{bounds.max_rows}行"))
    return rows
