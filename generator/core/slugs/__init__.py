"""The slug catalogue: every problem the tool can report, declared once.

Each kind of problem is a :class:`Slug` constant in one module per part of the tool (reading and the schema,
the rule modules' groups, files and cross-file checks, Excel, the tool itself): its stable slug, severity, guide
group, and the Chinese title, explanation and how-to-fix line (改法). Everything else refers to it:

* :class:`generator.core.errors.Problem` refuses a slug declared nowhere here, and takes its ``fix`` from here;
* the rules register against their entry (``@rule(RECONCILE_CONSTANT)`` in :mod:`generator.check.rules`);
* the editors' guide (docs/rules.md, the slug table of docs/excel.md) is generated from :data:`CATALOGUE`.

``tests/test_slugs.py`` holds the code to it both ways: every slug the package passes as a literal is declared,
and every entry is emitted somewhere (or says why it is ``reserved``).
"""

from __future__ import annotations

from types import ModuleType

from generator.core.slugs import codes, draft, excel, facts, files, internal, reading, reconcile, text
from generator.core.slugs.base import Group, Severity, Slug

# The guide lists the groups, and each group's entries, in this order (entries in the order their module declares them).
MODULES: tuple[ModuleType, ...] = (reading, codes, facts, reconcile, text, draft, files, excel, internal)


class UndeclaredSlug(ValueError):
    """A problem slug that the catalogue does not declare: a bug in the tool, never the editor's input."""


def _collect() -> dict[str, Slug]:
    out: dict[str, Slug] = {}
    for module in MODULES:
        for value in vars(module).values():
            if isinstance(value, Slug):
                if value.slug in out:
                    raise ValueError(f"slug {value.slug} is declared twice")
                out[value.slug] = value
    return out


CATALOGUE: dict[str, Slug] = _collect()
GROUPS: tuple[Group, ...] = tuple(dict.fromkeys(s.group for s in CATALOGUE.values()))


def declared(slug: str) -> Slug:
    """The catalogue entry of ``slug``; :class:`UndeclaredSlug` when there is none."""
    try:
        return CATALOGUE[slug]
    except KeyError:
        raise UndeclaredSlug(f"problem slug {slug!r} is not declared in generator.core.slugs") from None


def in_group(group: Group) -> list[Slug]:
    return [s for s in CATALOGUE.values() if s.group == group]


__all__ = ["CATALOGUE", "GROUPS", "MODULES", "Group", "Severity", "Slug", "UndeclaredSlug", "declared", "in_group"]
