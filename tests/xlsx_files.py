"""Workbooks for the upload-bound tests, written fast as raw XML in a zip (no spreadsheet library: a 100,000-row or
6,000,000-cell file must take seconds to make, not minutes)."""

import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="干部名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    ' Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
HEADER = ["姓名", "性别", "出生日期", "身份证号", "现任单位", "现任职务", "职级", "是否一把手", "任现职时间"]


def _inline(text):
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def roster_row(number):
    """A plausible, varied row (so that it compresses like a real roster, not like a bomb)."""
    values = [f"干部{number}", "男" if number % 2 else "女", f"19{60 + number % 30}-0{1 + number % 9}-1{number % 10}",
              f"1101011975{number:08d}"[-18:], f"单位{number % 97}", f"职务{number % 13}", "副科", "否", "2021-03"]
    return f'<row r="{number}">' + "".join(_inline(v) for v in values) + "</row>"


def write(path, rows, *, dimension="", stored=False, extra=()):
    """An .xlsx at `path` whose first sheet is the `rows` (strings of <row> XML, an iterable)."""
    compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compression, compresslevel=None if stored else 1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, data in extra:
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.format(dimension=f'<dimension ref="{dimension}"/>' if dimension else "").encode())
            batch = []
            for xml in rows:
                batch.append(xml)
                if len(batch) == 2000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(SHEET_TAIL.encode())
    return path


def header_row():
    return '<row r="1">' + "".join(_inline(h) for h in HEADER) + "</row>"


def roster(path, count, *, dimension=True):
    """A roster of `count` data rows (plus the header)."""
    rows = (header_row(), *(roster_row(n) for n in range(2, count + 2)))
    return write(path, rows, dimension=f"A1:I{count + 1}" if dimension else "")


def number_grid(path, rows, columns, *, dimension="", stored=False):
    """rows × columns cells holding 1 (no r on the cells: allowed, and the smallest a cell can be)."""
    cells = "<c><v>1</v></c>" * columns
    return write(path, (f'<row r="{n}">{cells}</row>' for n in range(1, rows + 1)), dimension=dimension,
                 stored=stored)
