from django import template

register = template.Library()


@register.filter
def field(form, name):
    """form|field:"measure_3" — a bound field by a computed name."""
    return form[name]
