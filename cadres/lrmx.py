"""干部任免审批表 (.lrmx, the national 任免审批表 editor's file): read, map, write.

The format is UTF-8 XML with root <Person> and pinyin tags (domain.md §5); there is no public specification, so
unknown tags are ignored and listed. `read_sources(name, data)` opens one upload (an .lrmx/.xml file or a zip of
them), refusing XML bombs, external entities and zip bombs (core.uploads); `parse_person` reads one file into a
Person, or fails with a message naming the file and the tag. cadres.lrmx_import compares Persons with the record
and saves them.

`record_values(cadre)` is the one place that says what the form shows for a cadre: the export (`serialize`), the
printable form (`form_context`) and the comparison on import all use it, so that reading an exported file back
changes nothing (tests/cadres/test_lrmx_roundtrip.py).
"""

import base64
import binascii
import datetime
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from cadres import idcard
from cadres.models import (
    AppointmentProfile,
    AssessmentGrade,
    Cadre,
    FamilyMember,
    Gender,
    MeasureKind,
    PositionHistory,
)
from core import uploads

ROOT = "Person"
# The editor writes its version in the file; readers check it. We write the one our files follow.
LRMX_VERSION = "3.2.1.16"
MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_FILES = 500
# Bounds of one upload (issue 22): a form is a few hundred elements and, with its photo, well under 1 MB.
MAX_FILE_BYTES = 10 * 1024 * 1024  # one .lrmx, or one member of a zip, uncompressed
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one uploaded file (a zip of many forms)
MAX_ELEMENTS = 20_000  # elements of one form, counted while parsing
FILE_SUFFIXES = (".lrmx", ".xml")

