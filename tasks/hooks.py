"""Who reacts to a task's outcome: modules register a handler for the tasks they create, keyed by
the prefix of the task's source_key ("reminder:", later "follow_up:", "lead:")."""

from collections.abc import Callable

_HANDLERS: dict[str, Callable] = {}


def register_outcome_handler(prefix: str, handler: Callable) -> None:
    _HANDLERS[prefix] = handler


def handler_for(source_key: str) -> Callable | None:
    return next((handler for prefix, handler in _HANDLERS.items() if source_key.startswith(prefix)), None)
