"""Reading .lrmx uploads: open the files (or a zip of them) safely and read each into a Person."""

import base64
import binascii
import datetime
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from cadres import idcard
from cadres.lrmx.tags import (
    CADRE_TEXT,
    DAY_DATES,
    FAMILY_TAGS,
    KNOWN,
    LABELS,
    MONTH_DATES,
    PROFILE_TEXT,
    ROOT,
    LrmxError,
    month_text,
    normalize,
    parse_assessments,
    parse_date,
    parse_resume,
    same_month,
)
from cadres.models import (
    AppointmentProfile,
    Cadre,
    FamilyMember,
    Gender,
)
from core import uploads

MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_FILES = 500  # forms in one import
# Bounds of one upload (issue 22): a form is a few hundred elements and, with its photo, well under 1 MB.
MAX_FILE_BYTES = 10 * 1024 * 1024  # one .lrmx, or one member of a zip, uncompressed
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one uploaded file (a zip of many forms)
MAX_ELEMENTS = 20_000  # elements of one form, counted while parsing
FILE_SUFFIXES = (".lrmx", ".xml")

# --- parsing one file --------------------------------------------------------------------------------------------

@dataclass
class Person:
    """The content of one .lrmx file, checked but not yet compared with the record."""

    source: str
    values: dict = field(default_factory=dict)  # simple tags present and not empty → text or date
    id_number: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    current_post: str = ""
    resume: list | None = None  # ResumeEntry list; None when the file has no 简历
    notes: list = field(default_factory=list)
    assessments: list | None = None
    assessment_text: str = ""
    rewards: str | None = None
    family: list | None = None  # dicts; None when the file has no family members
    photo: tuple | None = None  # (bytes, content type)
    version: str = ""
    unknown: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def name(self):
        return self.values.get("XingMing", "")


def fail(source, message):
    raise LrmxError(f"“{source}”：{message}")


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _element_text(element):
    return normalize("".join(element.itertext()))


def parse_person(source, data, today=None):
    """Parse one file's bytes into a Person; LrmxError (naming the file and the tag) when it cannot be used."""
    if len(data) > MAX_FILE_BYTES:
        fail(source, f"文件过大（上限{uploads.mb_text(MAX_FILE_BYTES)}）")
    try:
        root = uploads.parse_xml(data, max_elements=MAX_ELEMENTS)
    except ValidationError as error:
        fail(source, f"不是有效的任免审批表文件（XML）：{error.messages[0]}")
    if _local(root.tag) != ROOT:
        fail(source, f"根元素是 <{_local(root.tag)}>，不是任免审批表的 <{ROOT}>")
    person = Person(source)
    raw, seen = {}, Counter()
    for child in root:
        tag = _local(child.tag)
        seen[tag] += 1
        if tag not in KNOWN:
            if tag and tag not in person.unknown:
                person.unknown.append(tag)
            continue
        if tag == "JiaTingChengYuan":
            person.family = _parse_family(source, child, person)
        elif tag == "JianLi":
            raw[tag] = "\n".join(line.rstrip() for line in "".join(child.itertext()).replace("\r", "").split("\n"))
        else:
            raw[tag] = _element_text(child)
    repeated = [tag for tag, count in seen.items() if count > 1 and tag in KNOWN]
    if repeated:
        fail(source, f"标签 {'、'.join(repeated)} 出现了多次")
    _read_simple(source, raw, person)
    _read_identity(source, raw, person)
    _read_special(source, raw, person, today)
    return person


def _read_simple(source, raw, person):
    for track in ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu"):
        combined = f"{track}_XueLi_BiYeYuanXiaoXi"
        parts = [raw.pop(f"{track}_{part}", "") for part in ("BiYeYuanXiao", "ZhuanYe")]
        if not raw.get(combined) and any(parts):
            raw[combined] = "".join(parts)
    for tag, attr in {**CADRE_TEXT, **PROFILE_TEXT}.items():
        value = raw.get(tag, "")
        if tag == "XingMing":
            value = re.sub(r"\s+", "", value)
        if not value:
            continue
        model = Cadre if tag in CADRE_TEXT else AppointmentProfile
        limit = model._meta.get_field(attr).max_length
        if limit and len(value) > limit:
            fail(source, f"{LABELS[tag]}（{tag}）过长：最多{limit}个字，实有{len(value)}个字")
        person.values[tag] = value
    for tag in [*MONTH_DATES, *DAY_DATES]:
        try:
            value = parse_date(raw.get(tag, ""))
        except ValueError as error:
            fail(source, f"{LABELS[tag]}（{tag}）的值“{error}”无法识别为日期，应写成如 197503 或 1975.03")
        if value is not None:
            person.values[tag] = value
    if not person.values.get("XingMing"):
        fail(source, "缺少姓名（XingMing）")


