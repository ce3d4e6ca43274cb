"""Lossless JSON for the data model: frozen dataclasses, tuples, Decimals, nested types.

`to_json(obj)` gives plain JSON values; `from_json(cls, value)` rebuilds the dataclass
from its type hints, so `from_json(type(x), to_json(x)) == x` for every model type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_json(obj: Any) -> Any:
    """Plain JSON value for a model object (dataclass, tuple, Decimal, Enum, mapping)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_json(tp: Any, value: Any) -> Any:
    """Rebuild a value of type `tp` from what `to_json` produced."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        candidates = [a for a in args if a is not type(None)]
        if len(candidates) == 1:
            return from_json(candidates[0], value)
        for candidate in candidates:
            try:
                return from_json(candidate, value)
            except (TypeError, ValueError, KeyError, ArithmeticError):
                continue
        raise ValueError(f"{value!r} matches none of {tp}")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: from_json(hints[k], v) for k, v in value.items() if k in names})
    if tp is Decimal:
        return Decimal(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json(args[0], x) for x in value)
        if args:
            return tuple(from_json(a, x) for a, x in zip(args, value, strict=True))
        return tuple(value)
    if origin is list:
        return [from_json(args[0], x) for x in value]
    if origin in (dict, typing.Mapping) or tp is dict:
        return {k: from_json(args[1], v) for k, v in value.items()} if args else dict(value)
    if tp is typing.Any:
        return value
    if tp in (int, float, str, bool):
        if tp is float and isinstance(value, int):
            return float(value)
        if not isinstance(value, tp):
            raise TypeError(f"expected {tp.__name__}, got {value!r}")
        return value
    return value
