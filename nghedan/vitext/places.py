"""Places named in running Vietnamese text, resolved to the commune that holds them today.

    find_places("Người dân phường Bến Nghé, quận 1 phản ánh ...")
    -> PlaceMention("phường Bến Nghé, quận 1", found, Phường Sài Gòn (26740's successor))

Prose names many things with capitals, so a place is only taken with a trigger: a unit word
(phường, xã, thị trấn, đặc khu, quận, huyện, thị xã, thành phố, tỉnh) or its abbreviation
(P., F, Q., H., TX., TT., TP.; in lower case "q.1", "q1", "p.5", "p.Bến Nghé" only before
a number or, for "p.", a capitalized name) in front of a name the gazetteer knows, or a
province name that means nothing else ("Đồng Nai", "TPHCM"). A letter and a number right
after a car maker ("Audi Q5", "BMW X5") is a car, and "Q1/2025" a quarter of the year.

In text with diacritics the unit word must carry its own ("phương án" is a plan, not a ward)
and the name must be capitalized, unless both are typed plain ("ở phuong ben nghe quan 1"):
a plain "xa", "quan" or "tinh" there is an everyday word unless it is placed ("ở", "tại") or
followed by a larger unit. Text typed without any diacritics is read more loosely but still
needs a known unit name. A ward may go without its unit word right before its own old
district and a comma ("Bến Nghé, Q.1").

Names written one after the other ("phường 1, quận 3, TPHCM") are read together: the larger
units narrow the smaller. An old name leads to the 2025 commune that took it over; when it
leads to several, or when several units answer to the name, the mention is ambiguous and
lists the candidates: nothing is guessed.

The index is built once, lazily, from the files the vietnamadminunits package ships (the same
units and codes the project's places app loads).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Literal

from nghedan.vitext.normalize import fold_lower as fold
from nghedan.vitext.normalize import follows_car_brand, has_diacritics
from nghedan.vitext.result import Candidate, PlaceMention, Span

MAX_CANDIDATES = 30
MAX_NAME_TOKENS = 6
# Between two names of one address: a comma, a dash, spaces.
CHAIN_GAP = re.compile(r"[\s,;\-–(]{0,4}")

PROVINCE, DISTRICT, WARD = 0, 1, 2
LEVEL_NAMES: dict[int, Literal["commune", "district", "province"]] = {
    PROVINCE: "province",
    DISTRICT: "district",
    WARD: "commune",
}


_KEY_DROP = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    """The comparable key of a name: 'Bến Nghé' -> 'bennghe', '01' -> '1'."""
    tokens = _KEY_DROP.split(fold(name.replace("'", "").replace("’", "")))
    return "".join(str(int(t)) if t.isdigit() else t for t in tokens if t)


# --- the units -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # the 2025 province
    name: str
    legacy_name: str = ""  # set for a pre-2025 province, merged into `code`


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    kind: str  # "Phường", "Xã", "Đặc khu"
    province_code: str
    districts: frozenset[str]  # old districts its predecessors lay in


@dataclass(frozen=True, slots=True)
class OldWard:
    code: str
    name: str
    kind: str  # "Phường", "Xã", "Thị trấn"
    district: str
    province_code: str  # the 2025 province
    successors: tuple[str, ...]  # the default first


@dataclass(frozen=True, slots=True)
class OldDistrict:
    code: str
    name: str
    kind: str  # "Quận", "Huyện", "Thị xã", "Thành phố"
    province_code: str
    communes: tuple[str, ...]


@dataclass
class Index:
    provinces: dict[str, Province]  # 2025 code -> province
    communes: dict[str, Commune]
    province_keys: dict[str, list[Province]]
    commune_keys: dict[str, list[Commune]]
    old_ward_keys: dict[str, list[OldWard]]
    district_keys: dict[str, list[OldDistrict]]
    bare_provinces: dict[str, Province]  # folded name -> province, for names without a trigger


def data_directory() -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data"))


UNIT_KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")


def _without_kind(name: str, kind: str) -> str:
    """'Phường Bến Nghé' -> 'Bến Nghé'; the kind the name starts with is dropped even where
    the source gives the unit another ("Phường 5" filed as a "Xã")."""
    for prefix in (kind, *UNIT_KINDS):
        if name.startswith(prefix + " "):
            return name[len(prefix) :].strip()
    return name


def _kind_in_name(name: str) -> str:
    return next((kind for kind in UNIT_KINDS if name.startswith(kind + " ")), "")


def _keys(name: str, kind: str, keywords: str | None) -> set[str]:
    keys = {name_key(_without_kind(name, kind))}
    for keyword in json.loads(keywords) if keywords else ():
        keys.add(name_key(keyword))
    return {key for key in keys if key}


@functools.cache
def load_index(directory: Path | None = None) -> Index:
    """Read dataset.db and converter_2025.json once; about a tenth of a second."""
    directory = directory or data_directory()
    connection = sqlite3.connect(
        f"{(directory / 'dataset.db').resolve().as_uri()}?mode=ro", uri=True
    )
    try:
        new_rows = connection.execute(
            "SELECT province, provinceCode, provinceKey, provinceKeywords, ward, wardType, "
            "wardCode, wardKey, wardKeywords FROM admin_units"
        ).fetchall()
        old_rows = connection.execute(
            "SELECT province, provinceKey, provinceKeywords, district, districtType, "
            "districtCode, districtKey, districtKeywords, ward, wardType, wardCode, wardKey, "
            "wardKeywords FROM admin_units_legacy"
        ).fetchall()
    finally:
        connection.close()
    converter = json.loads((directory / "converter_2025.json").read_text(encoding="utf-8"))
    return _build_index(new_rows, old_rows, converter)


def _commune_code_finder(new_rows: list[tuple]) -> dict[tuple[str, str], str]:
    """(province key, ward key) -> commune code; keys as written, then folded when unique."""
    exact: dict[tuple[str, str], str] = {}
    folded: dict[tuple[str, str], list[str]] = {}
    for _p, _code, province_key, _kw, _w, _t, ward_code, ward_key, _wkw in new_rows:
        exact[(province_key, unicodedata.normalize("NFC", ward_key))] = ward_code
        folded.setdefault((province_key, fold(ward_key)), []).append(ward_code)
    for key, codes in folded.items():
        if len(codes) == 1:
            exact.setdefault(key, codes[0])
    return exact


def _successors(converter: dict, codes: dict[tuple[str, str], str]) -> dict[str, list[str]]:
    """Old 'province_district_ward' key -> new commune codes, the default first."""

    def code(province_key: str, ward_key: str) -> str:
        return codes.get((province_key, unicodedata.normalize("NFC", ward_key))) or codes.get(
            (province_key, fold(ward_key)), ""
        )

    result: dict[str, list[str]] = {}
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in wards.items():
            for old_key in old_keys:
                result[old_key] = [code(province_key, new_key)]
    for province_key, wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in wards.items():
            ordered = sorted(parts, key=lambda part: not part["isDefaultNewWard"])
            result[old_key] = [code(province_key, part["newWardKey"]) for part in ordered]
    return {key: [c for c in value if c] for key, value in result.items()}


def _build_index(new_rows: list[tuple], old_rows: list[tuple], converter: dict) -> Index:
    provinces: dict[str, Province] = {}
    province_keys: dict[str, list[Province]] = {}
    new_code_of_key: dict[str, str] = {}
    for name, code, key, keywords, *_rest in new_rows:
        if code not in provinces:
            provinces[code] = Province(code, name)
            new_code_of_key[key] = code
            for k in _keys(name, _province_kind(name), keywords):
                province_keys.setdefault(k, []).append(provinces[code])
    province_keys.setdefault("hcmc", [provinces["79"]]) if "79" in provinces else None

    old_province_new: dict[str, str] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            old_province_new[old_key] = new_code_of_key[new_key]

    successors = _successors(converter, _commune_code_finder(new_rows))
    old_wards: list[OldWard] = []
    district_rows: dict[str, tuple] = {}
    district_communes: dict[str, dict[str, None]] = {}
    commune_districts: dict[str, set[str]] = {}
    legacy_provinces: dict[str, Province] = {}
    for row in old_rows:
        (p_name, p_key, p_keywords, d_name, d_kind, d_code, d_key, d_keywords) = row[:8]
        w_name, w_kind, w_code, w_key, w_keywords = row[8:]
        new_code = old_province_new.get(p_key, "")
        if p_key not in legacy_provinces and new_code:
            legacy = Province(new_code, provinces[new_code].name, legacy_name=p_name)
            legacy_provinces[p_key] = legacy
            for k in _keys(p_name, _province_kind(p_name), p_keywords):
                province_keys.setdefault(k, []).append(legacy)
        district_rows.setdefault(d_code, (d_name, d_kind, new_code, d_keywords))
        taken = successors.get(f"{p_key}_{d_key}_{w_key or ''}", [])
        known = district_communes.setdefault(d_code, {})
        for commune_code in taken:
            known.setdefault(commune_code)
            commune_districts.setdefault(commune_code, set()).add(d_code)
        if w_code is not None:
            kind = _kind_in_name(w_name) or w_kind
            ward = OldWard(w_code, w_name, kind, d_code, new_code, tuple(taken))
            old_wards.append(ward)

    communes: dict[str, Commune] = {}
    commune_keys: dict[str, list[Commune]] = {}
    for _p, p_code, _pk, _pkw, w_name, w_kind, w_code, _wk, w_keywords in new_rows:
        commune = Commune(
            w_code, w_name, w_kind, p_code, frozenset(commune_districts.get(w_code, ()))
        )
        communes[w_code] = commune
        for k in _keys(w_name, w_kind, w_keywords):
            commune_keys.setdefault(k, []).append(commune)

    old_ward_keys: dict[str, list[OldWard]] = {}
    for ward in old_wards:
        for k in _keys(ward.name, ward.kind, None):
            old_ward_keys.setdefault(k, []).append(ward)
    district_keys: dict[str, list[OldDistrict]] = {}
    for d_code, (d_name, d_kind, new_code, d_keywords) in district_rows.items():
        district = OldDistrict(d_code, d_name, d_kind, new_code, tuple(district_communes[d_code]))
        for k in _keys(d_name, d_kind, d_keywords):
            district_keys.setdefault(k, []).append(district)

    return Index(
        provinces=provinces,
        communes=communes,
        province_keys=province_keys,
        commune_keys=commune_keys,
        old_ward_keys=old_ward_keys,
        district_keys=district_keys,
        bare_provinces=_bare_provinces(provinces, legacy_provinces),
    )


def _province_kind(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


# Province names that also mean something else: "hòa bình" is peace, "Hồ Chí Minh" a person.
NEED_TRIGGER = frozenset({"hoabinh", "thaibinh", "hochiminh", "hue", "hanam", "longan"})


def _bare_provinces(
    provinces: dict[str, Province], legacy: dict[str, Province]
) -> dict[str, Province]:
    bare: dict[str, Province] = {}
    for province in [*legacy.values(), *provinces.values()]:
        full = province.legacy_name or province.name
        short = _without_kind(full, _province_kind(full))
        if name_key(short) not in NEED_TRIGGER:
            bare[short] = province
            bare.setdefault(" ".join(w.capitalize() for w in fold(short).split()), province)
    return bare


# --- finding triggers in the text -------------------------------------------------------------

# Unit word (folded) -> the kinds of unit it introduces, and at which level.
UNIT_WORDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "phuong": (WARD, ("Phường",)),
    "xa": (WARD, ("Xã",)),
    "thi tran": (WARD, ("Thị trấn",)),
    "dac khu": (WARD, ("Đặc khu",)),
    "quan": (DISTRICT, ("Quận",)),
    "huyen": (DISTRICT, ("Huyện",)),
    "thi xa": (DISTRICT, ("Thị xã",)),
    "thanh pho": (DISTRICT, ("Thành phố",)),
    "tinh": (PROVINCE, ("Tỉnh",)),
}
ABBREVIATION_WORDS = {
    "P": "phuong",
    "F": "phuong",
    "X": "xa",
    "TT": "thi tran",
    "Q": "quan",
    "H": "huyen",
    "TX": "thi xa",
    "TP": "thanh pho",
    "Tp": "thanh pho",
}
# In lower case only before a number ("q.1", "q1", "p.5", "p5") or, for "p.", a capitalized
# name ("p.Bến Nghé"): a lone "p" or "q" is too common to mean more.
LOWER_CASE_ABBREVIATION_WORDS = {"p": "phuong", "q": "quan"}
# The unit words as they must be written in text with diacritics.
ACCENTED_UNIT_WORDS = frozenset(
    {"phường", "xã", "thị trấn", "đặc khu", "quận", "huyện", "thị xã", "thành phố", "tỉnh"}
)

# Matched on the text as written (no folding of the whole text: most texts name few places);
# the leading look-ahead skips most positions at once.
_TRIGGER = re.compile(
    r"(?=[pPxXqQhHtTđĐdDfF])(?<![\w.])(?:"
    r"((?i:thành phố|thanh pho|thị trấn|thi tran|thị xã|thi xa|đặc khu|dac khu|phường|phuong"
    r"|xã|xa|quận|quan|huyện|huyen|tỉnh|tinh))\s+"
    r"|(TP|Tp|TX|TT|P|Q|H|X|F)(?:\.\s?|\s(?=\d)|(?=\d))"
    r"|(TP|Tp)\s(?=[^\W\d_])"
    r"|([pq])(?=[.\d])(?:\.\s?)?)"
)
# "Q1/2025", "q2 năm nay", "Q3 2024": a quarter of the year, not a district.
_QUARTER = re.compile(r"[1-4](?:[/-](?:19|20)?\d\d(?!\d)|\s(?:năm|nam)\b|\s(?:19|20)\d\d(?!\d))")
_NAME_WINDOW = re.compile(
    rf"[^\W_]+(?:['’][^\W_]+)*(?: [^\W_]+(?:['’][^\W_]+)*){{0,{MAX_NAME_TOKENS - 1}}}"
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# "TPHCM", "TP.HCM", "TP HCM", "HCMC": the city, with no other name needed.
_HCMC = re.compile(
    r"(?=[tTH])(?<![\w.])"
    r"(?:(?i:tp)\.?\s?(?:HCM|hcm|Hồ Chí Minh|Ho Chi Minh)|HCMC|(?i:tphcm))(?![\w])"
)
# Words in front of a name that make it a person's, not a place's.
HONORIFICS = frozenset(
    [
        "ông",
        "bà",
        "anh",
        "chị",
        "em",
        "cô",
        "chú",
        "bác",
        "cháu",
        "cụ",
        "bé",
        "đồng",
        "chí",
        "đ/c",
        "ong",
        "ba",
        "anh",
        "chi",
        "em",
        "co",
        "chu",
        "bac",
        "chau",
    ]
)


@dataclass(frozen=True)
class Raw:
    """A name found in the text, with every unit it could be."""

    start: int
    end: int
    level: int
    provinces: tuple[Province, ...] = ()
    districts: tuple[OldDistrict, ...] = ()
    communes: tuple[Commune, ...] = ()
    old_wards: tuple[OldWard, ...] = ()
    # "F2", "P1": too short to stand alone ("F1" is also a race); kept only inside an address.
    weak: bool = False
    # The name as written, lower case with its marks, when the text has diacritics: of units
    # whose names differ only in marks ("Minh Thạnh", "Minh Thành") the one written is meant.
    marks: str = ""
    # A plain "xa", "quan", "tinh" in text with diacritics: kept only before a larger unit.
    needs_larger_unit: bool = False


def find_places(text: str, default_province: str | None = None) -> tuple[PlaceMention, ...]:
    """Every place named in `text` (normalized), in order; see the module's docstring.

    `default_province` (a 2025 province code, "79" for Hồ Chí Minh City) narrows names that
    no larger unit in the text narrows.
    """
    if not text or not isinstance(text, str):
        return ()
    index = load_index()
    accented = has_diacritics(text)
    raws = _triggered(text, accented, index)
    raws = _with_names_before_districts(raws, text, accented, index)
    raws = _with_bare_provinces(raws, text, accented, index)
    raws.sort(key=lambda raw: raw.start)
    mentions: list[PlaceMention] = []
    for chain in _chains(raws, text):
        if len(chain) == 1 and chain[0].weak:
            continue
        mentions.append(_resolve(chain, text, index, default_province))
    return tuple(mentions)


def _triggered(text: str, accented: bool, index: Index) -> list[Raw]:
    names = _Names(text, accented, index)
    raws: list[Raw] = []
    taken_until = 0
    for match in _TRIGGER.finditer(text):
        if match.start() < taken_until:
            continue
        unit_word = _unit_word(match, text, accented)
        if unit_word is None:
            continue
        reading = _reading(match, accented)
        raw = names.at(match.start())
        if raw is not None:
            if _weak(match, text):
                raw = replace(raw, weak=True)
            if reading == "plain_in_accented" and not _plain_address(unit_word, raws, match, text):
                raw = replace(raw, needs_larger_unit=True)
            raws.append(raw)
            taken_until = raw.end
    return _without_lone_everyday_words(raws, text)


def _without_lone_everyday_words(raws: list[Raw], text: str) -> list[Raw]:
    """Drop a plain "xa Do Thanh" that no larger unit written with its own word follows."""
    kept = []
    for number, raw in enumerate(raws):
        following = raws[number + 1] if number + 1 < len(raws) else None
        if raw.needs_larger_unit and not (following and _continues(raw, following, text)):
            continue
        kept.append(raw)
    return kept


def _unit_word(match: re.Match[str], text: str, accented: bool) -> str | None:
    """The folded unit word a trigger stands for, or None when it is some other word.

    Text with diacritics may still hold an address typed without them ("ở phuong ben nghe
    quan 1"): the plain unit word counts there too, but only with a plain name after it.
    """
    written = match.group(1)
    if written:
        if written.isascii() or written.lower() in ACCENTED_UNIT_WORDS:
            return fold(written)
        return None
    lower = match.group(4)
    if lower and not _lower_case_abbreviation(lower, match, text):
        return None
    unit_word = ABBREVIATION_WORDS.get(match.group(2) or match.group(3) or "") or (
        LOWER_CASE_ABBREVIATION_WORDS.get(lower)
    )
    if unit_word and _is_a_code_not_a_place(unit_word, match, text):
        return None
    return unit_word


def _lower_case_abbreviation(letter: str, trigger: re.Match[str], text: str) -> bool:
    """Lower case stands for a unit only before a number ("q.1", "q1", "p.5") or, after
    "p.", a capitalized name ("p.Bến Nghé"); not in "p.s." or "q.chiều"."""
    following = text[trigger.end() : trigger.end() + 1]
    if following.isdigit():
        return True
    return letter == "p" and "." in trigger.group() and following.isupper()


def _is_a_code_not_a_place(unit_word: str, trigger: re.Match[str], text: str) -> bool:
    """A letter and a number that name something else: a car model right after its maker
    ("Audi Q5", "BMW X5"), or a quarter of the year ("Q1/2025", "q2 năm nay")."""
    end = trigger.end()
    if not text[end : end + 1].isdigit():
        return False
    if follows_car_brand(text, trigger.start()):
        return True
    return unit_word == "quan" and "." not in trigger.group() and bool(_QUARTER.match(text, end))


def _weak(trigger: re.Match[str], text: str) -> bool:
    """Whether a name is kept only inside an address: "F2", "P1" (also a race, a form)."""
    if trigger.group(4) == "p":  # "p5", "p.5": lower case is weaker still
        return text[trigger.end() : trigger.end() + 1].isdigit()
    return trigger.group(2) in ("P", "F") and text[trigger.end(2) : trigger.end(2) + 1].isdigit()


def _plain_address(unit_word: str, raws: list[Raw], trigger: re.Match[str], text: str) -> bool:
    """In text with diacritics, plain "xa", "quan", "tinh" are also everyday words ("hải
    quan 1,6%", "cu xa Do Thanh"): they stand alone as unit words only when they go on with
    an address ("phuong ben nghe quan 1") or follow a word that places them ("ở quan 1");
    otherwise only before a larger unit ("xa minh hoa huyen dau tieng")."""
    if unit_word not in EVERYDAY_PLAIN_UNIT_WORDS:
        return True
    if raws and CHAIN_GAP.fullmatch(text, raws[-1].end, trigger.start()) is not None:
        return True
    return _placed(text, trigger.start())


Reading = Literal["accented", "plain", "plain_in_accented"]


def _reading(match: re.Match[str], accented: bool) -> Reading:
    """How strictly the name after a trigger is read."""
    if not accented:
        return "plain"
    written = match.group(1)
    return "plain_in_accented" if written and written.isascii() else "accented"


# Where a name can run into the next unit word: a word after a space (see _Names).
_TRIGGER_AFTER_SPACE = re.compile(r" (?=[pPxXqQhHtTđĐdDfF])")


class _Names:
    """The name after each unit word of one text, each read once.

    A name stops before the next unit word that has a name of its own (see
    _before_next_trigger), whose name stops before the next one's, and so on. Read on demand
    without memory, that took exponential time on a text full of unit words ("can bo quan
    tam tinh hinh xa hoi ..." ten times: a minute) and a chain of calls as long as the text
    (RecursionError, every place lost). So the unit words a name can run into are read first,
    from the last to the first: each then finds those after it already read, and the whole
    text takes linear time with no deep recursion.
    """

    def __init__(self, text: str, accented: bool, index: Index) -> None:
        self.text = text
        self.accented = accented
        self.index = index
        self._read: dict[int, Raw | None] = {}
        starts = [space.end() for space in _TRIGGER_AFTER_SPACE.finditer(text)]
        for start in reversed(starts):
            self.at(start)

    def at(self, start: int) -> Raw | None:
        """The name after the unit word written at `start`; None without either."""
        if start not in self._read:
            self._read[start] = self._name_at(start)
        return self._read[start]

    def _name_at(self, start: int) -> Raw | None:
        match = _TRIGGER.match(self.text, start)
        if match is None:
            return None
        unit_word = _unit_word(match, self.text, self.accented)
        if unit_word is None:
            return None
        return _name_after(unit_word, match, self.text, _reading(match, self.accented), self)


def _name_after(
    unit_word: str, trigger: re.Match[str], text: str, reading: Reading, names: _Names
) -> Raw | None:
    window = _NAME_WINDOW.match(text, trigger.end())
    if window is None:
        return None
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, trigger.end(), window.end())]
    words = _capitalized_prefix(words, text, reading)
    if not words:
        return None
    level, kinds = UNIT_WORDS[unit_word]
    cut = _before_next_trigger(words, names)
    index = names.index
    for candidate_words in (cut, words) if len(cut) < len(words) else (words,):
        raw = _longest_name(candidate_words, unit_word, level, kinds, trigger, text, reading, index)
        if raw is not None:
            return raw
    return None


def _longest_name(
    words: list[tuple[int, int]],
    unit_word: str,
    level: int,
    kinds: tuple[str, ...],
    trigger: re.Match[str],
    text: str,
    reading: Reading,
    index: Index,
) -> Raw | None:
    # Longest name first: "Bình Thạnh" before "Bình".
    for count in range(len(words), 0, -1):
        written = text[words[0][0] : words[count - 1][1]]
        key = name_key(written)
        raw = _lookup(key, unit_word, level, kinds, trigger.start(), words[count - 1][1], index)
        if raw is None:
            continue
        if count == 1 and not key.isdigit() and _too_weak(text, words[0], reading):
            return None
        return replace(raw, marks=_accent_key(written)) if reading == "accented" else raw
    return None


# Plain unit words that are also everyday words in text with diacritics ("xa" is far).
EVERYDAY_PLAIN_UNIT_WORDS = frozenset({"xa", "quan", "tinh"})


def _too_weak(text: str, word: tuple[int, int], reading: Reading) -> bool:
    """One lowercase word after a plain trigger: "xa hoi", "phuong an" are not places."""
    return reading != "accented" and _lowercase(text, word)


def _before_next_trigger(words: list[tuple[int, int]], names: _Names) -> list[tuple[int, int]]:
    """The words up to the next unit word that has a name: "phuong tan an thanh pho thu dau
    mot" holds two names, and "Tân An Thạnh" must not be read across them."""
    for number, (start, _end) in enumerate(words[1:], start=1):
        if names.at(start) is not None:
            return words[:number]
    return words


def _accent_key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", name.lower()) if ch.isalnum())


def _same_marks(communes: list[Commune], old: list[OldWard], marks: str) -> tuple[list, list]:
    """The units written with exactly these marks, when there are several to choose from
    and some are; all of them otherwise (a typo in the marks still finds the unit)."""
    if not marks or len(communes) + len(old) < 2:
        return communes, old
    exact_communes = [c for c in communes if _accent_key(_without_kind(c.name, c.kind)) == marks]
    exact_old = [w for w in old if _accent_key(_without_kind(w.name, w.kind)) == marks]
    if not exact_communes and not exact_old:
        return communes, old
    return exact_communes, exact_old


def _lowercase(text: str, word: tuple[int, int]) -> bool:
    return text[word[0]].islower()


def _capitalized_prefix(
    words: list[tuple[int, int]], text: str, reading: Reading
) -> list[tuple[int, int]]:
    """The words that can belong to a name: capitalized (or numbers) in text with diacritics;
    any in plain text, but all capitalized when the first is; no marked word after a plain
    unit word in text with diacritics."""
    if reading == "plain_in_accented":
        plain = []
        for word_start, word_end in words:
            if has_diacritics(text[word_start:word_end]):
                break
            plain.append((word_start, word_end))
        words = plain
    if reading != "accented" and not any(text[s].isupper() for s, _e in words[:1]):
        return words
    kept = []
    for word_start, word_end in words:
        first = text[word_start]
        if not (first.isupper() or first.isdigit()):
            break
        kept.append((word_start, word_end))
    return kept


def _lookup(
    key: str,
    unit_word: str,
    level: int,
    kinds: tuple[str, ...],
    start: int,
    end: int,
    index: Index,
) -> Raw | None:
    if level == WARD:
        communes = [c for c in index.commune_keys.get(key, ()) if c.kind in kinds]
        old = [w for w in index.old_ward_keys.get(key, ()) if w.kind in kinds]
        if not communes and not old:
            # People still write the old type: "xã" for what became a ward, and so on.
            communes = list(index.commune_keys.get(key, ()))
            old = list(index.old_ward_keys.get(key, ()))
        if communes or old:
            return Raw(start, end, WARD, communes=tuple(communes), old_wards=tuple(old))
        return None
    if unit_word == "thanh pho":
        cities = [p for p in index.province_keys.get(key, ()) if _is_city(p)]
        if cities:
            return Raw(start, end, PROVINCE, provinces=tuple(cities))
    if level == PROVINCE:
        found = index.province_keys.get(key)
        return Raw(start, end, PROVINCE, provinces=tuple(found)) if found else None
    districts = [d for d in index.district_keys.get(key, ()) if d.kind in kinds]
    if not districts and not key.isdigit():
        districts = list(index.district_keys.get(key, ()))
    return Raw(start, end, DISTRICT, districts=tuple(districts)) if districts else None


# --- a ward named without its unit word, before its old district: "Bến Nghé, Q.1" ---------

# Only a comma joins a bare name to its district: "Tân Thuận (quận 7)" is a factory's name.
_GAP_BEFORE = re.compile(r" ?, ?$")
# What may stand just before a bare ward name: a word that places it ("ở", "tại") or the
# start of a clause; "Nhà thi đấu Phú Thọ, Q.11" and "171 Võ Thị Sáu, Q.3" name buildings
# and streets.
PLACING_WORDS = frozenset(
    {
        *("ở", "tại", "thuộc", "về", "đến", "từ", "trú", "ngụ", "sống", "qua", "và", "ubnd"),
        *("o", "tai", "thuoc", "ve", "den", "tu", "tru", "ngu", "song", "va"),
    }
)


def _with_names_before_districts(
    raws: list[Raw], text: str, accented: bool, index: Index
) -> list[Raw]:
    """Add the ward written bare in front of an old district that held it. Only a name of
    that district is taken, so "Hà Nội, quận 1" adds nothing."""
    found: list[Raw] = []
    previous_end = 0
    for raw in raws:
        if raw.level == DISTRICT and raw.districts:
            ward = _ward_before(raw, text, previous_end, accented, index)
            if ward is not None:
                found.append(ward)
        found.append(raw)
        previous_end = raw.end
    return found


def _ward_before(
    district: Raw, text: str, not_before: int, accented: bool, index: Index
) -> Raw | None:
    gap = _GAP_BEFORE.search(text, max(not_before, district.start - 4), district.start)
    if gap is None:
        return None
    words = _words_ending_at(text, max(not_before, gap.start() - 80), gap.start())
    if accented:
        words = _trailing_capitalized(words, text)
    district_codes = {d.code for d in district.districts}
    for first in range(len(words)):
        start, end = words[first][0], words[-1][1]
        if text[start].isdigit() or not _placed(text, start):
            continue
        key = name_key(text[start:end])
        communes = tuple(index.commune_keys.get(key, ()))
        old = tuple(index.old_ward_keys.get(key, ()))
        if any(c.districts & district_codes for c in communes) or any(
            w.district in district_codes for w in old
        ):
            raw = Raw(start, end, WARD, communes=communes, old_wards=old)
            return replace(raw, marks=_accent_key(text[start:end])) if accented else raw
    return None


def _words_ending_at(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The last words before `end`, one space apart, at most MAX_NAME_TOKENS of them."""
    words: list[tuple[int, int]] = []
    for match in _WORD.finditer(text, start, end):
        if words and text[words[-1][1] : match.start()] != " ":
            words = []
        words.append(match.span())
    if not words or words[-1][1] != end:
        return []
    return words[-MAX_NAME_TOKENS:]


def _trailing_capitalized(words: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for word in reversed(words):
        if not text[word[0]].isupper():
            break
        kept.append(word)
    return kept[::-1]


def _placed(text: str, start: int) -> bool:
    """Whether a bare name starting at `start` follows a placing word or a clause's start."""
    before = text[max(0, start - 12) : start].rstrip()
    if not before:
        return True
    if not before[-1].isalnum():
        return before[-1] not in "/-"  # "311/13", "Trường Chinh-" end a street's number, name
    previous = before.split()[-1]
    return previous.lower() in PLACING_WORDS


def _is_city(province: Province) -> bool:
    return (province.legacy_name or province.name).startswith("Thành phố")


def _with_bare_provinces(raws: list[Raw], text: str, accented: bool, index: Index) -> list[Raw]:
    taken = [(raw.start, raw.end) for raw in raws]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    found = list(raws)
    for match in _HCMC.finditer(text):
        if free(match.start(), match.end()) and (text[match.start()].isupper() or not accented):
            found.append(
                Raw(match.start(), match.end(), PROVINCE, provinces=(index.provinces["79"],))
            )
    for match in _bare_pattern(tuple(index.bare_provinces)).finditer(text):
        start, end = match.span()
        written = match.group()
        if not free(start, end) or not _stands_alone(text, start, end, accented):
            continue
        if accented and written.isascii() and fold(written) != written.lower():
            continue  # 'Ha Noi' in text with diacritics is not how the province is written
        found.append(Raw(start, end, PROVINCE, provinces=(index.bare_provinces[written],)))
    return found


@functools.cache
def _bare_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """Province names as written, capitalized: with diacritics, and without them."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    first = "".join(sorted({n[0] for n in names}))
    return re.compile(rf"(?=[{re.escape(first)}])(?<![\w.])(?:{alternatives})(?![\w])")


def _stands_alone(text: str, start: int, end: int, accented: bool) -> bool:
    """Every word capitalized, and no capitalized word glued before or after ("Thái Bình
    Dương", "Nguyễn Hà Nam"), and no 'ông', 'chị' in front."""
    words = text[start:end].split()
    if not all(word[0].isupper() for word in words):
        return False
    before = text[max(0, start - 12) : start].split()
    after = text[end : end + 2]
    if after[:1] == " " and after[1:2].isupper():
        return False
    if after[:1] == "-" or (start and text[start - 1] == "-"):
        return False
    if before and text[start - 1] == " ":
        previous = before[-1]
        if previous[0].isupper() and previous[-1].isalpha():
            return False
        if previous.lower() in HONORIFICS:
            return False
    return True


# --- reading names together -------------------------------------------------------------------


def _chains(raws: list[Raw], text: str) -> Iterable[list[Raw]]:
    """Runs of names that read as one address: each a larger unit than the one before."""
    chain: list[Raw] = []
    for raw in raws:
        if chain and _continues(chain[-1], raw, text):
            chain.append(raw)
            continue
        if chain:
            yield chain
        chain = [raw]
    if chain:
        yield chain


def _continues(previous: Raw, raw: Raw, text: str) -> bool:
    gap = CHAIN_GAP.fullmatch(text, previous.end, raw.start)
    return gap is not None and raw.level < previous.level


def _resolve(
    chain: list[Raw], text: str, index: Index, default_province: str | None
) -> PlaceMention:
    by_level = {raw.level: raw for raw in chain}
    province_codes = (
        {p.code for p in by_level[PROVINCE].provinces} if PROVINCE in by_level else set()
    )
    districts: list[OldDistrict] = []
    if DISTRICT in by_level:
        districts = _within(by_level[DISTRICT].districts, province_codes)
        if not districts:
            return _split_inconsistent(chain, text, index, default_province)
    smallest = chain[0]
    start, end = chain[0].start, chain[-1].end
    if not province_codes and not districts and default_province:
        province_codes = {default_province}
    if WARD in by_level:
        return _resolve_ward(by_level[WARD], districts, province_codes, text, start, end, index)
    if DISTRICT in by_level:
        return _resolve_district(districts, province_codes, text, start, end, index)
    return _resolve_province(smallest, text, start, end, index)


def _split_inconsistent(
    chain: list[Raw], text: str, index: Index, default_province: str | None
) -> PlaceMention:
    """The names do not nest: read the smallest one alone."""
    return _resolve([chain[0]], text, index, default_province)


def _within(items: Sequence, province_codes: set[str]) -> list:
    if not province_codes:
        return list(items)
    return [item for item in items if item.province_code in province_codes]


def _resolve_ward(
    raw: Raw,
    districts: list[OldDistrict],
    province_codes: set[str],
    text: str,
    start: int,
    end: int,
    index: Index,
) -> PlaceMention:
    district_codes = {d.code for d in districts}
    communes = _within(raw.communes, province_codes)
    old = _within(raw.old_wards, province_codes)
    if district_codes:
        communes = [c for c in communes if c.districts & district_codes]
        old = [w for w in old if w.district in district_codes]
    if not communes and not old and province_codes and not district_codes:
        # A default province that does not hold the name: read the name alone.
        communes, old = list(raw.communes), list(raw.old_wards)
    communes, old = _same_marks(communes, old, raw.marks)
    # With an old district written, the old ward of that name is meant; otherwise today's.
    if communes and not (district_codes and old):
        return _mention(text, start, end, [c.code for c in communes], index)
    successors = _unique(code for ward in old for code in ward.successors)
    names = _unique(ward.name for ward in old)
    legacy_name = names[0] if len(names) == 1 else ""
    if len(old) > 1 and len(successors) > 1:
        legacy_name = names[0] if len(names) == 1 else ""
    return _mention(text, start, end, successors, index, legacy_name)


def _resolve_district(
    districts: list[OldDistrict],
    province_codes: set[str],
    text: str,
    start: int,
    end: int,
    index: Index,
) -> PlaceMention:
    districts = _within(districts, province_codes) or districts
    communes = _unique(code for district in districts for code in district.communes)
    names = _unique(district.name for district in districts)
    mention = _mention(text, start, end, communes, index, names[0] if len(names) == 1 else "")
    return replace(mention, level=LEVEL_NAMES[DISTRICT])


def _resolve_province(raw: Raw, text: str, start: int, end: int, index: Index) -> PlaceMention:
    provinces = _unique(p.code for p in raw.provinces)
    legacy = _unique(p.legacy_name for p in raw.provinces if p.legacy_name)
    written = text[start:end]
    base = PlaceMention(written, Span(start, end), "found", level=LEVEL_NAMES[PROVINCE])
    if len(provinces) != 1:
        return replace(base, status="ambiguous")
    province = index.provinces[provinces[0]]
    current = any(not p.legacy_name for p in raw.provinces)
    return replace(
        base,
        province_code=province.code,
        province_name=province.name,
        legacy_name=legacy[0] if legacy and not current else "",
    )


def _mention(
    text: str,
    start: int,
    end: int,
    codes: Sequence[str],
    index: Index,
    legacy_name: str = "",
) -> PlaceMention:
    written = text[start:end]
    communes = [index.communes[code] for code in _unique(codes) if code in index.communes]
    if not communes:
        return PlaceMention(written, Span(start, end), "not_found", legacy_name=legacy_name)
    provinces = _unique(c.province_code for c in communes)
    province = index.provinces[provinces[0]] if len(provinces) == 1 else None
    base = PlaceMention(
        written,
        Span(start, end),
        "found",
        province_code=province.code if province else "",
        province_name=province.name if province else "",
        legacy_name=legacy_name,
    )
    if len(communes) == 1:
        return replace(base, commune_code=communes[0].code, commune_name=communes[0].name)
    candidates = tuple(
        Candidate(c.code, c.name, index.provinces[c.province_code].name)
        for c in communes[:MAX_CANDIDATES]
    )
    return replace(base, status="ambiguous", candidates=candidates)


def _unique(items: Iterable) -> list:
    return list(dict.fromkeys(items))
