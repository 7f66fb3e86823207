"""Subcommands that live in their own modules (diff, Excel, scaffold) plug in here.

Each module listed in ``MODULES`` defines ``register(subparsers)`` and a ``COMMANDS`` dict
mapping its subcommand names to handlers; keeping them out of ``cli.py`` keeps that file a
thin boundary.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Callable

MODULES = ("generator.diff_cli", "generator.excel_cli", "generator.scaffold_cli")


def _loaded() -> list[object]:
    return [importlib.import_module(m) for m in MODULES if importlib.util.find_spec(m) is not None]


def _register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for module in _loaded():
        module.register(sub)  # type: ignore[attr-defined]


PARSERS: list[Callable[[argparse._SubParsersAction], None]] = [_register]  # type: ignore[type-arg]


class _Commands(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> Callable[[argparse.Namespace], int]:
        for module in _loaded():
            if key in module.COMMANDS:  # type: ignore[attr-defined]
                return module.COMMANDS[key]  # type: ignore[attr-defined, no-any-return]
        raise KeyError(key)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = _Commands()
