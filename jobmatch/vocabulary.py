"""Code sets that know their words: each code, its one Chinese label and what rosters write for it.

A code set is a ``StrEnum`` subclass of :class:`Vocabulary`, defined in the feature that owns it.
Its values are the codes the API sends and the database stores; ``label`` is the one word pages,
notices and exports show; ``synonyms`` are the other spellings an import accepts. Because the
members are ``str``, ``member == "hired"`` holds and JSON and SQL see the plain code.
"""

import functools
import re
import unicodedata
from enum import StrEnum, nonmember
from typing import Self


def compact(value: object) -> str:
    """Full-width to ASCII, white space removed, lower case: how typed words are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


class Vocabulary(StrEnum):
    """A member is written ``CODE = "code", "标签", "同义词", ...``."""

    label: str
    synonyms: tuple[str, ...]
    # What the set is called in a message ("班次意向"); a subclass names itself.
    noun = nonmember("")

    def __new__(cls, value: str, label: str, *synonyms: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.synonyms = synonyms
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The codes as plain strings, in definition order (for check constraints and schemas)."""
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Code -> label, in definition order (for select boxes and lookups by code)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def label_of(cls, code: str | None, default: str | None = None) -> str:
        """The label of ``code``; ``default`` (the code itself when not given) for anything else."""
        try:
            return cls(code).label
        except ValueError:
            return (code or "") if default is None else default

    @classmethod
    def lookup(cls, text: object) -> Self | None:
        """The member a typed word names (code, label or synonym, in any width or case), or None."""
        return _words(cls).get(compact(text))

    @classmethod
    def parse(cls, text: object) -> Self:
        """Like :meth:`lookup`, but an unknown word raises ValueError saying what to write."""
        member = cls.lookup(text)
        if member is None:
            raise ValueError(f"无法识别的{cls.noun}“{text}”，请填写：{cls.choices()}。")
        return member

    @classmethod
    def choices(cls) -> str:
        return "、".join(member.label for member in cls)


@functools.cache
def _words(cls: type[Vocabulary]) -> dict[str, Vocabulary]:
    words: dict[str, Vocabulary] = {}
    for member in cls:
        for word in (member.value, member.label, *member.synonyms):
            words.setdefault(compact(word), member)
    return words
