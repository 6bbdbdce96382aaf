"""Results of a step that reads only some of the answers, kept under those answers alone.

The live panel recomputes the recommendation on every answer, but a step such as composing
and pricing the proposed architecture reads only the answers its patterns care about: a
change to any other answer leaves its result as it was. ``ReadMemo`` runs the step with
answers that note every key read (``ReadAnswers``) and keeps the result under the values of
exactly those keys; a later call whose answers agree on all of them gets the same result
without running the step.

This is correct for any change of any answer as long as the step is a pure function of the
answers it is given (and of what the caller's ``context`` names), reads them only through
the mapping, and returns something nobody modifies: answers that agree on every key the
earlier run read make the step take the same path, read the same keys and return the same
value. A step that iterates over the answers reads them all, and is then not kept at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Iterator, Mapping

_ABSENT = object()


class ReadAnswers(Mapping[str, Any]):
    """Read-only answers that remember which keys were read, in the order first read."""

    __slots__ = ("_answers", "read", "everything")

    def __init__(self, answers: Mapping[str, Any]):
        self._answers = answers
        self.read: dict[str, None] = {}
        self.everything = False

    def __getitem__(self, key: str) -> Any:
        self.read[key] = None
        return self._answers[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.read[key] = None
        return self._answers.get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read[key] = None  # type: ignore[index]
        return key in self._answers

    def __iter__(self) -> Iterator[str]:
        self.everything = True
        return iter(self._answers)

    def __len__(self) -> int:
        self.everything = True
        return len(self._answers)


def _values(answers: Mapping[str, Any], keys: tuple[str, ...]) -> tuple:
    # The type is part of the value: 1, 1.0 and True are equal keys but may be worded apart.
    return tuple((type(value), value) for value in (answers.get(key, _ABSENT) for key in keys))


class ReadMemo:
    """A bounded, least-recently-used memo of one step's results, each under the answers it read."""

    def __init__(self, size: int = 1024, shapes: int = 16):
        self.size = size
        self.shapes = shapes  # different sets of keys read kept per context (the step's branches)
        self._keys: dict[Hashable, list[tuple[str, ...]]] = {}
        self._results: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, context: Hashable, answers: Mapping[str, Any], step: Callable[[ReadAnswers], Any]) -> Any:
        """``step(answers)``, or the result of an earlier call for answers that agreed on every
        key that call read; ``context`` names everything else the step's result depends on."""
        try:
            with self._lock:
                for keys in self._keys.get(context, ()):
                    entry = (context, keys, _values(answers, keys))
                    if entry in self._results:
                        self._results.move_to_end(entry)
                        return self._results[entry]
        except TypeError:  # an answer that cannot be a key (unhashable): just run the step
            return step(ReadAnswers(answers))
        reading = ReadAnswers(answers)
        result = step(reading)
        if reading.everything:
            return result
        keys = tuple(reading.read)
        try:
            entry = (context, keys, _values(answers, keys))
            hash(entry)
        except TypeError:
            return result
        with self._lock:
            shapes = self._keys.setdefault(context, [])
            if keys not in shapes:
                shapes.insert(0, keys)
                del shapes[self.shapes:]
            self._results[entry] = result
            while len(self._results) > self.size:
                self._results.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._results)

    # Shared state, like the engine that owns it: a copy of something holding it shares it,
    # and a pickled one arrives empty.
    def __copy__(self) -> "ReadMemo":
        return self

    def __deepcopy__(self, memo: dict) -> "ReadMemo":
        return self

    def __reduce__(self):
        return (ReadMemo, (self.size, self.shapes))
