"""Free-text Vietnamese addresses, in old or new names, to the commune that holds them today.

    resolve("P. Bến Nghé, Q.1, TP.HCM")  ->  found: Phường Sài Gòn, Thành phố Hồ Chí Minh

The address is cut at commas into words (diacritics folded, abbreviations spelt out), and
every run of words that names a unit is looked up: a province, an old district, a commune
or an old ward. A reading picks at most one name of each level such that they nest (the
ward lies in the district, the district in the province); the reading that explains most
words wins, and a street in front simply explains nothing. When the best readings lead to
several communes the answer is "ambiguous" with the candidates: it never guesses.

The index is built from the database once per process; `reset_index` drops it.
"""

import bisect
import difflib
import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from django.utils.translation import gettext as _

from nghedan.places.models import Commune, LegacyUnit, Province
from nghedan.places.spelling import (
    accent_key,
    fold,
    marks_agree,
    name_keys,
    search_key,
    split_parts,
    without_type,
    words,
)

MAX_ADDRESS_LENGTH = 300
MAX_CANDIDATES = 30
# Names considered per level, the last ones written: bounds the work on long or odd input.
MAX_NAMES_PER_LEVEL = 8
FOUND: Literal["found"] = "found"
AMBIGUOUS: Literal["ambiguous"] = "ambiguous"
NOT_FOUND: Literal["not_found"] = "not_found"
Status = Literal["found", "ambiguous", "not_found"]

# Levels of a name in a reading, from the largest unit down.
PROVINCE, DISTRICT, WARD = 0, 1, 2

# Names people use that the source does not carry.
NEW_PROVINCE_NICKNAMES = {
    "79": ("tphcm", "hcmc", "saigon", "sg", "tpsg"),
    "01": ("tphn",),
}
LEGACY_PROVINCE_NICKNAMES = {"77": ("brvt",)}


@dataclass(frozen=True)
class Resolution:
    status: Status
    commune: Commune | None = None
    # The other possible communes: alternatives when found, the choices when ambiguous.
    candidates: list[Commune] = field(default_factory=list)
    province: Province | None = None
    legacy: LegacyUnit | None = None
    explanation: str = ""


Unit = Province | Commune | LegacyUnit


@dataclass(frozen=True, slots=True)
class Entry:
    """One unit under one of its names, with where it lies, old and new."""

    level: int
    unit: Unit
    new_province: str
    legacy_provinces: frozenset[int]
    legacy_districts: frozenset[int]
    # The name with its diacritics; empty under an alias, whose marks the source does not
    # keep (it stores aliases folded: 'phuong7' for Phường Võ Thị Sáu, which took it over).
    accent: str

    def lies_within(self, container: "Entry") -> bool:
        unit = container.unit
        if isinstance(unit, Province):
            return self.new_province == unit.code
        if isinstance(unit, LegacyUnit) and unit.level == LegacyUnit.Level.PROVINCE:
            return unit.pk in self.legacy_provinces
        return unit.pk in self.legacy_districts


@dataclass
class Index:
    by_key: dict[str, dict[int, list[Entry]]]
    longest_key: int
    successors: dict[int, list[Commune]]  # legacy unit id -> communes, the default first
    district_communes: dict[int, list[Commune]]
    # Commune-level names for suggestions: key -> (is an old name, commune it leads to).
    names: dict[str, list[tuple[bool, Commune]]]
    sorted_names: list[str]


@dataclass(frozen=True, slots=True)
class Span:
    """A run of words of one part of the address that names units of one level."""

    start: int
    end: int
    level: int
    entries: tuple[Entry, ...]
    accented: str  # the part as typed, to prefer the exact spelling

    def overlaps(self, other: "Span | None") -> bool:
        return other is not None and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Reading:
    ward: tuple[Entry, ...]
    district: tuple[Entry, ...]
    province: tuple[Entry, ...]


# --- the index --------------------------------------------------------------------------


_index_lock = threading.Lock()


def load_index() -> Index:
    """The index, built once per process: threads that ask while it is being built wait for it
    instead of each building their own."""
    with _index_lock:
        return _build_index()


