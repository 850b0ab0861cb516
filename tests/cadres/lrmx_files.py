""".lrmx files written by the tests themselves (the format of the national 任免审批表 editor)."""

import base64
import datetime
import io
import zipfile
from xml.sax.saxutils import escape

from cadres import idcard

# A tiny but real JPEG header is enough: the importer recognises photos by their first bytes.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(64)) + b"\xff\xd9"

RESUME = "\n".join([
    "1993.09--1997.07  浙江财经学院财政系财政学专业学习",
    "1997.08--2003.05  青溪县财政局科员",
    "2003.05--2011.12  青溪县财政局预算股副股长、股长",
    "                  （其间：2005.09--2008.07在浙江大学公共管理学院公共管理专业在职研究生学习，获管理学硕士学位）",
    "2011.12--2019.03  县审计局办公室主任",
    "2019.03--         县审计局副局长",
])

FAMILY = [
    {"ChengWei": "妻子", "XingMing": "王丽", "ChuShengRiQi": "197806", "ZhengZhiMianMao": "中共党员",
     "GongZuoDanWeiJiZhiWu": "青溪县第一中学教师"},
    {"ChengWei": "儿子", "XingMing": "林浩", "ChuShengRiQi": "200305", "ZhengZhiMianMao": "共青团员",
     "GongZuoDanWeiJiZhiWu": "浙江大学学生"},
]


def id_number(birth=datetime.date(1975, 3, 12), gender="M", sequence=7):
    return idcard.make(birth, gender, sequence=sequence)


def full_fields(**overrides):
    """Every tag of a complete form, for a man born 1975-03-12."""
    fields = {
        "XingMing": "林晓东", "XingBie": "男", "ChuShengNianYue": "197503", "MinZu": "汉族", "JiGuan": "浙江青溪",
        "ChuShengDi": "浙江青溪", "RuDangShiJian": "1998.07", "CanJiaGongZuoShiJian": "199708",
        "JianKangZhuangKuang": "健康", "ZhuanYeJiShuZhiWu": "经济师", "ShuXiZhuanYeYouHeZhuanChang": "财政管理",
        "QuanRiZhiJiaoYu_XueLi": "大学", "QuanRiZhiJiaoYu_XueWei": "经济学学士",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "浙江财经学院财政系财政学专业",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "浙江财经学院财政系财政学专业",
        "ZaiZhiJiaoYu_XueLi": "研究生", "ZaiZhiJiaoYu_XueWei": "管理学硕士",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "浙江大学公共管理学院公共管理专业",
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "浙江大学公共管理学院公共管理专业",
        "XianRenZhiWu": "县审计局副局长", "NiRenZhiWu": "县审计局局长", "NiMianZhiWu": "县审计局副局长",
        "JianLi": RESUME,
        "JiangChengQingKuang": "2016年被评为全县优秀共产党员。",
        "NianDuKaoHeJieGuo": "2022、2023年度考核均为称职，2024年度考核为优秀。",
        "RenMianLiYou": "工作需要",
        "JiaTingChengYuan": FAMILY,
        "ChengBaoDanWei": "中共青溪县委组织部", "JiSuanNianLingShiJian": "20260105", "TianBiaoShiJian": "20260105",
        "TianBiaoRen": "张敏", "ShenFenZheng": id_number(),
        "ZhaoPian": base64.b64encode(PHOTO).decode(), "Version": "3.2.1.16",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def minimal_fields(**overrides):
    fields = {"XingMing": "赵敏", "XingBie": "女", "ChuShengNianYue": "198011",
              "ShenFenZheng": id_number(datetime.date(1980, 11, 2), "F", sequence=9),
              "XianRenZhiWu": "县纪委监委副主任"}
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def lrmx_file(fields, root="Person", declaration=True):
    """An .lrmx file (bytes): the tags in the order given; a list value is written as JiaTingChengYuan items."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'] if declaration else []
    parts.append(f"<{root}>\n")
    for tag, value in fields.items():
        if isinstance(value, list):
            items = "".join("<Item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in item.items()) + "</Item>"
                            for item in value)
            parts.append(f"  <{tag}>{items}</{tag}>\n")
        else:
            parts.append(f"  <{tag}>{escape(value)}</{tag}>\n")
    parts.append(f"</{root}>\n")
    return "".join(parts).encode("utf-8")


def zipped(files):
    """A zip of {name: bytes}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
