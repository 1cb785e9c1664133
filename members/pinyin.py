"""Names sorted as a Chinese reader expects: by pinyin (pypinyin), not by code point.

By code point 「张」 comes before 「李」 and after 「王」 at random to a reader; by pinyin 李 (li)
< 王 (wang) < 张 (zhang). One key for every list and choice of members and contacts: Latin
letters and digits keep their own order among the pinyin, ties fall back to the name itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.forms.models import ModelChoiceIterator
from pypinyin import Style, lazy_pinyin

T = TypeVar("T")


def pinyin_key(name: str) -> tuple[str, str]:
    """("zhang san", "张三"): tone-numbered syllables (zhang1), lower case, then the name."""
    syllables = lazy_pinyin(name or "", style=Style.TONE3, errors="default")
    return (" ".join(s.lower() for s in syllables), name or "")


def sorted_by_pinyin(items: Iterable[T], name: Callable[[T], str] = lambda o: o.name) -> list[T]:
    return sorted(items, key=lambda item: pinyin_key(name(item)))


class PinyinChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's choices in pinyin order of the instances' `name`."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted_by_pinyin(self.queryset):
            yield self.choice(obj)


def by_pinyin(field):
    """Make a ModelChoiceField list its choices in pinyin order (one helper for every form)."""
    field.iterator = PinyinChoiceIterator
    return field
