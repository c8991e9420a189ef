"""Invoke glue: a task argument that may be given as a bare word, or not at all.

Invoke's positional arguments are always required, and any other bare word
after a task's name is an error ("No idea what 'content/x.md' is!"). People
type `invoke check content/x.md` as well as `invoke check`, so the arguments
named in `@task(klass=OptionalPositionalTask, positional=[...])` are optional:
the parser gives such an argument the first bare word it meets, and when
there is none the task's default applies instead of an error.

Invoke's parser asks whether a positional argument is still missing in two
places: while it handles a bare word (is there an argument to take it?) and
when it completes a task's arguments (was every positional given?). The
argument answers "missing" only to the first question. Invoke is pinned
exactly (pyproject.toml) and tests/test_check.py runs the real command line,
so a change in invoke's parser fails the tests rather than the authors.
"""

from __future__ import annotations

import sys
from typing import Any

from invoke import Task
from invoke.parser import Argument

# How far up the stack the parser's frame can be from `value` (the context's
# property and, before Python 3.12, its list comprehension sit in between).
_MAX_DEPTH = 6


class OptionalPositional(Argument):
    """A positional argument that may be left out."""

    @property
    def value(self) -> Any:
        if self._value is None and _parser_is_handling_a_token():
            return None  # free to take the bare word being handled
        return super().value

    @value.setter
    def value(self, arg: str) -> None:
        self.set_value(arg, cast=True)


def _parser_is_handling_a_token() -> bool:
    frame = sys._getframe(2)
    for _ in range(_MAX_DEPTH):
        if frame is None:
            return False
        name = frame.f_code.co_name
        if name in ("handle", "complete_context"):
            return name == "handle"
        frame = frame.f_back
    return False


class OptionalPositionalTask(Task):
    """A task whose `positional` arguments are optional (see the module doc)."""

    def get_arguments(self, ignore_unknown_help: bool | None = None) -> list[Argument]:
        arguments = super().get_arguments(ignore_unknown_help=ignore_unknown_help)
        for argument in arguments:
            if argument.positional:
                argument.__class__ = OptionalPositional
        return arguments
