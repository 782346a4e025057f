"""The folded form that names and searches are matched in, whatever their accents or case.

Not `vitext.normalize.fold_lower`: that one folds only Latin letters, one for one, to keep
offsets, while this one folds every script's case and marks ("Ά" → "α", a stray mark dropped),
as names typed in a file or a search box may hold them. The stored search keys of outside
texts (`insight.Text.search_text`, `insight.TextEntity.key`) were made with it.
"""

import re
import unicodedata

WHITESPACE = re.compile(r"\s+")


def folded(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Đường  Nguyễn Huệ" → "duong nguyen hue"."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    stripped = "".join(char for char in text if not unicodedata.combining(char))
    return WHITESPACE.sub(" ", stripped).strip()
