"""The fixed work of every request stays small (issue 18): templates are compiled once per process."""

from django.template import engines
from django.template.loaders import cached


def test_templates_are_compiled_once_per_process():
    """django-template-partials wraps the loaders; inside it, the cached loader keeps each compiled template."""
    outer = engines["django"].engine.template_loaders
    inner = [loader for wrapper in outer for loader in getattr(wrapper, "loaders", [wrapper])]
    assert inner and all(isinstance(loader, cached.Loader) for loader in inner)
