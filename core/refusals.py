"""One exception for "the rules refuse this", and one way for a page to show it.

- `Refused(message, field=None, code=None)`: raised by a service when a rule refuses the action (wrong state, a
  missing reason, a date in the future, a duplicate). The message is a Chinese sentence for the user; `field` names
  the form field it is about (if any), `code` is a short machine tag for tests and callers ("state", "required"…).
  It subclasses ValueError so older `except ValueError` callers keep working; it is never a 500.
- `refusal_text(error)`: the sentence of a Refused (or a Django ValidationError, its messages joined by "；").
- `form_error_text(form)`: a form's errors as one sentence ("字段 错误；…"), for a page that redirects.
- `show_refusal(request, error, form=None)`: the page's message: on the form (its field if the refusal names one the
  form has, else a non-field error) when the page re-renders that form, else a django error message. It takes a
  ValidationError too (a model's full_clean, the upload checks), which keeps its own fields on the form.
- `not_future(day, label)`: refuses a date after today ("〈label〉不能晚于今天"): what is recorded has happened.
- `show_form_errors(request, form, label="")`: "〈label〉未完成：〈errors〉" (without a label, the errors, each
  named by its field) as an error message, for a page that redirects after an invalid form.

Views catch `Refused` only; anything else a service raises is a programming error.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone


class Refused(ValueError):
    """The rules refuse this action; `str(error)` is the sentence to show."""

    def __init__(self, message, *, field=None, code=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code

    @property
    def messages(self):
        """As ValidationError.messages, so a form's add_error and older joiners take it as is."""
        return [self.message]

    def __str__(self):
        return self.message


def not_future(day, label, *, today=None):
    """Things that already happened cannot be dated after today (services refuse it, whatever form calls them).
    `today` is for a service whose today a test sets; it defaults to the local date."""
    if day and day > (today or timezone.localdate()):
        raise Refused(f"{label}不能晚于今天", code="future")
    return day


def refusal_text(error):
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


def form_error_text(form):
    parts = []
    for name, texts in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label} " if field is not None and field.label else ""
        parts.append(f"{prefix}{'，'.join(texts)}")
    return "；".join(parts)


def show_refusal(request, error, form=None):
    """Put the refusal where the page shows it: on `form` when the page re-renders it, else as a message."""
    text = refusal_text(error)
    if form is None:
        messages.error(request, text)
        return
    if isinstance(error, ValidationError):
        form.add_error(None, error)  # a model's full_clean keeps its errors on their fields
        return
    form.add_error(error.field if error.field in form.fields else None, text)


def show_form_errors(request, form, label=""):
    text = form_error_text(form)
    messages.error(request, f"{label}未完成：{text}" if label else text)