@functools.cache
def _build_index() -> Index:
    provinces = {province.pk: province for province in Province.objects.all()}
    communes = {commune.pk: commune for commune in Commune.objects.all()}
    for commune in communes.values():
        commune.province = provinces[commune.province_id]
    legacy = {unit.pk: unit for unit in LegacyUnit.objects.all()}
    for unit in legacy.values():
        unit.province = provinces[unit.province_id]
        unit.parent = legacy[unit.parent_id] if unit.parent_id else None
        unit.commune = communes[unit.commune_id] if unit.commune_id else None

    successors: dict[int, list[Commune]] = {}
    predecessors: dict[int, list[LegacyUnit]] = {}
    for unit_id, commune_id in LegacyUnit.successors.through.objects.values_list(
        "legacyunit_id", "commune_id"
    ):
        successors.setdefault(unit_id, []).append(communes[commune_id])
        predecessors.setdefault(commune_id, []).append(legacy[unit_id])
    for unit_id, taken_over_by in successors.items():
        default_id = legacy[unit_id].commune_id
        taken_over_by.sort(key=lambda commune: (commune.pk != default_id, commune.code))

    by_district: dict[int, dict[int, Commune]] = {}
    for unit_id, taken_over_by in successors.items():
        known = by_district.setdefault(district_of(legacy[unit_id]), {})
        for commune in taken_over_by:
            known.setdefault(commune.pk, commune)
    district_communes = {district: list(known.values()) for district, known in by_district.items()}

    entries = [
        *(province_entry(province) for province in provinces.values()),
        *(
            commune_entry(commune, predecessors.get(commune.pk, []))
            for commune in communes.values()
        ),
        *(legacy_entry(unit) for unit in legacy.values()),
    ]
    by_key: dict[str, dict[int, list[Entry]]] = {}
    names: dict[str, list[tuple[bool, Commune]]] = {}
    for by_name, keys in entries:
        own = own_keys(by_name)
        by_alias = replace(by_name, accent="")
        for key in keys:
            entry = by_name if key in own else by_alias
            by_key.setdefault(key, {}).setdefault(entry.level, []).append(entry)
            if entry.level == WARD and (named := name_of(entry, successors)):
                names.setdefault(key, []).append(named)
    for communes_by_name in names.values():
        communes_by_name.sort(key=lambda pair: (pair[0], pair[1].code))
    return Index(
        by_key=by_key,
        longest_key=max(map(len, by_key), default=0),
        successors=successors,
        district_communes=district_communes,
        names=names,
        sorted_names=sorted(names),
    )


def reset_index() -> None:
    """Forget the index, so the next lookup reads the database again."""
    _build_index.cache_clear()


def province_keys(name: str, keys: Iterable[str]) -> list[str]:
    """A province also answers to its nicknames with its type in front ('TP.HCM')."""
    prefix = search_key("Thành phố") if name.startswith("Thành phố") else search_key("Tỉnh")
    keys = list(keys)
    return keys + [prefix + key for key in keys if not key.startswith(prefix)]


def own_keys(entry: Entry) -> set[str]:
    """The keys spelt from the unit's own name, as against its aliases and nicknames."""
    unit = entry.unit
    keys = name_keys(unit.name, unit.short_name)
    return set(province_keys(unit.name, keys) if entry.level == PROVINCE else keys)


def province_entry(province: Province) -> tuple[Entry, list[str]]:
    keys = [*province.search_keys, *NEW_PROVINCE_NICKNAMES.get(province.code, ())]
    entry = Entry(
        PROVINCE, province, province.code, frozenset(), frozenset(), accent_key(province.short_name)
    )
    return entry, province_keys(province.name, keys)


def district_of(unit: LegacyUnit) -> int:
    """The old district a ward lay in; an island district is its own."""
    return unit.parent_id if unit.level == LegacyUnit.Level.WARD and unit.parent_id else unit.pk


def old_province_of(unit: LegacyUnit) -> int:
    district = unit.parent if unit.level == LegacyUnit.Level.WARD else unit
    return district.parent_id if district and district.parent_id else unit.pk


def commune_entry(commune: Commune, predecessors: list[LegacyUnit]) -> tuple[Entry, list[str]]:
    entry = Entry(
        WARD,
        commune,
        commune.province.code,
        frozenset(old_province_of(unit) for unit in predecessors),
        frozenset(district_of(unit) for unit in predecessors),
        accent_key(commune.short_name),
    )
    return entry, commune.search_keys


