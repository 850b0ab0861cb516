"""Checking uploaded files: size, type recognised by content (never by the file name or the browser's claim),
macro-enabled Office files refused, zip bombs and XML bombs refused. Used by every attachment and import."""

import io
import zipfile

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError

PDF, PNG, JPEG, DOCX, XLSX, OFD, XML, ZIP = "pdf", "png", "jpg", "docx", "xlsx", "ofd", "xml", "zip"
ATTACHMENT_KINDS = (PDF, OFD, PNG, JPEG, DOCX, XLSX)
LABELS = {PDF: "PDF", OFD: "OFD 版式文件", PNG: "PNG 图片", JPEG: "JPEG 图片", DOCX: "Word 文档（.docx）",
          XLSX: "Excel 工作簿（.xlsx）", XML: "XML 文件", ZIP: "ZIP 压缩包"}
CONTENT_TYPES = {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg", XML: "application/xml",
                 DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 OFD: "application/ofd", ZIP: "application/zip"}

MAX_UPLOAD_BYTES = getattr(settings, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MAX_UNCOMPRESSED_BYTES = getattr(settings, "MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 2000
_MACRO_MARKERS = ("vbaProject.bin", "macroEnabled")


def _zip_kind(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError("压缩文件已损坏，无法读取。") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ValidationError("压缩文件包含的文件过多。")
    total = sum(member.file_size for member in members)
    packed = max(sum(member.compress_size for member in members), 1)
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise ValidationError("压缩文件解压后过大（疑似压缩炸弹），已拒绝。")
    names = {member.filename for member in members}
    if "[Content_Types].xml" in names:
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        if any(marker in name for name in names for marker in _MACRO_MARKERS) or "macroEnabled" in content_types:
            raise ValidationError("不接受含宏的 Office 文件（如 .xlsm、.docm），请另存为 .xlsx 或 .docx 后上传。")
        if any(name.startswith("xl/") for name in names):
            return XLSX
        if any(name.startswith("word/") for name in names):
            return DOCX
        raise ValidationError("无法识别的 Office 文件类型。")
    if "OFD.xml" in names:
        return OFD
    return ZIP


def detect_kind(data):
    """The file's kind from its first bytes (and, for zip containers, their contents); None if unknown."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return XML
    return None


def check_upload(uploaded, allowed=ATTACHMENT_KINDS, max_bytes=None):
    """Validate an uploaded file; returns its kind. Raises ValidationError with a Chinese message."""
    max_bytes = max_bytes or MAX_UPLOAD_BYTES
    if uploaded.size == 0:
        raise ValidationError("文件为空。")
    if uploaded.size > max_bytes:
        raise ValidationError(f"文件过大：上限为 {max_bytes // (1024 * 1024)} MB。")
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    kind = detect_kind(data)
    if kind not in allowed:
        accepted = "、".join(LABELS[k] for k in allowed)
        raise ValidationError(f"文件类型不符（按文件内容识别，而非文件名）：仅接受 {accepted}。")
    if kind == XML:
        parse_xml(data)
    return kind


def parse_xml(data):
    """Parse XML with entity expansion and external references forbidden (XML bombs, XXE)."""
    try:
        return SafeElementTree.fromstring(data)
    except DefusedXmlException:
        raise ValidationError("XML 文件包含实体定义或外部引用，出于安全原因已拒绝。") from None
    except SafeElementTree.ParseError as error:
        raise ValidationError(f"不是有效的 XML 文件：{error}") from None
