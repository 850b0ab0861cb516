"""The workbook opens in LibreOffice: converted headless to PDF, on A4 landscape pages that show the Chinese text.
Needs the Debian packages libreoffice-calc (soffice) and, for reading the text back, poppler-utils (pdftotext)."""

import shutil
import subprocess

import pytest

from dashboard import workbook
from tests.dashboard.conftest import OCTOBER, TODAY

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="未安装 LibreOffice（apt-get install libreoffice-calc），"
                                                          "跳过汇总表转 PDF 测试")


def convert(xlsx, outdir, profile):
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
                   check=True, capture_output=True, timeout=240)
    return outdir / (xlsx.stem + ".pdf")


def test_libreoffice_prints_the_workbook_with_chinese_text(october, section_head, tmp_path):
    xlsx = tmp_path / "monthly.xlsx"
    workbook.write_monthly(OCTOBER, xlsx, user=section_head, producer="中共青溪县委组织部", today=TODAY)
    pdf = convert(xlsx, tmp_path / "pdf", tmp_path / "lo-profile")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if PDFTOTEXT is None:
        pytest.skip("未安装 poppler-utils（pdftotext），只检查了 PDF 已生成")
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode()
    for expected in ("干部监督工作月度联席会议汇总表", "2026年10月成员单位报送情况", "2026年10月预警名单",
                     "中共青溪县委组织部", "县纪委监委", "按时报送", october.concluded[0].code, "第 1 页"):
        assert expected in text, expected
    for name in workbook.SHEETS[1:]:
        assert f"2026年10月{name}" in text  # each sheet's title row
    info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, timeout=60).stdout.decode()
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    assert "A4" in size and "841.89 x 595" in size  # landscape
