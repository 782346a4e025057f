"""Load the provinces, communes and legacy units, offline, from the vietnamadminunits files.

All in one transaction: the source is read and checked first, then compared row by row with
what the database holds; only what differs is written, and the totals are counted before the
commit. Any problem rolls everything back. Running it again on a loaded database writes
nothing, so it is cheap.
"""

from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import F, Model, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nghedan.places import gazetteer
from nghedan.places.models import Commune, LegacyUnit, Province
from nghedan.places.source import (
    EXPECTED_COMMUNES,
    EXPECTED_PROVINCES,
    CommuneRow,
    Gazette,
    LegacyRow,
    ProvinceRow,
    SourceError,
    read_gazette,
)

BATCH_SIZE = 500
NOTHING_WRITTEN = gettext_noop("Không có gì được ghi vào cơ sở dữ liệu.")
LEVELS = (LegacyUnit.Level.PROVINCE, LegacyUnit.Level.DISTRICT, LegacyUnit.Level.WARD)
PARENT_LEVEL = {
    LegacyUnit.Level.DISTRICT: LegacyUnit.Level.PROVINCE,
    LegacyUnit.Level.WARD: LegacyUnit.Level.DISTRICT,
}


class Command(BaseCommand):
    help = (
        "Nạp tỉnh, thành phố, xã, phường và đơn vị hành chính cũ từ dữ liệu đi kèm / "
        "Load provinces, communes and legacy units from the bundled data (safe to run again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help=(
                "Thư mục chứa dataset.db và converter_2025.json / directory holding them "
                "(default: the vietnamadminunits package's own)"
            ),
        )

    def handle(self, *args, source: Path | None = None, verbosity: int = 1, **options) -> None:
        try:
            wanted = read_gazette(source)
        except SourceError as error:
            raise CommandError(f"{error.message} {_(NOTHING_WRITTEN)}") from error
        with transaction.atomic():
            stored = stored_gazette()
            if stored == wanted:
                if verbosity:
                    self.stdout.write(_("Dữ liệu địa giới đã khớp với nguồn; không thay đổi gì."))
                return
            written = write_changes(wanted, stored)
            check_totals(wanted)
        gazetteer.reset_index()
        if verbosity:
            self.stdout.write(
                _(
                    "Đã ghi {written} đơn vị. Hiện có {provinces} tỉnh, thành phố, {communes} xã, "
                    "phường, đặc khu và {legacy} đơn vị hành chính cũ."
                ).format(
                    written=written,
                    provinces=len(wanted.provinces),
                    communes=len(wanted.communes),
                    legacy=len(wanted.legacy),
                )
            )


def stored_gazette() -> Gazette:
    """What the database holds, in the same rows the source is read into."""
    provinces = [
        ProvinceRow(code, name, short_name, tuple(keys))
        for code, name, short_name, keys in Province.objects.values_list(
            "code", "name", "short_name", "search_keys"
        )
    ]
    communes = [
        CommuneRow(code, name, short_name, kind, province_code, tuple(keys))
        for code, name, short_name, kind, province_code, keys in Commune.objects.values_list(
            "code", "name", "short_name", "kind", "province__code", "search_keys"
        )
    ]
    successors: dict[int, list[str]] = {}
    for unit_id, commune_code in LegacyUnit.successors.through.objects.values_list(
        "legacyunit_id", "commune__code"
    ):
        successors.setdefault(unit_id, []).append(commune_code)
    units = LegacyUnit.objects.annotate(
        parent_code=F("parent__code"),
        province_code=F("province__code"),
        commune_code=F("commune__code"),
    ).values_list(
        "id", "level", "code", "name", "short_name", "kind",
        "parent_code", "province_code", "commune_code", "search_keys",
        named=True,
    )  # fmt: skip
    legacy = []
    for unit in units:
        default = unit.commune_code
        # The source lists the default successor first, then the others by code.
        others = sorted(set(successors.get(unit.id, ())) - {default})
        legacy.append(
            LegacyRow(
                level=unit.level,
                code=unit.code,
                name=unit.name,
                short_name=unit.short_name,
                kind=unit.kind,
                parent_code=unit.parent_code,
                province_code=unit.province_code,
                commune_code=default,
                successor_codes=(default, *others) if default else tuple(others),
                search_keys=tuple(unit.search_keys),
            )
        )
    return Gazette.of(provinces, communes, legacy)


def changed(wanted: dict, stored: dict) -> list:
    return [row for key, row in wanted.items() if stored.get(key) != row]


def gone(wanted: dict, stored: dict) -> list:
    return [key for key in stored if key not in wanted]


