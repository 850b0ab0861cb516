"""The cadres app's quick action on the workbench (core.workbench): a measure is entered on a cadre's page, so
the action opens the cadre list to choose the cadre."""

from django.urls import reverse

from cadres import permissions
from core.workbench import QuickAction, register_action


@register_action
def enter_measure(user):
    if permissions.can_edit(user):
        return QuickAction("录入监督措施", reverse("cadres:index"), hint="先选择干部，在其页面录入", order=30)
    return None