def _read_identity(source, raw, person):
    number = raw.get("ShenFenZheng", "").replace(" ", "").upper()
    if not number:
        fail(source, "缺少身份证号（ShenFenZheng），无法按身份证号匹配干部")
    try:
        birth, encoded_gender = idcard.parse(number)
    except ValueError as error:
        fail(source, f"身份证号（ShenFenZheng）有误：{error}")
    gender_text = raw.get("XingBie", "").strip()
    gender = {"男": Gender.MALE, "女": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE}.get(gender_text)
    if gender_text and gender is None:
        fail(source, f"性别（XingBie）“{gender_text}”无法识别，应为 男 或 女")
    if gender and gender != encoded_gender:
        fail(source, f"性别（XingBie）为{gender_text}，与身份证号（ShenFenZheng）显示的性别不一致")
    month = person.values.get("ChuShengNianYue")
    if month is not None and not same_month(month, birth):
        fail(source, f"出生年月（ChuShengNianYue）{month_text(month, '.')}与身份证号（ShenFenZheng）中的出生日期"
                      f"（{birth:%Y.%m}）不一致")
    person.id_number, person.gender, person.birth_date = number, encoded_gender, birth


def _read_special(source, raw, person, today):
    person.current_post = re.sub(r"\s+", "", raw.get("XianRenZhiWu", ""))
    limit = Cadre._meta.get_field("post_title").max_length
    if len(person.current_post) > limit:
        fail(source, f"现任职务（XianRenZhiWu）过长：最多{limit}个字")
    if raw.get("JianLi", "").strip():
        person.resume, person.notes = parse_resume(raw["JianLi"], today)
    if raw.get("NianDuKaoHeJieGuo"):
        person.assessments = parse_assessments(raw["NianDuKaoHeJieGuo"])
        if not person.assessments:
            person.assessment_text = raw["NianDuKaoHeJieGuo"]
            person.warnings.append("年度考核结果（NianDuKaoHeJieGuo）中未识别出年度和等次，已作为文字保留")
    if "JiangChengQingKuang" in raw:
        person.rewards = raw["JiangChengQingKuang"]
    person.version = raw.get("Version", "")[:30]
    if raw.get("ZhaoPian"):
        person.photo = _read_photo(raw["ZhaoPian"], person)


def _read_photo(text, person):
    try:
        data = base64.b64decode(re.sub(r"\s+", "", text), validate=True)
    except (binascii.Error, ValueError):
        person.warnings.append("照片（ZhaoPian）不是有效的 base64 编码，未导入照片")
        return None
    kind = uploads.JPEG if data.startswith(b"\xff\xd8\xff") else (
        uploads.PNG if data.startswith(b"\x89PNG\r\n\x1a\n") else None)
    if kind is None:
        person.warnings.append("照片（ZhaoPian）不是 JPEG 或 PNG 图片，未导入照片")
        return None
    if len(data) > MAX_PHOTO_BYTES:
        person.warnings.append(f"照片（ZhaoPian）超过{MAX_PHOTO_BYTES // (1024 * 1024)}MB，未导入照片")
        return None
    return data, uploads.CONTENT_TYPES[kind]


