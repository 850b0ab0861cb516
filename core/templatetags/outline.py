"""Helpers of the sticky outline on long case pages (static/css/outline.css)."""

from django import template

register = template.Library()


@register.filter
def current_steps(items):
    """The steps of a checklist (vetting.checklist items) now in progress: shown first and marked in the outline."""
    return {item.step for item in items if item.state == "in_progress"}
