"""Syllables: the unit every Vitext model reads.

Vietnamese writes one syllable per space-separated token; words are one to four syllables.
Models read syllable n-grams (n = 1..3), which cover two- and three-syllable words without a
word segmenter: segmenting with pyvi or underthesea costs more than the whole feature budget
and did not pay back in accuracy (see docs/model-cards.md).
"""

from __future__ import annotations

import re

# Letters and digits, or one pictograph (emoji carry sentiment in comments).
_TOKEN = re.compile(r"[^\W_]+|[\u2600-\u27bf\U0001f300-\U0001faff]")


def syllables(text: str) -> list[str]:
    """Lower-cased syllables and numbers in reading order; punctuation dropped."""
    return _TOKEN.findall(text.lower())
