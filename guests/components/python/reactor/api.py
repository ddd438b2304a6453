"""The exported resource `counter` of flint:guests/api (see app.py)."""
from wit_world.exports import api


class Counter(api.Counter):
    def __init__(self, start: int) -> None:
        self.value = start

    def add(self, n: int) -> None:
        self.value += n

    def get(self) -> int:
        return self.value