def legacy_entry(unit: LegacyUnit) -> tuple[Entry, list[str]]:
    accent = accent_key(without_type(unit.name))
    old_province = frozenset({old_province_of(unit)})
    if unit.level == LegacyUnit.Level.PROVINCE:
        keys = [*unit.search_keys, *LEGACY_PROVINCE_NICKNAMES.get(unit.code, ())]
        entry = Entry(PROVINCE, unit, unit.province.code, old_province, frozenset(), accent)
        return entry, province_keys(unit.name, keys)
    level = DISTRICT if unit.level == LegacyUnit.Level.DISTRICT else WARD
    entry = Entry(
        level, unit, unit.province.code, old_province, frozenset({district_of(unit)}), accent
    )
    return entry, unit.search_keys


def name_of(entry: Entry, successors: dict[int, list[Commune]]) -> tuple[bool, Commune] | None:
    """(is an old name, the commune it leads to today) for a commune-level entry."""
    if isinstance(entry.unit, Commune):
        return False, entry.unit
    taken_over_by = successors.get(entry.unit.pk)
    return (True, taken_over_by[0]) if taken_over_by else None


# --- reading an address -----------------------------------------------------------------


def resolve(text: str) -> Resolution:
    """The commune a free-text address lies in today, or the candidates, or why not."""
    if not text or not text.strip():
        return Resolution(NOT_FOUND, explanation=_("Chưa nhập địa chỉ để tra cứu."))
    index = load_index()
    best = best_readings(find_spans(text, index))
    if not best:
        return Resolution(NOT_FOUND, explanation=not_found_hint())
    return combine([conclude(reading, index) for reading in best])


def find_spans(text: str, index: Index) -> list[Span]:
    spans: list[Span] = []
    offset = 0
    for part in split_parts(text):
        part_words = words(part)
        accented = accent_key(part)
        for start in range(len(part_words)):
            key = ""
            for end in range(start + 1, len(part_words) + 1):
                key += part_words[end - 1]
                if len(key) > index.longest_key:
                    break
                for level, entries in index.by_key.get(key, {}).items():
                    spans.append(
                        Span(offset + start, offset + end, level, tuple(entries), accented)
                    )
        offset += len(part_words)
    return spans


def best_readings(spans: list[Span]) -> list[Reading]:
    """The readings that explain the most words; ties are all kept, to be compared.

    The address has few names in it, so trying every combination is cheap.
    """
    provinces, districts, wards = (
        [span for span in spans if span.level == level][-MAX_NAMES_PER_LEVEL:]
        for level in (PROVINCE, DISTRICT, WARD)
    )
    best: list[Reading] = []
    best_score: tuple[bool, int, bool, bool, int] | None = None
    for province in (None, *provinces):
        province_entries = province.entries if province else ()
        for district in (None, *districts):
            if district and district.overlaps(province):
                continue
            district_entries = narrow(district, [province_entries])
            if district and not district_entries:
                continue
            for ward in (None, *wards):
                if not (province or district or ward):
                    continue
                if ward and (ward.overlaps(province) or ward.overlaps(district)):
                    continue
                ward_entries = narrow(ward, [province_entries, district_entries])
                if ward and not ward_entries:
                    continue
                chosen = [span for span in (ward, district, province) if span]
                score = (
                    # A province named after the ward or district is the one meant: a
                    # reading that leaves it out for a unit elsewhere is a misreading.
                    province is not None or not named_after(chosen, provinces),
                    sum(span.end - span.start for span in chosen),
                    ward is not None,
                    all(a.start < b.start for a, b in zip(chosen, chosen[1:], strict=False)),
                    # Addresses run from the street to the province: of two names that
                    # could be the ward, the later one is; the earlier is a street.
                    ward.start if ward else -1,
                )
                reading = Reading(ward_entries, district_entries, province_entries)
                if best_score is None or score > best_score:
                    best, best_score = [reading], score
                elif score == best_score:
                    best.append(reading)
    return best


def named_after(chosen: list[Span], provinces: list[Span]) -> bool:
    end = max(span.end for span in chosen)
    return any(province.start >= end for province in provinces)


