"""Uploads: type by content, macro files, zip bombs and XML bombs are refused with a Chinese message."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core import uploads


def xlsx_bytes():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


def test_pdf_and_xlsx_are_recognised_by_content():
    assert uploads.check_upload(upload("报告.pdf", b"%PDF-1.7\n...")) == uploads.PDF
    assert uploads.check_upload(upload("名册.xlsx", xlsx_bytes())) == uploads.XLSX


def test_renamed_executable_is_refused():
    with pytest.raises(ValidationError, match="按文件内容识别"):
        uploads.check_upload(upload("说明.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100))
    with pytest.raises(ValidationError, match="按文件内容识别"):
        uploads.check_upload(upload("照片.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 100))


def test_xlsm_is_refused_even_when_named_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/'
                                                'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(ValidationError, match="含宏"):
        uploads.check_upload(upload("名册.xlsx", buffer.getvalue()))


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (150 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(ValidationError, match="压缩炸弹"):
        uploads.check_upload(upload("名册.xlsx", buffer.getvalue()))


def test_xml_bomb_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Person><XingMing>&lol2;</XingMing></Person>"""
    with pytest.raises(ValidationError, match="实体定义"):
        uploads.check_upload(upload("a.lrmx", bomb), allowed=(uploads.XML,))


def test_external_entity_is_refused():
    xxe = b"""<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person>&x;</Person>"""
    with pytest.raises(ValidationError, match="实体定义"):
        uploads.parse_xml(xxe)


def test_size_limits():
    with pytest.raises(ValidationError, match="文件为空"):
        uploads.check_upload(upload("a.pdf", b""))
    with pytest.raises(ValidationError, match="文件过大"):
        uploads.check_upload(upload("a.pdf", b"%PDF-" + b"0" * 2048), max_bytes=1024)


# --- bounded reading (issue 22) ----------------------------------------------------------------------------------

class CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def counting_upload(name, data):
    uploaded = SimpleUploadedFile(name, b"")
    uploaded.file = CountingFile(data)
    uploaded.size = len(data)
    return uploaded


def test_the_size_limit_is_checked_before_a_byte_is_read(settings):
    """Issue 22: EVIDENCE_MAX_BYTES bounds every attachment, checked on the declared size before reading."""
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    uploaded = counting_upload("大.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"文件过大：上限为 1 MB"):
        uploads.check_upload(uploaded)
    assert uploaded.file.bytes_read == 0


@pytest.mark.parametrize("name, data", [
    ("扫描件.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024)),
    ("名册.xlsx", None),  # a zip container: its directory is read, not its content
])
def test_the_type_is_sniffed_from_a_bounded_part_of_the_file(name, data):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>" + b" " * (5 * 1024 * 1024))
        data = buffer.getvalue()
    uploaded = counting_upload(name, data)
    uploads.check_upload(uploaded)
    assert uploaded.file.bytes_read < 64 * 1024


def test_xml_with_too_many_elements_is_refused_while_parsing():
    with pytest.raises(ValidationError, match="元素过多（上限100个）"):
        uploads.parse_xml(b"<a>" + b"<b/>" * 100 + b"</a>", max_elements=100)
    assert len(uploads.parse_xml(b"<a>" + b"<b/>" * 99 + b"</a>", max_elements=100)) == 99


def test_a_member_past_its_limit_is_refused_by_the_declared_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * 4096)
    with pytest.raises(ValidationError, match="“xl/sharedStrings.xml”解压后过大（上限2 KB）"):
        uploads.open_zip(buffer, member_limits={"xl/sharedStrings.xml": 2048})


def test_a_compression_ratio_past_the_limit_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="压缩比过高"):
        uploads.open_zip(buffer)
