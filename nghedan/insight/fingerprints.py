"""How a text is known, whatever its spacing or case: the key that keeps each text stored once,
and the folded form that searching matches against.

Both are computed here rather than by the language engine, so that importing needs nothing
but the standard library and stays fast.
"""

import hashlib
import re
import unicodedata

WHITESPACE = re.compile(r"\s+")
# C0 and C1 control characters other than tab and newline: never meant as text, and NUL is
# refused by PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """NFC, no control characters, Windows line ends made plain, outer blanks trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text).strip()


def body_digest(body: str) -> str:
    """SHA-256 of the body with spacing collapsed and case folded: a text re-sent with other
    line breaks or in capitals is still the same text."""
    key = WHITESPACE.sub(" ", clean_text(body)).casefold()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def folded(text: str) -> str:
    """Lower case without diacritics ("Đường Nguyễn Huệ" → "duong nguyen hue"), so a search
    typed with or without accents finds the same texts on every database.

    Not `vitext.normalize.fold_lower`: that one folds only Latin letters, one for one, while
    this one folds every script's case and marks ("Ά" → "α", a stray mark dropped), and the
    stored search keys (`Text.search_text`, `TextEntity.key`) were made with it."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    stripped = "".join(char for char in text if not unicodedata.combining(char))
    return WHITESPACE.sub(" ", stripped).strip()