def write_changes(wanted: Gazette, stored: Gazette) -> int:
    """Insert or update the rows that differ, delete those the source no longer has."""
    new_provinces = changed(wanted.provinces, stored.provinces)
    province_ids = upsert(
        Province,
        [
            Province(
                code=row.code,
                name=row.name,
                short_name=row.short_name,
                search_keys=list(row.search_keys),
            )
            for row in new_provinces
        ],
        ["name", "short_name", "search_keys"],
    )
    new_communes = changed(wanted.communes, stored.communes)
    commune_ids = upsert(
        Commune,
        [
            Commune(
                code=row.code,
                name=row.name,
                short_name=row.short_name,
                kind=row.kind,
                province_id=province_ids[row.province_code],
                search_keys=list(row.search_keys),
            )
            for row in new_communes
        ],
        ["name", "short_name", "kind", "province", "search_keys"],
    )
    new_legacy = changed(wanted.legacy, stored.legacy)
    legacy_ids = write_legacy_units(new_legacy, province_ids, commune_ids)
    write_successors(new_legacy, legacy_ids, commune_ids)
    delete_stale(LegacyUnit, [legacy_ids[key] for key in gone(wanted.legacy, stored.legacy)])
    delete_stale(Commune, [commune_ids[key] for key in gone(wanted.communes, stored.communes)])
    delete_stale(Province, [province_ids[key] for key in gone(wanted.provinces, stored.provinces)])
    return len(new_provinces) + len(new_communes) + len(new_legacy)


def upsert(
    model: type[Model], objects: Sequence[Model], update_fields: list[str], level: str = ""
) -> dict:
    """Insert or update by code; return the ids of all stored rows of that kind by code."""
    unique_fields = ["level", "code"] if level else ["code"]
    model._default_manager.bulk_create(
        objects,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    rows = model._default_manager.filter(**({"level": level} if level else {}))
    return dict(rows.values_list("code", "id"))


def write_legacy_units(
    rows: list[LegacyRow], province_ids: dict[str, int], commune_ids: dict[str, int]
) -> dict[tuple[str, str], int]:
    """Level by level, so that each unit's parent already has its id."""
    ids: dict[tuple[str, str], int] = {}
    for level in LEVELS:
        objects = [
            LegacyUnit(
                level=row.level,
                code=row.code,
                name=row.name,
                short_name=row.short_name,
                kind=row.kind,
                parent_id=ids[(PARENT_LEVEL[level], row.parent_code)] if row.parent_code else None,
                province_id=province_ids[row.province_code],
                commune_id=commune_ids[row.commune_code] if row.commune_code else None,
                search_keys=list(row.search_keys),
            )
            for row in rows
            if row.level == level
        ]
        level_ids = upsert(
            LegacyUnit,
            objects,
            ["name", "short_name", "kind", "parent", "province", "commune", "search_keys"],
            level=level,
        )
        ids.update({(level, code): unit_id for code, unit_id in level_ids.items()})
    return ids


def write_successors(
    rows: list[LegacyRow], legacy_ids: dict[tuple[str, str], int], commune_ids: dict[str, int]
) -> None:
    through = LegacyUnit.successors.through
    unit_ids = [legacy_ids[(row.level, row.code)] for row in rows]
    for start in range(0, len(unit_ids), BATCH_SIZE):
        through.objects.filter(legacyunit_id__in=unit_ids[start : start + BATCH_SIZE]).delete()
    through.objects.bulk_create(
        [
            through(legacyunit_id=legacy_ids[(row.level, row.code)], commune_id=commune_ids[code])
            for row in rows
            for code in row.successor_codes
        ],
        batch_size=BATCH_SIZE,
    )


def delete_stale(model: type[Model], ids: list[int]) -> None:
    """Remove units the source no longer has; refuse if something still points to them."""
    try:
        for start in range(0, len(ids), BATCH_SIZE):
            model._default_manager.filter(id__in=ids[start : start + BATCH_SIZE]).delete()
    except ProtectedError as error:
        raise CommandError(
            _("Không thể xoá {count} đơn vị đã bỏ khỏi nguồn vì đang được dùng. {nothing}").format(
                count=len(ids), nothing=_(NOTHING_WRITTEN)
            )
        ) from error


def check_totals(wanted: Gazette) -> None:
    """Count what is now stored; the foreign keys already vouch that every target exists."""
    stored = (
        Province.objects.count(),
        Commune.objects.count(),
        LegacyUnit.objects.count(),
        LegacyUnit.successors.through.objects.count(),
    )
    expected = (
        EXPECTED_PROVINCES,
        EXPECTED_COMMUNES,
        len(wanted.legacy),
        sum(len(row.successor_codes) for row in wanted.legacy.values()),
    )
    if stored != expected:
        raise CommandError(
            _("Sau khi nạp, số đơn vị ({stored}) khác với nguồn ({expected}). {nothing}").format(
                stored=stored, expected=expected, nothing=_(NOTHING_WRITTEN)
            )
        )
