"""How a text is known, whatever its spacing or case: the key that keeps each text stored once
(the folded form that searching matches against is `nghedan.lib.folding.folded`).

It is computed here rather than by the language engine, so that importing needs nothing
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
