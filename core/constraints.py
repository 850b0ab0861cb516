"""Database constraint errors as sentences: the safety net behind the services' own checks.

Services validate before saving, so a constraint should never fire; when one does (a check a service forgot, two
requests racing past the same check), the user gets the constraint's Chinese sentence, never a 500 or a raw
IntegrityError, and nothing of the failed action is kept (the service's transaction.atomic has rolled back).

- `register(name, message)`, `register_many({name: message})`, or `register_models(*models)` for every named
  constraint of the models that carries a `violation_error_message` (the same sentence Django's model validation
  shows). Apps call it in ready(); a test checks that every constraint a user's action can reach has a sentence.
- `message_for(error)`: the sentence for an IntegrityError of a registered constraint, else None.
- `form_errors(form)`: a context manager for views: a registered constraint error becomes the form's error.
- `ConstraintErrorMiddleware`: any view that let one through redirects back to its page with the sentence as an
  error message (logged); an unregistered constraint still raises (a programming error to fix).
"""

import contextlib
import logging

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect

logger = logging.getLogger(__name__)

_messages = {}


def register(name, message):
    _messages[name] = str(message)


def register_many(messages):
    for name, message in messages.items():
        register(name, message)


def register_models(*models):
    for model in models:
        for constraint in model._meta.constraints:
            if constraint.violation_error_message is not None:
                register(constraint.name, constraint.violation_error_message)


def registered():
    return dict(_messages)


def constraint_name(error):
    """The constraint an IntegrityError names (PostgreSQL reports it in the error's diagnostics)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def message_for(error):
    return _messages.get(constraint_name(error)) if isinstance(error, IntegrityError) else None


@contextlib.contextmanager
def form_errors(form):
    """`with form_errors(form): services.do(...)`: a registered constraint error is shown on the form."""
    try:
        yield
    except IntegrityError as error:
        message = message_for(error)
        if message is None:
            raise
        form.add_error(None, message)


class ConstraintErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        message = message_for(exception)
        if message is None:
            return None
        logger.warning("constraint %s refused %s %s", constraint_name(exception), request.method, request.path)
        messages.error(request, message)
        return redirect(request.get_full_path())
