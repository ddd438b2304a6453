"""A Python reactor component: componentize-py over guests/components/wit
(world flint:guests/guest). The exported interface's functions are the
methods of Api; its resource `counter` is api.Counter (componentize-py looks
exported resources up in a module named after the interface)."""
from typing import List, Optional

from wit_world import exports
from wit_world.exports import api as types
from componentize_py_types import Err

MASK64 = (1 << 64) - 1


def wrap_s64(v: int) -> int:
    v &= MASK64
    return v - (1 << 64) if v >= 1 << 63 else v


class Api(exports.Api):
    def greet(self, name: str) -> str:
        return f"Hello, {name}!"

    def sum(self, values: List[int]) -> int:
        return wrap_s64(sum(values))

    def reverse_words(self, words: List[str]) -> List[str]:
        return [w.upper() for w in reversed(words)]

    def translate(self, p: types.Point, dx: int, dy: int) -> types.Point:
        return types.Point(p.x + dx, p.y + dy)

    def area(self, s: types.Shape) -> int:
        if isinstance(s, types.Shape_Circle):
            return 3 * s.value * s.value
        if isinstance(s, types.Shape_Rect):
            return abs(s.value.x * s.value.y)
        return 0

    def next_color(self, c: types.Color) -> types.Color:
        return types.Color((c.value + 1) % 3)

    def parse_int(self, s: str) -> int:
        body = s[1:] if s.startswith("-") else s
        if not body or not all("0" <= ch <= "9" for ch in body):
            raise Err(f"not a number: {s}")
        return int(s)

    def find(self, haystack: List[str], needle: str) -> Optional[int]:
        try:
            return haystack.index(needle)
        except ValueError:
            return None