# The tags in the order the editor writes them, with the form's Chinese labels.
TAGS = [
    ("XingMing", "姓名"), ("XingBie", "性别"), ("ChuShengNianYue", "出生年月"), ("MinZu", "民族"), ("JiGuan", "籍贯"),
    ("ChuShengDi", "出生地"), ("RuDangShiJian", "入党时间"), ("CanJiaGongZuoShiJian", "参加工作时间"),
    ("JianKangZhuangKuang", "健康状况"), ("ZhuanYeJiShuZhiWu", "专业技术职务"),
    ("ShuXiZhuanYeYouHeZhuanChang", "熟悉专业有何专长"),
    ("QuanRiZhiJiaoYu_XueLi", "全日制教育学历"), ("QuanRiZhiJiaoYu_XueWei", "全日制教育学位"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "全日制教育毕业院校系及专业"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "全日制教育学位授予院校系及专业"),
    ("ZaiZhiJiaoYu_XueLi", "在职教育学历"), ("ZaiZhiJiaoYu_XueWei", "在职教育学位"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "在职教育毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "在职教育学位授予院校系及专业"),
    ("XianRenZhiWu", "现任职务"), ("NiRenZhiWu", "拟任职务"), ("NiMianZhiWu", "拟免职务"), ("JianLi", "简历"),
    ("JiangChengQingKuang", "奖惩情况"), ("NianDuKaoHeJieGuo", "年度考核结果"), ("RenMianLiYou", "任免理由"),
    ("JiaTingChengYuan", "家庭成员"), ("ChengBaoDanWei", "呈报单位"), ("JiSuanNianLingShiJian", "计算年龄时间"),
    ("TianBiaoShiJian", "填表时间"), ("TianBiaoRen", "填表人"), ("ShenFenZheng", "身份证号"), ("ZhaoPian", "照片"),
    ("Version", "版本"),
]
LABELS = dict(TAGS)
FAMILY_TAGS = [("ChengWei", "称谓"), ("XingMing", "姓名"), ("ChuShengRiQi", "出生日期"),
               ("ZhengZhiMianMao", "政治面貌"), ("GongZuoDanWeiJiZhiWu", "工作单位及职务")]
# Some exporters split school and major: read them into the combined 毕业院校系及专业.
ALIASES = {f"{track}_{part}": track for track in ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu")
           for part in ("BiYeYuanXiao", "ZhuanYe")}

CADRE_TEXT = {"XingMing": "name", "MinZu": "ethnicity", "JiGuan": "native_place"}
PROFILE_TEXT = {
    "ChuShengDi": "birthplace", "JianKangZhuangKuang": "health", "ZhuanYeJiShuZhiWu": "professional_title",
    "ShuXiZhuanYeYouHeZhuanChang": "specialty",
    "QuanRiZhiJiaoYu_XueLi": "fulltime_education", "QuanRiZhiJiaoYu_XueWei": "fulltime_degree",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "fulltime_school",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "fulltime_degree_school",
    "ZaiZhiJiaoYu_XueLi": "inservice_education", "ZaiZhiJiaoYu_XueWei": "inservice_degree",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "inservice_school",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "inservice_degree_school",
    "NiRenZhiWu": "proposed_post", "NiMianZhiWu": "proposed_removal", "RenMianLiYou": "appointment_reason",
    "ChengBaoDanWei": "reporting_unit", "TianBiaoRen": "filled_by",
}
EDUCATION_TAGS = [tag for tag in PROFILE_TEXT if tag.startswith(("QuanRiZhi", "ZaiZhi"))]
# Dates: "month" tags are read and compared to the month (written YYYYMM), "day" tags to the day (YYYYMMDD).
MONTH_DATES = {"ChuShengNianYue": None, "RuDangShiJian": ("cadre", "party_joined_on"),
               "CanJiaGongZuoShiJian": ("profile", "work_started_on")}
DAY_DATES = {"JiSuanNianLingShiJian": ("profile", "age_reference_date"), "TianBiaoShiJian": ("profile", "filled_on")}
SPECIAL = {"XingBie", "XianRenZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "JiaTingChengYuan",
           "ShenFenZheng", "ZhaoPian", "Version"}
KNOWN = set(LABELS) | set(ALIASES)

GRADE_WORDS = [("不确定等次", AssessmentGrade.NOT_GRADED), ("基本称职", AssessmentGrade.BASIC),
               ("不称职", AssessmentGrade.INCOMPETENT), ("优秀", AssessmentGrade.EXCELLENT),
               ("称职", AssessmentGrade.COMPETENT)]
# Measures that are penalties or organizational handling, printed under 奖惩情况 (not 提醒谈话/函询).
PENALTY_KINDS = [kind for kind in MeasureKind.values if kind not in (MeasureKind.REMINDER_TALK, MeasureKind.INQUIRY)]


class LrmxError(ValueError):
    """A file that cannot be imported; the message (Chinese) names the file and the tag."""


# --- reading values ----------------------------------------------------------------------------------------------

# Full-width ASCII (０-９，．，－ …) and the ideographic space to half width, one character for one, so that a match
# on the translated text has the same offsets in the original (whose Chinese punctuation is kept).
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _half(text):
    return text.translate(_HALF_WIDTH)


def _norm(text):
    """Line ends unified, ends trimmed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_date(text):
    """A date from 197503, 1975.03, 1975.3, 1975-03, 1975年3月, 19750312, 1975.03.12 (a month → its 1st day);
    None when empty. Raises ValueError when it cannot be read."""
    value = re.sub(r"\s+", "", _half(_norm(text))).removesuffix("日").removesuffix("月")
    if not value:
        return None
    if value.isdigit() and len(value) in (6, 8):
        parts = [value[:4], value[4:6]] + ([value[6:]] if len(value) == 8 else [])
    else:
        parts = re.split(r"[.\-/年月]", value)
        if not 2 <= len(parts) <= 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
            raise ValueError(value)
    year, month, day = int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(value) from None


def same_month(a, b):
    return (a is None and b is None) or (a is not None and b is not None and (a.year, a.month) == (b.year, b.month))


def month_text(day, sep=""):
    return f"{day.year:04d}{sep}{day.month:02d}" if day else ""


# --- the résumé ----------------------------------------------------------------------------------------------

_YM = r"(?P<{0}y>\d{{4}})(?:\.(?P<{0}m>\d{{1,2}})|(?P<{0}m6>\d{{2}}))"
_RESUME_LINE = re.compile(
    rf"^{_YM.format('s')}\s*(?:[-—–―~〜]+|至)\s*(?:{_YM.format('e')}|(?P<now>至今|今))?\s*(?P<text>.*)$")


@dataclass
class ResumeEntry:
    start: datetime.date
    end: datetime.date | None
    text: str
    line: str


@dataclass
class ResumeNote:
    """A résumé line kept as text: it did not parse, or parsed into something that is not a position."""

    text: str
    after: str = ""  # "YYYY-MM": the start month of the position line it followed ("" = before the first)
    reason: str = ""

    def as_json(self):
        return {"text": self.text, "after": self.after}


def _entry_date(match, prefix):
    year = match.group(f"{prefix}y")
    month = match.group(f"{prefix}m") or match.group(f"{prefix}m6")
    return datetime.date(int(year), int(month), 1)


def parse_resume(text, today=None):
    """(entries, notes): one entry per line "YYYY.MM--YYYY.MM 单位及职务" (also "YYYY.MM—" open-ended, full-width
    dashes, 6-digit months); every other non-empty line is a note kept where it stood."""
    today = today or timezone.localdate()
    entries, notes = [], []
    after = ""
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        match = _RESUME_LINE.match(_half(line))
        reason = "不是“起止年月 单位及职务”格式"
        if match:
            try:
                start = _entry_date(match, "s")
                end = _entry_date(match, "e") if match.group("ey") else None
            except ValueError:
                reason = "年月无效"
            else:
                body = line[match.start("text"):].strip()
                if not body:
                    reason = "缺少单位及职务"
                elif end is not None and end < start:
                    reason = "结束年月早于开始年月"
                elif start > today or (end is not None and end > today):
                    reason = "年月晚于今天"
                elif len(body) > PositionHistory._meta.get_field("post_title").max_length:
                    reason = "单位及职务过长"
                else:
                    entries.append(ResumeEntry(start, end, body, line))
                    after = month_text(start, "-")
                    continue
        notes.append(ResumeNote(raw.strip(), after, reason))
    # Only the latest open-ended line is the current post; other open lines (兼任 …) stay as text where they were.
    open_entries = [entry for entry in entries if entry.end is None]
    if open_entries:
        current = max(open_entries, key=lambda entry: entry.start)
        if any(entry.start > current.start for entry in entries):
            current = None
        for entry in open_entries:
            if entry is not current:
                entries.remove(entry)
                notes.append(ResumeNote(entry.line, month_text(entry.start, "-"), "未写结束年月，且不是现任职务"))
    return entries, notes


# --- assessments and 奖惩 -----------------------------------------------------------------------------------------

def parse_assessments(text):
    """[(year, grade)] from text such as "2021、2022年度考核均为称职，2023年度考核为优秀。"; a grade applies to
    the years named since the previous grade."""
    found, pending = {}, []
    for segment in re.split(r"[;。,\n]", _half(_norm(text))):
        pending += [int(year) for year in re.findall(r"(?<!\d)(\d{4})(?!\d)", segment)]
        grade = next((code for word, code in GRADE_WORDS if word in segment), None)
        if grade and pending:
            for year in pending:
                found[year] = grade
            pending = []
    return sorted(found.items())


def assessments_text(assessments):
    labels = dict(AssessmentGrade.choices)
    return "；".join(f"{year}年度考核{labels[grade]}" for year, grade in assessments) + ("。" if assessments else "")


def measure_lines(cadre):
    measures = cadre.measures.filter(kind__in=PENALTY_KINDS, voided_at__isnull=True).order_by("date", "id")
    return [f"{measure.date:%Y.%m} {measure.get_kind_display()}" for measure in measures]


def rewards_text(stored, lines):
    """What the form shows under 奖惩情况: the text as filled in, then the recorded measures not already in it."""
    extra = [line for line in lines if line not in stored.split("\n")]
    return "\n".join([part for part in [stored, *extra] if part]) or "无"


def stored_rewards(text, lines):
    """The inverse of rewards_text on import: drop the lines that the measures of the record produce."""
    kept = [line for line in _norm(text).split("\n") if line.strip() and line.strip() not in lines]
    return "\n".join(kept) if kept != ["无"] else ""


# --- the current post and units ---------------------------------------------------------------------------------

def post_text(unit, post_title, unit_name=""):
    """单位及职务 as the form writes it: the unit's name before the post unless the post already names it."""
    name = unit.name if unit is not None else unit_name
    if not name or name in post_title or (unit is not None and unit.short_name and unit.short_name in post_title):
        return post_title
    return f"{name}{post_title}"


class UnitMatcher:
    """Finds the unit a 单位及职务 text names: the longest unit name (or short name) in it; the post is the rest."""

    def __init__(self, units):
        self.names = sorted(((key, unit) for unit in units for key in {unit.name, unit.short_name} if key),
                            key=lambda item: -len(item[0]))

    def split(self, text, prefer=None):
        if prefer is not None:
            for key in (prefer.name, prefer.short_name):
                if key and key in text:
                    return prefer, self._rest(text, key)
        for key, unit in self.names:
            if key in text:
                return unit, self._rest(text, key)
        return None, text

    @staticmethod
    def _rest(text, key):
        rest = text[text.index(key) + len(key):].lstrip("、，, ")
        return rest or text


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
    return _norm("".join(element.itertext()))


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


# --- what the form shows for a cadre ----------------------------------------------------------------------------

def profile_of(cadre):
    return AppointmentProfile.objects.filter(cadre=cadre).first()


def resume_lines(cadre, profile):
    """简历 as lines: the positions in order, the résumé lines kept as text in the place they stood."""
    notes = list((profile.resume_notes if profile else None) or [])
    lines = [note["text"] for note in notes if not note.get("after")]
    rows = cadre.positions.select_related("unit").order_by("start_date", "id")
    placed = set()
    for row in rows:
        end = f"{row.end_date:%Y.%m}" if row.end_date else " " * 7
        lines.append(f"{row.start_date:%Y.%m}--{end}  {post_text(row.unit, row.post_title, row.unit_name)}")
        key = f"{row.start_date:%Y-%m}"
        if key not in placed:
            placed.add(key)
            lines += [note["text"] for note in notes if note.get("after") == key]
    lines += [note["text"] for note in notes if note.get("after") and note["after"] not in placed]
    return lines


def recorded_assessments(cadre):
    return list(cadre.assessments.order_by("year").values_list("year", "grade"))


def record_values(cadre, profile=None, *, measures=None):
    """{tag: value} of the form for this cadre: text, or a date for the date tags."""
    profile = profile if profile is not None else profile_of(cadre)
    values = {tag: getattr(cadre, attr) for tag, attr in CADRE_TEXT.items()}
    values["XingBie"] = cadre.get_gender_display()
    values["ChuShengNianYue"] = cadre.birth_date
    values["RuDangShiJian"] = cadre.party_joined_on
    for tag, attr in PROFILE_TEXT.items():
        values[tag] = getattr(profile, attr) if profile else ""
    if not any(values[tag] for tag in EDUCATION_TAGS):
        values["QuanRiZhiJiaoYu_XueLi"] = cadre.education
    for tag, (_, attr) in {**DAY_DATES, "CanJiaGongZuoShiJian": ("profile", "work_started_on")}.items():
        values[tag] = getattr(profile, attr) if profile else None
    values["XianRenZhiWu"] = post_text(cadre.unit, cadre.post_title)
    values["JianLi"] = "\n".join(resume_lines(cadre, profile))
    assessments = recorded_assessments(cadre)
    values["NianDuKaoHeJieGuo"] = assessments_text(assessments) or (profile.assessment_text if profile else "")
    lines = measure_lines(cadre) if measures is None else measures
    values["JiangChengQingKuang"] = rewards_text(profile.rewards_penalties if profile else "", lines)
    values["ShenFenZheng"] = cadre.id_number
    photo = bytes(profile.photo) if profile and profile.photo else b""
    values["ZhaoPian"] = base64.b64encode(photo).decode("ascii") if photo else ""
    values["Version"] = LRMX_VERSION
    return values


def family_rows(cadre):
    return [{"relation": m.relation, "name": m.name, "birth_month": m.birth_month,
             "political_status": m.political_status, "work_unit_and_post": m.work_unit_and_post}
            for m in cadre.family_members.all()]


def family_key(rows):
    return [(r["relation"], r["name"], month_text(r["birth_month"]), r["political_status"], r["work_unit_and_post"])
            for r in rows]


# --- writing ---------------------------------------------------------------------------------------------------

def _format(tag, value):
    if isinstance(value, datetime.date):
        return f"{value:%Y%m%d}" if tag in DAY_DATES else month_text(value)
    return value or ""


def serialize(cadre, *, include_id=True, include_family=True):
    """The cadre as an .lrmx file (UTF-8 XML bytes). Without `include_id` the ID number is left empty; without
    `include_family` the family members are (for users without the permission)."""
    values = record_values(cadre)
    root = Element(ROOT)
    for tag, _ in TAGS:
        element = SubElement(root, tag)
        if tag == "JiaTingChengYuan":
            for row in family_rows(cadre) if include_family else []:
                item = SubElement(element, "Item")
                for child, value in zip([t for t, _ in FAMILY_TAGS], row.values(), strict=True):
                    SubElement(item, child).text = _format(child, value)
        elif tag == "ShenFenZheng" and not include_id:
            element.text = ""
        else:
            element.text = _format(tag, values[tag])
    indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def filename(cadre):
    return f"{cadre.name}.lrmx"


# --- the printable form --------------------------------------------------------------------------------------

FAMILY_ROWS = 7  # the form's family table has at least this many rows


def _age(birth, on_date):
    if birth is None:
        return None
    return on_date.year - birth.year - ((on_date.month, on_date.day) < (birth.month, birth.day))


_PERIOD = re.compile(r"^(\d{4}\.\d{2}--(?:\d{4}\.\d{2})?)\s*(.*)$")


def _resume_row(line):
    """(period, text) for a position line, so the form can hang the text beside the period; ("", line) else."""
    match = _PERIOD.match(line)
    return (match.group(1), match.group(2)) if match else ("", line.strip())


def form_context(cadre, *, with_family, today):
    """Everything the printable 干部任免审批表 shows, from the same values the export writes."""
    profile = profile_of(cadre)
    values = record_values(cadre, profile)
    on_date = (profile.age_reference_date if profile and profile.age_reference_date else None) or today
    family = []
    if with_family:
        for row in family_rows(cadre):
            family.append({**row, "age": _age(row["birth_month"], on_date)})
    resume = [_resume_row(line) for line in values["JianLi"].split("\n")] if values["JianLi"] else []
    return {
        "values": values,
        "profile": profile,
        "has_photo": bool(profile and profile.photo),
        "age": _age(cadre.birth_date, on_date),
        "resume": resume,
        "resume_density": "denser" if len(resume) > 32 else ("dense" if len(resume) > 22 else ""),
        "rewards": values["JiangChengQingKuang"].split("\n"),
        "family": family,
        "family_blank_rows": range(max(0, FAMILY_ROWS - len(family))),
        "family_span": max(FAMILY_ROWS, len(family)) + 1,
    }
