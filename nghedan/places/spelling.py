"""How people write Vietnamese place names, reduced to keys that can be compared.

"P. Bến Nghé", "phuong ben nghe" and "Phường Bến Nghé" all become the key "phuongbennghe":
diacritics folded, case and punctuation dropped, the usual abbreviations spelt out and
numbers written without leading zeros. The loader stores these keys with each unit and the
gazetteer computes them for what people type, so both sides go through these functions.
"""

import re
import unicodedata

# Abbreviations of unit types as people write them ("P.", "Q.1", "TP.HCM", "F12").
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "p": ("phuong",),
    "f": ("phuong",),
    "q": ("quan",),
    "h": ("huyen",),
    "x": ("xa",),
    "tt": ("thi", "tran"),
    "tx": ("thi", "xa"),
    "tp": ("thanh", "pho"),
}

# Unit types, longest first so that "thi xa" is not read as "thi" + "xa".
UNIT_TYPES: tuple[tuple[str, ...], ...] = (
    ("thanh", "pho"),
    ("thi", "tran"),
    ("thi", "xa"),
    ("dac", "khu"),
    ("phuong",),
    ("quan",),
    ("huyen",),
    ("tinh",),
    ("xa",),
)

PART_SEPARATORS = re.compile(r"[,;\n|]+")
# An apostrophe joins the syllables of minority-language names (Ia H'Drai, Ea H'leo).
APOSTROPHES = re.compile(r"['’‘`]")
NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
ABBREVIATION_WITH_NUMBER = re.compile(r"^(p|f|q)(\d+)$")
PARENTHESES = re.compile(r"\([^)]*\)")


def diacritics_table() -> dict[int, str | None]:
    """Each accented Latin letter to its plain letter, and combining marks to nothing."""
    table: dict[int, str | None] = {ord(ch): "d" for ch in "đĐðÐ"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        plain = "".join(
            ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch)
        )
        if code not in table and plain.isascii() and plain != chr(code):
            table[code] = plain.lower()
    for code in range(0x300, 0x370):
        table[code] = None
    return table


DIACRITICS = diacritics_table()


def fold(text: str) -> str:
    """Lower case, without diacritics: 'Bến Nghé' -> 'ben nghe'."""
    return text.translate(DIACRITICS).lower()


def split_parts(text: str) -> list[str]:
    """The comma-separated parts of an address; no name runs across a comma."""
    return [part for part in PART_SEPARATORS.split(text) if part.strip()]


def words(text: str) -> list[str]:
    """Folded words with abbreviations spelt out: 'P.01, Q1' -> phuong 1 quan 1."""
    result: list[str] = []
    for word in NOT_ALPHANUMERIC.split(fold(APOSTROPHES.sub("", text))):
        if not word:
            continue
        if word in ABBREVIATIONS:
            result.extend(ABBREVIATIONS[word])
        elif word.isdigit():
            result.append(str(int(word)))
        elif word[-1].isdigit() and (glued := ABBREVIATION_WITH_NUMBER.match(word)):
            result.extend(ABBREVIATIONS[glued.group(1)])
            result.append(str(int(glued.group(2))))
        else:
            result.append(word)
    return result


# Tone marks (huyền, sắc, ngã, hỏi, nặng); the letter marks of â, ă, ơ, ư stay with the letter.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _without_tone(ch: str) -> str:
    kept = "".join(mark for mark in unicodedata.normalize("NFD", ch) if mark not in TONE_MARKS)
    return unicodedata.normalize("NFC", kept)


def marks_agree(typed: str, name: str) -> bool:
    """Whether accent keys of the same letters could be the same name: a mark may be left
    out, never changed. 'tândinh' fits 'tânđịnh'; 'phườngsài' does not fit 'phươngsài'."""
    return len(typed) == len(name) and all(
        t == n or t == fold(n) or t == _without_tone(n) for t, n in zip(typed, name, strict=True)
    )


def search_key(text: str) -> str:
    """The comparable key of a name: 'Phường 01' -> 'phuong1'."""
    return "".join(words(text))


def accent_key(text: str) -> str:
    """Lower case with diacritics kept, to tell 'Văn Lăng' from 'Văn Lang'."""
    lowered = unicodedata.normalize("NFC", APOSTROPHES.sub("", text).lower())
    return "".join(ch for ch in lowered if ch.isalnum())


def without_type(name: str) -> str:
    """'Phường Bến Nghé' -> 'Bến Nghé'; 'Cao Lãnh (Huyện)' -> 'Cao Lãnh'."""
    name = PARENTHESES.sub("", name).strip()
    folded = words(name)
    for unit_type in UNIT_TYPES:
        if tuple(folded[: len(unit_type)]) == unit_type and len(folded) > len(unit_type):
            return " ".join(name.split()[len(unit_type) :])
    return name


def name_keys(
    name: str, short_name: str = "", aliases: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """Every key a unit answers to: its full name, its name without the type, its aliases.

    A bare number ('1' for 'Quận 1') is never a key: it only means something after its type.
    """
    keys: list[str] = []
    bare = without_type(name)
    # A short name that is already the name without its type keeps what looks like a type:
    # 'Phương Sài' must not become 'Sài'.
    short_bare = short_name if short_name == bare else without_type(short_name or name)
    for text in dict.fromkeys((name, bare, short_bare, *aliases)):
        key = search_key(text)
        if key and not key.isdigit() and key not in keys:
            keys.append(key)
    return keys