def _parse_family(source, element, person):
    rows = []
    for index, item in enumerate(element, start=1):
        if _local(item.tag) != "Item":
            person.unknown.append(f"JiaTingChengYuan/{_local(item.tag)}")
            continue
        values = {}
        for child in item:
            tag = _local(child.tag)
            if tag in dict(FAMILY_TAGS):
                values[tag] = _element_text(child)
            elif f"JiaTingChengYuan/Item/{tag}" not in person.unknown:
                person.unknown.append(f"JiaTingChengYuan/Item/{tag}")
        if not any(values.values()):
            continue
        try:
            birth = parse_date(values.get("ChuShengRiQi", ""))
        except ValueError as error:
            fail(source, f"第{index}个家庭成员的出生日期（JiaTingChengYuan/Item/ChuShengRiQi）“{error}”"
                          "无法识别为日期，应写成如 197503 或 1975.03")
        row = {"relation": values.get("ChengWei", ""), "name": re.sub(r"\s+", "", values.get("XingMing", "")),
               "birth_month": birth, "political_status": values.get("ZhengZhiMianMao", ""),
               "work_unit_and_post": values.get("GongZuoDanWeiJiZhiWu", "")}
        for key, value in row.items():
            limit = FamilyMember._meta.get_field(key).max_length
            if isinstance(value, str) and limit and len(value) > limit:
                fail(source, f"第{index}个家庭成员的{FamilyMember._meta.get_field(key).verbose_name}过长")
        rows.append(row)
    return rows


# --- opening uploads ---------------------------------------------------------------------------------------------

@dataclass
class Source:
    name: str
    data: bytes = b""
    error: str = ""


def _member_name(info):
    if info.flag_bits & 0x800:
        return info.filename
    try:  # zips made on Chinese Windows store names in GBK without saying so
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def read_sources(name, data):
    """The files in one upload: the file itself (XML) or the .lrmx/.xml members of a zip. Problems come back as
    Sources with an error naming the file, so that the rest of a batch can still be checked."""
    try:
        kind = uploads.detect_kind(data)
    except ValidationError as error:
        return [Source(name, error=f"“{name}”：{error.messages[0]}")]
    if kind == uploads.XML:
        return [Source(name, data)]
    if kind != uploads.ZIP:
        return [Source(name, error=f"“{name}”不是任免审批表文件：.lrmx 应为 XML 格式（按文件内容识别），"
                                   "也可上传若干 .lrmx 文件的 zip 压缩包")]
    sources = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            member = _member_name(info)
            if info.is_dir() or member.startswith("__MACOSX/") or member.rsplit("/", 1)[-1].startswith("."):
                continue
            label = f"{name}/{member}"
            if not member.lower().endswith((*FILE_SUFFIXES, ".zip")):
                continue
            if info.file_size > MAX_FILE_BYTES:  # declared size: zipfile never decompresses more than it
                sources.append(Source(label, error=f"“{label}”解压后过大（上限{uploads.mb_text(MAX_FILE_BYTES)}）"))
                continue
            content = archive.read(info)
            kind = uploads.detect_kind(content) if not content.startswith(b"PK") else uploads.ZIP
            if kind == uploads.ZIP:
                sources.append(Source(label, error=f"“{label}”：压缩包内不能再嵌套压缩包"))
            elif kind != uploads.XML:
                sources.append(Source(label, error=f"“{label}”不是任免审批表文件：应为 XML 格式"))
            else:
                sources.append(Source(label, content))
    if not sources:
        return [Source(name, error=f"“{name}”中没有 .lrmx 文件")]
    return sources


def open_upload_path(name, path):
    """`open_upload` for a stored file: its size is checked before it is read into memory."""
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return [Source(name, error=f"“{name}”：文件过大：上限为 {uploads.mb_text(MAX_UPLOAD_BYTES)}。")]
    return open_upload(name, path.read_bytes())


def open_upload(name, data):
    """Sources of one uploaded or given file, after the common upload checks (size, kind by content, XML and zip
    bombs, external entities: core.uploads.check_upload); every zip member is checked again in read_sources."""
    try:
        uploads.check_upload(ContentFile(data, name=name), allowed=(uploads.XML, uploads.ZIP),
                             max_bytes=MAX_UPLOAD_BYTES)
    except ValidationError as error:
        if data and _kind_or_none(data) not in (uploads.XML, uploads.ZIP, "damaged"):
            return read_sources(name, data)  # neither XML nor zip: its own, clearer message
        return [Source(name, error=f"“{name}”不是可导入的任免审批表文件：{error.messages[0]}")]
    return read_sources(name, data)


def _kind_or_none(data):
    try:
        return uploads.detect_kind(data)
    except ValidationError:
        return "damaged"
