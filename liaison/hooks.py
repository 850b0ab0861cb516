"""Hand-offs from a liaison item to another app, without liaison importing that app.

An app that can take over an item registers a handler for a disposal action in its AppConfig.ready():

    from liaison.hooks import HandoffResult, register_disposal_handler

    @register_disposal_handler("to_petition")
    def create_petition(item, actor):
        case = ...  # create the case from item.cadre / item.cadre_name, item.description, item.source ...
        return HandoffResult(code=case.number, label=str(case), url=case.get_absolute_url())

The handler runs inside the disposal's transaction; raising an exception rolls the disposal back. Until a handler
is registered, the disposal is recorded as 待信访举报模块受理 and `liaison.services.forward_pending_handoffs()`
passes the waiting ones on once it is.
"""

from dataclasses import dataclass

_handlers = {}


@dataclass(frozen=True)
class HandoffResult:
    code: str  # the new case's public code
    label: str = ""
    url: str = ""


def register_disposal_handler(action, handler=None):
    """Register `handler(item, actor) -> HandoffResult` for a disposal action; usable as a decorator."""

    def decorator(func):
        _handlers[action] = func
        return func

    return decorator(handler) if handler is not None else decorator


def unregister_disposal_handler(action):
    _handlers.pop(action, None)


def disposal_handler(action):
    return _handlers.get(action)