def narrow(span: Span | None, containers: list[Sequence[Entry]]) -> tuple[Entry, ...]:
    """The entries of a span that lie within the chosen larger units."""
    if span is None:
        return ()
    entries: Sequence[Entry] = span.entries
    for container in containers:
        if container:
            entries = [entry for entry in entries if any(entry.lies_within(c) for c in container)]
    if not span.accented.isascii():
        # Typed with diacritics: 'Văn Lăng' should not also find 'Văn Lang', and 'Phường Sài
        # Gònn' must not be read as 'Phương Sài' whose marks differ. An alias has no marks
        # to compare ('Phường 7' for Phường Võ Thị Sáu): it fits, unless a name fits exactly.
        exact = [entry for entry in entries if entry.accent and entry.accent in span.accented]
        entries = exact or [entry for entry in entries if fits(entry, span.accented)]
    return tuple(entries)


def fits(entry: Entry, typed: str) -> bool:
    """Some run of the typed letters spells the entry's name, its marks left out or the same."""
    size = len(entry.accent)
    if not size:
        return True
    name = fold(entry.accent)
    folded = fold(typed)
    return any(
        folded[at : at + size] == name and marks_agree(typed[at : at + size], entry.accent)
        for at in range(len(typed) - size + 1)
    )


def conclude(reading: Reading, index: Index) -> Resolution:
    if reading.ward:
        return conclude_ward(reading, index)
    if reading.district:
        return conclude_district(reading, index)
    return conclude_province(reading)


def conclude_ward(reading: Reading, index: Index) -> Resolution:
    current = [entry for entry in reading.ward if isinstance(entry.unit, Commune)]
    former = [entry for entry in reading.ward if isinstance(entry.unit, LegacyUnit)]
    # With an old district written, the old ward of that name is meant; otherwise today's.
    preferred, other = (former, current) if reading.district else (current, former)
    if not preferred:
        preferred, other = other, []
    options = [communes_of(entry, index) for entry in preferred]
    defaults = unique(option[0] for option in options if option)
    if len(defaults) != 1:
        return ambiguous(defaults)
    commune = defaults[0]
    split_into = unique(c for option in options for c in option[1:] if c != commune)
    same_name = unique(
        option[0]
        for option in (communes_of(entry, index) for entry in other)
        if option and option[0] != commune and option[0] not in split_into
    )
    matched = legacy_unit(preferred[0])
    district = legacy_unit(reading.district[0]) if len(reading.district) == 1 else None
    explanation = " ".join(
        text
        for text in (
            found_text(commune, matched),
            split_text(commune, split_into),
            same_name_text(same_name),
        )
        if text
    )
    return Resolution(
        FOUND,
        commune=commune,
        candidates=[*split_into, *same_name],
        province=commune.province,
        legacy=matched or district,
        explanation=explanation,
    )


def conclude_district(reading: Reading, index: Index) -> Resolution:
    communes = unique(
        commune
        for entry in reading.district
        for commune in index.district_communes.get(entry.unit.pk, [])
    )
    district = legacy_unit(reading.district[0]) if len(reading.district) == 1 else None
    if len(communes) == 1:
        return Resolution(
            FOUND,
            commune=communes[0],
            province=communes[0].province,
            legacy=district,
            explanation=found_text(communes[0], district),
        )
    if district is None:
        return ambiguous(communes)
    return Resolution(
        AMBIGUOUS,
        candidates=communes[:MAX_CANDIDATES],
        province=district.province,
        legacy=district,
        explanation=_(
            "{district} (cũ) nay thuộc {count} xã, phường; hãy ghi thêm tên phường, xã."
        ).format(district=district.full_name, count=len(communes)),
    )


def conclude_province(reading: Reading) -> Resolution:
    provinces = unique(
        entry.unit if isinstance(entry.unit, Province) else entry.unit.province
        for entry in reading.province
    )
    if len(provinces) != 1:
        return Resolution(NOT_FOUND, explanation=not_found_hint())
    return Resolution(
        NOT_FOUND,
        province=provinces[0],
        explanation=_("Chỉ nhận ra {province}; hãy ghi thêm tên phường, xã.").format(
            province=provinces[0].name
        ),
    )


