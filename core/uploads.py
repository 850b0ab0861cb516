"""Checking uploaded files: size, type recognised by content (never by the file name or the browser's claim),
macro-enabled Office files refused, zip bombs and XML bombs refused. Used by every attachment and import.

Everything here is bounded before it reads: the size is checked before a byte is read, the type is sniffed from the
first bytes, a zip is judged by its directory (the declared sizes, which zipfile enforces while decompressing), and
XML is parsed with entities forbidden and an element budget.

An import previewed before it is confirmed keeps its upload in `pending_area(name)` under MEDIA_ROOT; each new
upload first removes (`clear_stale`) what waited there longer than PENDING_SECONDS.
"""

import io
import shutil
import time
import zipfile
from pathlib import Path
from xml.etree.ElementTree import TreeBuilder

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

MB = 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 2000
MAX_XML_ELEMENTS = 200_000  # an XML upload (e.g. .lrmx) with more elements is refused while it is parsed
SNIFF_BYTES = 512  # the type is recognised from this many first bytes (and a zip's directory)
_MACRO_MARKERS = ("vbaProject.bin", "macroEnabled")
_CONTENT_TYPES_MAX = 1 * MB
PENDING_SECONDS = 24 * 3600  # retention: a previewed upload waits a day for 确认导入, then it is removed


def max_upload_bytes():
    """The attachment and evidence size limit (settings.EVIDENCE_MAX_BYTES, 20 MB by default), read when used."""
    return getattr(settings, "EVIDENCE_MAX_BYTES", None) or getattr(settings, "MAX_UPLOAD_BYTES", 20 * MB)


def max_uncompressed_bytes():
    return getattr(settings, "MAX_UNCOMPRESSED_BYTES", 100 * MB)


def size_of(fileobj):
    """The size of an open file without reading it."""
    size = getattr(fileobj, "size", None)
    if size is not None:
        return size
    position = fileobj.tell()
    size = fileobj.seek(0, io.SEEK_END)
    fileobj.seek(position)
    return size


def mb_text(size):
    """A size or limit for a message: 20 MB, 1.5 MB, 300 KB."""
    if size < MB / 10:
        return f"{max(round(size / 1024, 1), 0.1):g} KB"
    return f"{round(size / MB, 1):g} MB"


def open_zip(fileobj, *, max_members=MAX_ZIP_MEMBERS, max_total=None, member_limits=None):
    """A ZipFile judged by its directory alone: too many members, a declared uncompressed size above `max_total`
    or a compression ratio above MAX_COMPRESSION_RATIO (a zip bomb) are refused before anything is decompressed.
    `member_limits` {name: bytes} bounds single members (e.g. an xlsx's sharedStrings.xml)."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError("压缩文件已损坏，无法读取。") from None
    members = archive.infolist()
    if len(members) > max_members:
        raise ValidationError(f"压缩文件包含的文件过多（上限{max_members}个）。")
    for member in members:
        member_limit = (member_limits or {}).get(member.filename)
        if member_limit and member.file_size > member_limit:
            raise ValidationError(f"文件内的“{member.filename}”解压后过大（上限{mb_text(member_limit)}），已拒绝。")
    total = sum(member.file_size for member in members)
    packed = max(sum(member.compress_size for member in members), 1)
    limit = max_total or max_uncompressed_bytes()
    if total > limit:
        raise ValidationError(f"压缩文件解压后过大（疑似压缩炸弹，解压后上限{mb_text(limit)}），已拒绝。")
    if total / packed > MAX_COMPRESSION_RATIO:
        raise ValidationError(f"压缩文件的压缩比过高（疑似压缩炸弹，上限{MAX_COMPRESSION_RATIO}倍），已拒绝。")
    return archive


def _zip_kind(fileobj):
    archive = open_zip(fileobj)
    names = {member.filename for member in archive.infolist()}
    if "[Content_Types].xml" in names:
        if archive.getinfo("[Content_Types].xml").file_size > _CONTENT_TYPES_MAX:
            raise ValidationError("无法识别的 Office 文件类型。")
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


def sniff(fileobj):
    """The kind of an open file from its first bytes (and, for zip containers, their directory); None if unknown.
    Reads at most SNIFF_BYTES plus a zip's directory and [Content_Types].xml; leaves the file at its start."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(fileobj)
        head = head[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"<?xml") or head.startswith(b"<"):
            return XML
        return None
    finally:
        fileobj.seek(0)


def detect_kind(data):
    """`sniff` for bytes already in memory."""
    return sniff(io.BytesIO(data))


def check_upload(uploaded, allowed=ATTACHMENT_KINDS, max_bytes=None):
    """Validate an uploaded file; returns its kind. Raises ValidationError with a Chinese message.
    The size is checked before anything is read; only an XML file is read whole (it is parsed, within max_bytes)."""
    max_bytes = max_bytes or max_upload_bytes()
    size = size_of(uploaded)
    if size == 0:
        raise ValidationError("文件为空。")
    if size > max_bytes:
        raise ValidationError(f"文件过大：上限为 {mb_text(max_bytes)}。")
    kind = sniff(uploaded)
    if kind not in allowed:
        accepted = "、".join(LABELS[k] for k in allowed)
        raise ValidationError(f"文件类型不符（按文件内容识别，而非文件名）：仅接受 {accepted}。")
    if kind == XML:
        uploaded.seek(0)
        parse_xml(uploaded.read(max_bytes + 1))
        uploaded.seek(0)
    return kind


class _TooManyElements(Exception):
    pass


class _CountingTreeBuilder(TreeBuilder):
    """Builds the tree as usual but stops once the element budget is spent (a flat XML of millions of elements)."""

    def __init__(self, budget):
        super().__init__()
        self.left = budget

    def start(self, tag, attrs):
        self.left -= 1
        if self.left < 0:
            raise _TooManyElements
        return super().start(tag, attrs)


def parse_xml(data, max_elements=MAX_XML_ELEMENTS):
    """Parse XML with entity expansion and external references forbidden (XML bombs, XXE) and at most
    `max_elements` elements, counted while parsing."""
    parser = SafeElementTree.XMLParser(target=_CountingTreeBuilder(max_elements))
    try:
        parser.feed(data)
        return parser.close()
    except _TooManyElements:
        raise ValidationError(f"XML 文件的元素过多（上限{max_elements}个），已拒绝。") from None
    except DefusedXmlException:
        raise ValidationError("XML 文件包含实体定义或外部引用，出于安全原因已拒绝。") from None
    except SafeElementTree.ParseError as error:
        raise ValidationError(f"不是有效的 XML 文件：{error}") from None


def pending_area(name):
    """The folder under MEDIA_ROOT where an import's previewed uploads wait for 确认导入."""
    folder = Path(settings.MEDIA_ROOT) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clear_stale(folder, pattern="*"):
    """Remove the uploads (files, or folders of an upload's files) that waited longer than PENDING_SECONDS."""
    cutoff = time.time() - PENDING_SECONDS
    for path in folder.glob(pattern):
        if path.stat().st_mtime >= cutoff:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
