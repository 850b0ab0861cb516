"""core.widgets.FastSelect renders what the stock Select renders for the filters that use it."""

import pytest

from core.widgets import FastSelect
from tests.factories import UnitFactory


def test_options_are_escaped_and_the_value_selected():
    html = FastSelect(choices=[("", "全部"), (1, "a<b"), (2, '"x"')]).render("unit", 1, attrs={"id": "id_unit"})
    assert html == ('<select id="id_unit" name="unit"><option value="">全部</option>'
                    '<option value="1" selected>a&lt;b</option><option value="2">&quot;x&quot;</option></select>')


@pytest.mark.django_db
def test_model_choices_read_with_values_list(django_assert_num_queries):
    from django import forms

    from core.models import Unit

    unit = UnitFactory(name="县审计局<局>")
    field = forms.ModelChoiceField(queryset=Unit.objects.all(), empty_label="全部单位",
                                   widget=FastSelect(label_field="name"))
    with django_assert_num_queries(1):
        html = field.widget.render("unit", unit.pk)
    assert '<option value="">全部单位</option>' in html
    assert f'<option value="{unit.pk}" selected>县审计局&lt;局&gt;</option>' in html
