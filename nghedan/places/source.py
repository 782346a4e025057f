"""The administrative units as the vietnamadminunits package ships them, read and checked.

Only its offline files are used: dataset.db (the units, old and new, with official codes)
and converter_2025.json (which old ward went to which new commune). Everything is checked
before anything is written, so a broken or partial copy never reaches the database.
"""

import json
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.utils.translation import gettext as _

from nghedan.places.models import Commune, LegacyUnit
from nghedan.places.spelling import fold, name_keys

DATASET_FILE = "dataset.db"
CONVERTER_FILE = "converter_2025.json"
EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321
EXPECTED_LEGACY_PROVINCES = 63
PROBLEMS_SHOWN = 5
PROVINCE_COLUMNS = ("province", "provinceShort", "provinceCode", "provinceKey", "provinceKeywords")
WARD_COLUMNS = ("ward", "wardShort", "wardType", "wardCode", "wardKey", "wardKeywords")
DISTRICT_COLUMNS = (
    "district",
    "districtShort",
    "districtType",
    "districtCode",
    "districtKey",
    "districtKeywords",
)
NEW_UNIT_COLUMNS = PROVINCE_COLUMNS + WARD_COLUMNS
OLD_UNIT_COLUMNS = PROVINCE_COLUMNS + DISTRICT_COLUMNS + WARD_COLUMNS

COMMUNE_KINDS = {
    "Phường": Commune.Kind.WARD,
    "Xã": Commune.Kind.COMMUNE,
    "Đặc khu": Commune.Kind.SPECIAL_ZONE,
}
LEGACY_KINDS = {
    "Tỉnh": LegacyUnit.Kind.PROVINCE,
    "Thành phố": LegacyUnit.Kind.CITY,
    "Quận": LegacyUnit.Kind.URBAN_DISTRICT,
    "Huyện": LegacyUnit.Kind.RURAL_DISTRICT,
    "Thị xã": LegacyUnit.Kind.TOWN,
    "Phường": LegacyUnit.Kind.WARD,
    "Xã": LegacyUnit.Kind.COMMUNE,
    "Thị trấn": LegacyUnit.Kind.TOWNLET,
}


