"""The fixed work of every request stays small (issue 18): templates are compiled once per process."""

import datetime

from django.template import Context, Template, engines
from django.template.loaders import cached
from django.urls import reverse, set_script_prefix

from cadres.models import Cadre
from core.templatetags import lean
from petitions.models import Petition


def test_templates_are_compiled_once_per_process():
    """django-template-partials wraps the loaders; inside it, the cached loader keeps each compiled template."""
    outer = engines["django"].engine.template_loaders
    inner = [loader for wrapper in outer for loader in getattr(wrapper, "loaders", [wrapper])]
    assert inner and all(isinstance(loader, cached.Loader) for loader in inner)


# core/templatetags/lean.py: the busy lists' rows and the layout's links, the same text as the stock tags.


def test_choice_gives_the_display_label_of_every_code_and_a_stray_code_as_stored():
    cadre = Cadre(gender="", rank="", status="")
    for name in ("gender", "rank", "status"):
        for code, _label in Cadre._meta.get_field(name).flatchoices:
            setattr(cadre, name, code)
            assert lean.choice(cadre, name) == getattr(cadre, f"get_{name}_display")()
    cadre.rank = "no_such_rank"
    assert lean.choice(cadre, "rank") == cadre.get_rank_display() == "no_such_rank"
    assert lean.choice(Petition(channel="letter"), "channel") == Petition(channel="letter").get_channel_display()


def test_ymd_is_the_stock_date_filter_for_dates_moments_and_nothing():
    moment = datetime.datetime(2026, 1, 31, 20, 30, tzinfo=datetime.UTC)  # 2026-02-01 in Asia/Shanghai
    ours, stock = Template('{% load lean %}{{ value|ymd }}'), Template('{{ value|date:"Y-m-d" }}')
    for value in (datetime.date(2026, 1, 5), moment, None, ""):
        assert ours.render(Context({"value": value})) == stock.render(Context({"value": value}))
    assert ours.render(Context({"value": moment})) == "2026-02-01"


def test_fixed_url_is_reverse_under_the_current_script_prefix():
    assert lean.fixed_url("cadres:index") == reverse("cadres:index")
    set_script_prefix("/office/")
    try:
        assert lean.fixed_url("cadres:index") == "/office/cadres/"
    finally:
        set_script_prefix("/")
    assert lean.fixed_url("cadres:index") == "/cadres/"
