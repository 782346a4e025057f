"""Text as people meant it, before it is checked or stored.

Browsers, phones and other systems send Vietnamese decomposed (NFD) as often as composed, and
pasted text brings control characters and invisible marks with it. Composed, a title is found
by search and its length counted in letters; without control characters it can be written
into XML and PostgreSQL (which refuses NUL).
"""

import re
import unicodedata

# C0 and C1 control characters other than tab and newline: never meant as text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Unicode's invisible format characters (category Cf, Unicode 15): zero-width spaces and
# joiners, direction marks, byte-order marks, soft hyphens, tags. One pattern rather than a
# look-up per character: every text field of every submission passes here.
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def plain_text(text: str) -> str:
    """NFC, no control characters, Windows line ends made plain, outer blanks trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text).strip()


def visible_text(text: str) -> str:
    """`plain_text` without the invisible format characters (zero-width spaces and joiners,
    byte-order marks, soft hyphens), so that a field of nothing but those counts as empty."""
    return FORMAT_CHARACTERS.sub("", plain_text(text)).strip()