class SourceError(Exception):
    """The source files are missing, unreadable, partial or inconsistent."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    short_name: str
    search_keys: tuple[str, ...]


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    short_name: str
    kind: str
    province_code: str
    search_keys: tuple[str, ...]


@dataclass(frozen=True)
class LegacyRow:
    level: str
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    province_code: str
    commune_code: str | None
    successor_codes: tuple[str, ...]
    search_keys: tuple[str, ...]


@dataclass(frozen=True)
class Gazette:
    """Every unit, keyed by code ((level, code) for legacy units), checked and ready.

    Two gazettes are equal when they hold exactly the same rows, whatever their order.
    """

    provinces: dict[str, ProvinceRow]
    communes: dict[str, CommuneRow]
    legacy: dict[tuple[str, str], LegacyRow]

    @classmethod
    def of(
        cls,
        provinces: Iterable[ProvinceRow],
        communes: Iterable[CommuneRow],
        legacy: Iterable[LegacyRow],
    ) -> "Gazette":
        return cls(
            provinces={row.code: row for row in provinces},
            communes={row.code: row for row in communes},
            legacy={(row.level, row.code): row for row in legacy},
        )


def package_directory() -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data"))


def read_gazette(directory: Path | None = None) -> Gazette:
    """Read and check the source files; raise SourceError with a Vietnamese message."""
    directory = directory or package_directory()
    new_units, old_units = read_dataset(directory / DATASET_FILE)
    converter = read_converter(directory / CONVERTER_FILE)
    try:
        return build_gazette(new_units, old_units, converter)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise SourceError(
            _("Dữ liệu địa giới không đúng cấu trúc ({detail}).").format(detail=repr(error))
        ) from error


def read_dataset(path: Path) -> tuple[list[dict], list[dict]]:
    if not path.is_file():
        raise SourceError(_("Không tìm thấy tệp dữ liệu {path}.").format(path=path))
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            new_units = select(connection, "admin_units", NEW_UNIT_COLUMNS)
            old_units = select(connection, "admin_units_legacy", OLD_UNIT_COLUMNS)
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise SourceError(
            _("Không đọc được tệp dữ liệu {path} ({detail}).").format(path=path, detail=error)
        ) from error
    return new_units, old_units


def select(connection: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> list[dict]:
    rows = connection.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 (constants)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def read_converter(path: Path) -> dict:
    if not path.is_file():
        raise SourceError(_("Không tìm thấy tệp dữ liệu {path}.").format(path=path))
    try:
        converter = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(
            _("Không đọc được tệp dữ liệu {path} ({detail}).").format(path=path, detail=error)
        ) from error
    if not isinstance(converter, dict):
        raise SourceError(_("Tệp {path} không đúng cấu trúc.").format(path=path))
    return converter


def build_gazette(new_units: list[dict], old_units: list[dict], converter: dict) -> Gazette:
    provinces = new_provinces(new_units)
    communes = new_communes(new_units)
    check_totals(provinces, communes)
    commune_codes = CommuneCodes(new_units)
    new_province_of = legacy_province_successors(converter["DICT_PROVINCE"], new_units)
    successors = ward_successors(converter, commune_codes)
    legacy = legacy_units(old_units, new_province_of, successors)
    check_mapping(
        legacy, successors, {row.code for row in communes}, {row.code for row in provinces}
    )
    return Gazette.of(provinces, communes, legacy)


def keywords(value: str | None) -> list[str]:
    return json.loads(value) if value else []


def new_provinces(new_units: list[dict]) -> list[ProvinceRow]:
    by_code: dict[str, ProvinceRow] = {}
    for unit in new_units:
        if unit["provinceCode"] in by_code:
            continue
        by_code[unit["provinceCode"]] = ProvinceRow(
            code=unit["provinceCode"],
            name=unit["province"],
            short_name=unit["provinceShort"],
            search_keys=tuple(
                name_keys(
                    unit["province"], unit["provinceShort"], keywords(unit["provinceKeywords"])
                )
            ),
        )
    return list(by_code.values())


def new_communes(new_units: list[dict]) -> list[CommuneRow]:
    return [
        CommuneRow(
            code=unit["wardCode"],
            name=unit["ward"],
            short_name=unit["wardShort"],
            kind=COMMUNE_KINDS[unit["wardType"]],
            province_code=unit["provinceCode"],
            search_keys=tuple(
                name_keys(unit["ward"], unit["wardShort"], keywords(unit["wardKeywords"]))
            ),
        )
        for unit in new_units
    ]


def check_totals(provinces: list[ProvinceRow], communes: list[CommuneRow]) -> None:
    province_codes = {row.code for row in provinces}
    commune_codes = {row.code for row in communes}
    if len(province_codes) != EXPECTED_PROVINCES:
        raise SourceError(
            _(
                "Dữ liệu địa giới không đầy đủ: có {found} tỉnh, thành phố; cần đúng {expected}."
            ).format(found=len(province_codes), expected=EXPECTED_PROVINCES)
        )
    if len(communes) != EXPECTED_COMMUNES or len(commune_codes) != EXPECTED_COMMUNES:
        raise SourceError(
            _(
                "Dữ liệu địa giới không đầy đủ: có {found} xã, phường, đặc khu; "
                "cần đúng {expected}."
            ).format(found=len(commune_codes), expected=EXPECTED_COMMUNES)
        )


class CommuneCodes:
    """Finds a new commune's code from the converter's (province key, ward key).

    The keys are matched as written first: a few of them keep their diacritics and two
    communes of one province may differ only by a tone mark (Xã Cẩm Giang, Xã Cẩm Giàng).
    Plain ASCII is the fallback, and only when it names a single commune.
    """

    def __init__(self, new_units: list[dict]):
        self.exact: dict[tuple[str, str], str] = {}
        folded: dict[tuple[str, str], list[str]] = {}
        for unit in new_units:
            province, ward = unit["provinceKey"], unit["wardKey"]
            self.exact[(province, unicodedata.normalize("NFC", ward))] = unit["wardCode"]
            folded.setdefault((province, fold(ward)), []).append(unit["wardCode"])
        self.folded = {key: codes[0] for key, codes in folded.items() if len(codes) == 1}

    def find(self, province_key: str, ward_key: str) -> str | None:
        exact = self.exact.get((province_key, unicodedata.normalize("NFC", ward_key)))
        return exact or self.folded.get((province_key, fold(ward_key)))


def legacy_province_successors(province_map: dict, new_units: list[dict]) -> dict[str, str]:
    """Old province key -> code of the new province that took it over."""
    code_of_new = {unit["provinceKey"]: unit["provinceCode"] for unit in new_units}
    result: dict[str, str] = {}
    for new_key, old_keys in province_map.items():
        if new_key not in code_of_new:
            raise SourceError(
                _(
                    "Bảng chuyển đổi nhắc tới tỉnh, thành phố mới không có trong dữ liệu: {key}."
                ).format(key=new_key)
            )
        for old_key in old_keys:
            result[old_key] = code_of_new[new_key]
    return result


def ward_successors(converter: dict, commune_codes: CommuneCodes) -> dict[str, list[str]]:
    """Old ward key ('province_district_ward') -> new commune codes: the default, then the rest."""
    result: dict[str, list[str]] = {}
    problems: list[str] = []

    def code_of(province_key: str, ward_key: str) -> str:
        code = commune_codes.find(province_key, ward_key)
        if code is None:
            problems.append(f"{province_key}/{ward_key}")
        return code or ""

    def take_over(old_key: str, codes: list[str]) -> None:
        if old_key in result:
            problems.append(old_key)
        result[old_key] = codes

    for province_key, new_wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_keys in new_wards.items():
            code = code_of(province_key, new_ward_key)
            for old_key in old_keys:
                take_over(old_key, [code])
    for province_key, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in old_wards.items():
            default, others = split_default(old_key, parts)
            others_codes = sorted(code_of(province_key, key) for key in others)
            take_over(old_key, [code_of(province_key, default), *others_codes])
    if problems:
        raise SourceError(
            _(
                "Bảng chuyển đổi có {count} mục trỏ tới xã, phường không có "
                "hoặc lặp lại, ví dụ: {examples}."
            ).format(count=len(problems), examples=", ".join(problems[:PROBLEMS_SHOWN]))
        )
    return result


def split_default(old_key: str, parts: list[dict]) -> tuple[str, list[str]]:
    """The new ward that takes a split old ward by default, and the others."""
    defaults = [part["newWardKey"] for part in parts if part["isDefaultNewWard"]]
    if len(defaults) != 1:
        raise SourceError(
            _("Đơn vị cũ {key} bị chia nhưng không có đúng một đơn vị mới mặc định.").format(
                key=old_key
            )
        )
    return defaults[0], [part["newWardKey"] for part in parts if not part["isDefaultNewWard"]]


def legacy_units(
    old_units: list[dict], new_province_of: dict[str, str], successors: dict[str, list[str]]
) -> list[LegacyRow]:
    """The old provinces, districts and wards, each with what took it over."""
    provinces: dict[str, LegacyRow] = {}
    districts: dict[str, LegacyRow] = {}
    wards: list[LegacyRow] = []
    for unit in old_units:
        new_province = new_province_of.get(unit["provinceKey"], "")
        if unit["provinceCode"] not in provinces:
            provinces[unit["provinceCode"]] = legacy_province(unit, new_province)
        ward_key = f"{unit['provinceKey']}_{unit['districtKey']}_{unit['wardKey'] or ''}"
        taken_over_by = tuple(successors.get(ward_key, ()))
        if unit["wardCode"] is None:
            # An island district without wards became a special zone of its own.
            districts[unit["districtCode"]] = legacy_district(unit, new_province, taken_over_by)
            continue
        if unit["districtCode"] not in districts:
            districts[unit["districtCode"]] = legacy_district(unit, new_province, ())
        wards.append(
            LegacyRow(
                level=LegacyUnit.Level.WARD,
                code=unit["wardCode"],
                name=unit["ward"],
                short_name=unit["wardShort"],
                kind=LEGACY_KINDS[unit["wardType"]],
                parent_code=unit["districtCode"],
                province_code=new_province,
                commune_code=taken_over_by[0] if taken_over_by else None,
                successor_codes=taken_over_by,
                search_keys=tuple(
                    name_keys(unit["ward"], unit["wardShort"], keywords(unit["wardKeywords"]))
                ),
            )
        )
    return [*provinces.values(), *districts.values(), *wards]


def legacy_province(unit: dict, new_province: str) -> LegacyRow:
    name = unit["province"]
    return LegacyRow(
        level=LegacyUnit.Level.PROVINCE,
        code=unit["provinceCode"],
        name=name,
        short_name=unit["provinceShort"],
        kind=LegacyUnit.Kind.CITY if name.startswith("Thành phố") else LegacyUnit.Kind.PROVINCE,
        parent_code=None,
        province_code=new_province,
        commune_code=None,
        successor_codes=(),
        search_keys=tuple(
            name_keys(name, unit["provinceShort"], keywords(unit["provinceKeywords"]))
        ),
    )


def legacy_district(unit: dict, new_province: str, taken_over_by: tuple[str, ...]) -> LegacyRow:
    return LegacyRow(
        level=LegacyUnit.Level.DISTRICT,
        code=unit["districtCode"],
        name=unit["district"],
        short_name=unit["districtShort"],
        kind=LEGACY_KINDS[unit["districtType"]],
        parent_code=unit["provinceCode"],
        province_code=new_province,
        commune_code=taken_over_by[0] if taken_over_by else None,
        successor_codes=taken_over_by,
        search_keys=tuple(
            name_keys(unit["district"], unit["districtShort"], keywords(unit["districtKeywords"]))
        ),
    )


def check_mapping(
    legacy: list[LegacyRow],
    successors: dict[str, list[str]],
    commune_codes: set[str],
    province_codes: set[str],
) -> None:
    """Every old unit leads somewhere that exists, and every mapping starts from a known unit."""
    problems: list[str] = []
    legacy_provinces = [row for row in legacy if row.level == LegacyUnit.Level.PROVINCE]
    if len(legacy_provinces) != EXPECTED_LEGACY_PROVINCES:
        problems.append(
            _("có {found} tỉnh, thành phố cũ; cần đúng {expected}").format(
                found=len(legacy_provinces), expected=EXPECTED_LEGACY_PROVINCES
            )
        )
    for row in legacy:
        if row.province_code not in province_codes:
            problems.append(_("{name} không thuộc tỉnh, thành phố mới nào").format(name=row.name))
        taken_over = row.level == LegacyUnit.Level.WARD or row.successor_codes
        if taken_over and not row.successor_codes:
            problems.append(
                _("{name} ({code}) không có đơn vị tiếp nhận").format(name=row.name, code=row.code)
            )
        if any(code not in commune_codes for code in row.successor_codes):
            problems.append(
                _("{name} ({code}) trỏ tới đơn vị không có").format(name=row.name, code=row.code)
            )
    mapped_units = sum(1 for row in legacy if row.successor_codes)
    if mapped_units != len(successors):
        problems.append(
            _("bảng chuyển đổi có {mapped} đơn vị cũ nhưng dữ liệu chỉ khớp {found}").format(
                mapped=len(successors), found=mapped_units
            )
        )
    if problems:
        raise SourceError(
            _("Dữ liệu địa giới không nhất quán ({count} lỗi): {examples}.").format(
                count=len(problems), examples="; ".join(problems[:PROBLEMS_SHOWN])
            )
        )