def combine(results: list[Resolution]) -> Resolution:
    """Equally good readings: one answer if they agree, the candidates if they do not."""
    first = results[0]
    if all(result.status == first.status and result.commune == first.commune for result in results):
        return first
    return ambiguous(
        unique(c for result in results for c in [result.commune, *result.candidates] if c)
    )


def ambiguous(communes: list[Commune]) -> Resolution:
    provinces = unique(commune.province for commune in communes)
    return Resolution(
        AMBIGUOUS,
        candidates=communes[:MAX_CANDIDATES],
        province=provinces[0] if len(provinces) == 1 else None,
        explanation=_(
            "Có {count} xã, phường phù hợp; hãy ghi thêm quận, huyện cũ hoặc tỉnh, thành phố."
        ).format(count=len(communes)),
    )


def communes_of(entry: Entry, index: Index) -> list[Commune]:
    if isinstance(entry.unit, Commune):
        return [entry.unit]
    return index.successors.get(entry.unit.pk, [])


def legacy_unit(entry: Entry) -> LegacyUnit | None:
    return entry.unit if isinstance(entry.unit, LegacyUnit) else None


def unique(items: Iterable) -> list:
    return list(dict.fromkeys(items))


def found_text(commune: Commune, legacy: LegacyUnit | None) -> str:
    if legacy is None:
        return _("{commune}, {province}.").format(
            commune=commune.name, province=commune.province.name
        )
    return _("{legacy} (cũ) nay thuộc {commune}, {province}.").format(
        legacy=legacy.full_name, commune=commune.name, province=commune.province.name
    )


def split_text(commune: Commune, others: list[Commune]) -> str:
    if not others:
        return ""
    return _(
        "Đơn vị cũ này được chia cho nhiều xã, phường: mặc định là {commune}, "
        "một phần thuộc {others}."
    ).format(commune=commune.name, others=", ".join(other.name for other in others))


def same_name_text(others: list[Commune]) -> str:
    if not others:
        return ""
    return _("Có đơn vị cũ cùng tên, nay thuộc {others}.").format(
        others=", ".join(other.name for other in others)
    )


def not_found_hint() -> str:
    return _(
        "Không nhận ra phường, xã nào. Hãy ghi tên phường, xã (cũ hoặc mới) và tỉnh, thành phố, "
        "ví dụ “P. Bến Nghé, Q.1, TP.HCM” hoặc “Phường Sài Gòn, TP Hồ Chí Minh”."
    )


# --- suggestions ------------------------------------------------------------------------


def suggest(text: str, limit: int = 5) -> list[Commune]:
    """Likely communes for a partial or misspelt name, for autocomplete and 'did you mean'."""
    index = load_index()
    found: list[Commune] = []
    for part in split_parts(text):
        key = search_key(part)
        if len(key) < 2:
            continue
        for matches in (starting_with, containing, close_to):
            found = unique([*found, *matches(key, index)])
            if len(found) >= limit:
                return found[:limit]
    return found[:limit]


def communes_named(text: str) -> list[Commune]:
    """Today's communes whose name contains the text, with or without diacritics."""
    key = search_key(text)
    if not key:
        return []
    index = load_index()
    return unique(
        commune
        for name in index.sorted_names
        if key in name
        for is_old, commune in index.names[name]
        if not is_old
    )


def starting_with(key: str, index: Index) -> list[Commune]:
    """Shortest names first, today's names before old ones."""
    found: list[tuple[int, bool, str, Commune]] = []
    for name in index.sorted_names[bisect.bisect_left(index.sorted_names, key) :]:
        if not name.startswith(key):
            break
        found.extend(
            (len(name), is_old, commune.code, commune) for is_old, commune in index.names[name]
        )
    found.sort(key=lambda match: match[:3])
    return [match[3] for match in found]


def containing(key: str, index: Index) -> list[Commune]:
    return [
        commune for name in index.sorted_names if key in name for _old, commune in index.names[name]
    ]


def close_to(key: str, index: Index) -> list[Commune]:
    close = difflib.get_close_matches(key, index.sorted_names, n=5, cutoff=0.8)
    return [commune for name in close for _old, commune in index.names[name]]
