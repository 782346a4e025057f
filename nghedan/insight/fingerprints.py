"""How a text is known, whatever its spacing or case: the key that keeps each text stored once
(the folded form that searching matches against is `nghedan.lib.folding.folded`).

It is computed here rather than by the language engine, so that importing needs nothing
but the standard library and stays fast.
"""

import hashlib
import re

from nghedan.lib.plain_text import plain_text

WHITESPACE = re.compile(r"\s+")


def body_digest(body: str) -> str:
    """SHA-256 of the body with spacing collapsed and case folded: a text re-sent with other
    line breaks or in capitals is still the same text."""
    key = WHITESPACE.sub(" ", plain_text(body)).casefold()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
