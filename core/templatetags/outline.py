"""Helpers of long case pages (static/css/outline.css): the sticky outline beside the page and the folded steps."""

from django import template
from django.template.base import token_kwargs
from django.template.loader import render_to_string

register = template.Library()


@register.tag("fold")
def do_fold(parser, token):
    """One step of a case page, folded into a one-line summary unless it is the current step:

        {% fold id="step-talk" title="任前廉政谈话" current=… state=… result=… date=… %}…{% endfold %}

    `current`: unfolded and marked (it leads the page, outline.css); `open` (default `current`): unfolded only.
    `state`, `result`, `date`: the summary line of a folded step. The body has the id `<id>-body`: an outline link
    to it unfolds the step (browsers open a closed <details> holding the target of the address's #fragment).
    `extra`: more classes; `testid`: a data-testid."""
    bits = token.split_contents()[1:]
    kwargs = token_kwargs(bits, parser)
    if bits or "id" not in kwargs or "title" not in kwargs:
        raise template.TemplateSyntaxError('{% fold %} takes id="…" title="…" and named options only')
    nodelist = parser.parse(("endfold",))
    parser.delete_first_token()
    return FoldNode(nodelist, kwargs)


class FoldNode(template.Node):
    def __init__(self, nodelist, kwargs):
        self.nodelist, self.kwargs = nodelist, kwargs

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.kwargs.items()}
        values.setdefault("open", values.get("current", False))
        values["body"] = self.nodelist.render(context)
        return render_to_string("includes/fold.html", values)
