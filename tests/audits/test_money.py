"""Money is exact: Decimal from the form to the database, the statistics and the Excel cells; never a float."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.db.models import Count
from openpyxl import load_workbook

from audits import exports, services, stats
from audits.forms import ReportForm
from audits.models import Audit, Finding
from core.excel import MONEY_FORMAT, cell_value
from core.refusals import Refused
from core.xlsx_table import table_bytes
from tests.audits import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(county):
    factories.classify(county)
    return factories.principal(county)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        services.to_money(0.1)
    with pytest.raises(TypeError):
        cell_value(1286500.35)
    assert services.to_money("1286500.345") == Decimal("1286500.35")  # rounded half up to the fen
    assert services.to_money(Decimal("7")) == Decimal("7.00")
    with pytest.raises(Refused):
        services.to_money("-1")


def test_the_form_gives_a_decimal():
    form = ReportForm({"report_date": "2026-03-01", "assessment": "good", "violation_amount": "0.30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["violation_amount"] == Decimal("0.30")
    assert type(form.cleaned_data["violation_amount"]) is Decimal
    assert not ReportForm({"report_date": "2026-03-01", "assessment": "good",
                           "violation_amount": "1.234"}).is_valid()  # more than two places


def test_amounts_are_stored_and_summed_exactly(leader, staff, county):
    big = factories.reported_audit(leader, staff, amount=Decimal("12345678901234.56"))
    other = factories.principal(county)
    small = factories.reported_audit(other, staff, amount=Decimal("0.10"))
    third = factories.reported_audit(factories.principal(county), staff, amount=Decimal("0.20"))
    for amount in ("0.10", "0.20"):
        factories.finding(small, staff, amount=amount)
    assert Audit.objects.get(pk=big.pk).violation_amount == Decimal("12345678901234.56")

    summary = stats.summary(2026)
    assert summary.total_violation_amount == Decimal("12345678901234.86")
    assert type(summary.total_violation_amount) is Decimal
    assert summary.findings_amount == Decimal("0.30") and type(summary.findings_amount) is Decimal
    assert summary.findings_by_category[0]["amount"] == Decimal("0.30")
    assert third.violation_amount == Decimal("0.20")
    assert 0.1 + 0.2 != 0.3  # the reason for all this


def _sheet_xml(content, sheet="xl/worksheets/sheet1.xml"):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(sheet).decode()


def test_excel_money_cells_are_numbers_with_two_places(leader, staff):
    audit = factories.reported_audit(leader, staff, amount=Decimal("1286500.35"))
    factories.finding(audit, staff, amount="856000.10")
    audits = (Audit.objects.filter(pk=audit.pk).prefetch_related("subjects__cadre")
              .annotate(n_findings=Count("findings"), n_open=Count("findings")))
    content = table_bytes(exports.AUDIT_LAYOUT, exports.audit_rows(audits))
    sheet = load_workbook(io.BytesIO(content)).active
    column = exports.AUDIT_LAYOUT.headers.index("违规金额（元）") + 1
    cell = sheet.cell(row=3, column=column)
    assert cell.number_format == MONEY_FORMAT and cell.data_type == "n"
    assert Decimal(str(cell.value)) == Decimal("1286500.35")
    assert "<v>1286500.35</v>" in _sheet_xml(content)  # the digits as written, not a binary float's expansion

    findings = Finding.objects.filter(audit=audit).select_related("audit__unit", "responsible_cadre")
    content = table_bytes(exports.FINDING_LAYOUT, exports.finding_rows(findings, on_date=datetime.date(2026, 3, 2)))
    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet.cell(row=3, column=exports.FINDING_LAYOUT.headers.index("涉及金额（元）") + 1)
    assert cell.number_format == MONEY_FORMAT and "<v>856000.1</v>" in _sheet_xml(content)
    assert Decimal(str(cell.value)).quantize(Decimal("0.01")) == Decimal("856000.10")


@pytest.mark.parametrize("amount", ["0.10", "0.20", "0.30", "1286500.35", "9999999999999.99", "123456789.07"])
def test_excel_numbers_are_exact_up_to_fifteen_digits(amount):
    from openpyxl import Workbook

    from core.excel import workbook_bytes, write_only_cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("t")
    sheet.append([write_only_cell(sheet, Decimal(amount))])
    xml = _sheet_xml(workbook_bytes(workbook))
    written = xml.split("<v>")[1].split("</v>")[0]
    assert Decimal(written) == Decimal(amount)  # the text in the file is the decimal itself


def test_excel_money_beyond_fifteen_digits_is_written_as_text():
    assert cell_value(Decimal("12345678901234.56")) == "12,345,678,901,234.56"
