"""Data classes' methods compiled through the installation's table (ssg/dataclass_cache.py)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ssg import dataclass_cache

pytestmark = pytest.mark.skipif(
    not dataclass_cache.supported(), reason="dataclasses._create_fn is not CPython 3.11's"
)


def make_classes() -> dict[str, type]:
    """Data classes using what `dataclasses` writes methods for, made anew at each call."""

    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 0
        label: str = dataclasses.field(default="origin", compare=False)

    @dataclasses.dataclass
    class Page:
        title: str
        tags: list[str] = dataclasses.field(default_factory=list)
        scale: dataclasses.InitVar[int] = 1
        size: int = dataclasses.field(init=False, default=0)
        kind: ClassVar[str] = "page"

        def __post_init__(self, scale: int) -> None:
            self.size = len(self.title) * scale

    @dataclasses.dataclass(kw_only=True, slots=True, unsafe_hash=True)
    class Options:
        quiet: bool = False
        jobs: int = 0

    @dataclasses.dataclass(eq=False, repr=False)
    class Plain:
        value: Any = None

    return {"Point": Point, "Page": Page, "Options": Options, "Plain": Plain}


def described(classes: dict[str, type]) -> list[Any]:
    """What the classes' generated methods are and do."""
    point, page, options, plain = (classes[n] for n in ("Point", "Page", "Options", "Plain"))
    result: list[Any] = []
    for cls in classes.values():
        for name in ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__"):
            method = cls.__dict__.get(name)
            if inspect.isfunction(method):
                result.append((cls.__name__, name, str(inspect.signature(method))))
                result.append((cls.__name__, name, method.__annotations__))
    a, b = point(1, 2, "a"), point(1, 2, "b")
    result += [repr(a), a == b, a < point(2), hash(a) == hash(b)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 3  # type: ignore[misc]
    made = page("Hello", scale=2)
    result += [repr(made), made.size, made == page("Hello", scale=2), page("x").tags]
    result += [repr(options(jobs=2)), hash(options()) == hash(options()), plain(1) == plain(1)]
    with pytest.raises(TypeError):
        options(True)  # type: ignore[misc]
    return result


@pytest.fixture
def table(installed_table: Callable[[Any], Path]) -> Path:
    return installed_table(dataclass_cache)


def test_methods_from_the_table_are_those_dataclasses_writes(table: Path) -> None:
    compiled_here = described(make_classes())
    dataclass_cache.save()
    assert len(list(table.glob("dataclass-*.marshal"))) == 1

    dataclass_cache.uninstall()  # as in the next process: the code read from the file
    dataclass_cache.install()
    assert dataclass_cache._table is not None
    from_table = described(make_classes())
    assert not dataclass_cache._table.learnt  # every method's code came from the table

    dataclass_cache.uninstall()
    assert compiled_here == from_table == described(make_classes())


def test_a_damaged_table_is_ignored(table: Path) -> None:
    make_classes()
    dataclass_cache.save()
    (path,) = table.glob("dataclass-*.marshal")
    path.write_bytes(path.read_bytes()[:-10] + bytes(10))
    dataclass_cache.uninstall()
    dataclass_cache.install()
    classes = make_classes()
    assert dataclass_cache._table is not None and dataclass_cache._table.learnt
    dataclass_cache.uninstall()
    assert described(classes) == described(make_classes())


def test_annotations_are_objects_as_dataclasses_makes_them(table: Path) -> None:
    """This module has `from __future__ import annotations`, like dataclass_cache.py; the
    methods' own annotations must not become strings by inheriting it."""

    @dataclasses.dataclass
    class Dated:
        day: int

    assert Dated.__init__.__annotations__["return"] is None
    assert dataclass_cache._table is not None and dataclass_cache._table.learnt
