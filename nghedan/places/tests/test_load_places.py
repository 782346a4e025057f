"""Loading the administrative units: totals, mapping, idempotence, and refusing a broken source."""

import json
import shutil
import sqlite3
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nghedan.places import gazetteer
from nghedan.places.management.commands import load_places
from nghedan.places.models import Commune, LegacyUnit, Province
from nghedan.places.source import CONVERTER_FILE, DATASET_FILE, package_directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_rebuilt_afterwards():
    """Tests that reload change row ids; the next test must not see a stale index."""
    yield
    gazetteer.reset_index()


@pytest.fixture
def source(tmp_path) -> Path:
    """A private copy of the source files, to damage."""
    for name in (DATASET_FILE, CONVERTER_FILE):
        shutil.copy(package_directory() / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def empty_places(index_rebuilt_afterwards):
    LegacyUnit.successors.through.objects.all().delete()
    for level in reversed(LegacyUnit.Level.values):  # wards first, so no cascade is needed
        LegacyUnit.objects.filter(level=level).delete()
    Commune.objects.all().delete()
    Province.objects.all().delete()


def counts() -> tuple[int, int, int, int]:
    return (
        Province.objects.count(),
        Commune.objects.count(),
        LegacyUnit.objects.count(),
        LegacyUnit.successors.through.objects.count(),
    )


def test_all_provinces_and_communes_are_loaded():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321


def test_ho_chi_minh_city_has_113_wards_54_communes_and_one_special_zone():
    hcmc = Province.objects.get(code="79")
    assert hcmc.name == "Thành phố Hồ Chí Minh"
    kinds = Counter(hcmc.communes.values_list("kind", flat=True))
    assert kinds == {Commune.Kind.WARD: 113, Commune.Kind.COMMUNE: 54, Commune.Kind.SPECIAL_ZONE: 1}
    assert hcmc.communes.count() == 168


def test_the_legacy_units_are_all_there():
    levels = Counter(LegacyUnit.objects.values_list("level", flat=True))
    assert levels[LegacyUnit.Level.PROVINCE] == 63
    assert levels[LegacyUnit.Level.DISTRICT] == 696
    assert levels[LegacyUnit.Level.WARD] == 10035
    assert not LegacyUnit.objects.filter(level=LegacyUnit.Level.WARD, commune=None).exists()


def test_an_old_ward_leads_to_the_commune_that_took_it_over():
    ben_nghe = LegacyUnit.objects.get(level=LegacyUnit.Level.WARD, name="Phường Bến Nghé")
    assert ben_nghe.kind == LegacyUnit.Kind.WARD
    assert ben_nghe.commune.name == "Phường Sài Gòn"
    assert ben_nghe.province.code == "79"
    assert ben_nghe.full_name == "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"
    assert ben_nghe.parent.kind == LegacyUnit.Kind.URBAN_DISTRICT
    assert list(ben_nghe.successor_communes()) == [ben_nghe.commune]


def test_a_split_ward_keeps_its_default_and_every_other_successor():
    hiep_thanh = LegacyUnit.objects.get(level=LegacyUnit.Level.WARD, code="25741")
    assert hiep_thanh.full_name == "Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương"
    assert hiep_thanh.commune.name == "Phường Phú Lợi"
    assert {c.name for c in hiep_thanh.successors.all()} == {"Phường Phú Lợi", "Phường Thủ Dầu Một"}


def test_old_provinces_and_districts_lead_to_the_new_province():
    binh_duong = LegacyUnit.objects.get(level=LegacyUnit.Level.PROVINCE, name="Tỉnh Bình Dương")
    assert binh_duong.province.code == "79"
    district_1 = LegacyUnit.objects.get(
        level=LegacyUnit.Level.DISTRICT, name="Quận 1", province__code="79"
    )
    assert district_1.province.code == "79"
    assert {c.name for c in district_1.successor_communes()} == {
        "Phường Sài Gòn",
        "Phường Tân Định",
        "Phường Bến Thành",
        "Phường Cầu Ông Lãnh",
    }
    assert binh_duong.successor_communes().count() > 30


def test_an_island_district_without_wards_became_a_special_zone():
    con_dao = LegacyUnit.objects.get(level=LegacyUnit.Level.DISTRICT, name="Huyện Côn Đảo")
    assert con_dao.commune.name == "Đặc khu Côn Đảo"
    assert con_dao.commune.province.code == "79"


def test_running_again_changes_nothing_and_is_cheap(django_assert_max_num_queries):
    before = counts(), list(Commune.objects.values_list("id", "code", "name"))
    output = StringIO()
    with django_assert_max_num_queries(10):
        call_command("load_places", stdout=output)
    assert "không thay đổi gì" in output.getvalue()
    assert (counts(), list(Commune.objects.values_list("id", "code", "name"))) == before


def test_a_unit_changed_in_the_database_is_put_back(index_rebuilt_afterwards):
    sai_gon = Commune.objects.get(name="Phường Sài Gòn")
    Commune.objects.filter(pk=sai_gon.pk).update(name="Tên sai")
    before = counts()
    output = StringIO()
    call_command("load_places", stdout=output)
    assert "Đã ghi 1 đơn vị" in output.getvalue()
    sai_gon.refresh_from_db()
    assert sai_gon.name == "Phường Sài Gòn"
    assert counts() == before


def test_a_unit_the_source_does_not_have_is_removed(index_rebuilt_afterwards):
    district_1 = LegacyUnit.objects.get(level=LegacyUnit.Level.DISTRICT, code="760")
    LegacyUnit.objects.create(
        level=LegacyUnit.Level.WARD,
        code="99999",
        name="Phường Không Có",
        short_name="Không Có",
        kind=LegacyUnit.Kind.WARD,
        parent=district_1,
        province=district_1.province,
    )
    call_command("load_places", verbosity=0)
    assert not LegacyUnit.objects.filter(code="99999").exists()


def test_an_empty_database_is_filled(empty_places):
    call_command("load_places", verbosity=0)
    assert counts()[:2] == (34, 3321)


def truncate_converter(source: Path) -> None:
    data = (source / CONVERTER_FILE).read_bytes()
    (source / CONVERTER_FILE).write_bytes(data[: len(data) // 2])


def drop_some_communes(source: Path) -> None:
    with sqlite3.connect(source / DATASET_FILE) as connection:
        connection.execute("DELETE FROM admin_units WHERE rowid % 100 = 0")


def point_to_a_missing_commune(source: Path) -> None:
    converter = json.loads((source / CONVERTER_FILE).read_text())
    converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["thanhphohochiminh"]["phuongkhongco"] = [
        "thanhphohochiminh_quan1_phuongbennghe"
    ]
    (source / CONVERTER_FILE).write_text(json.dumps(converter))


def forget_an_old_ward(source: Path) -> None:
    converter = json.loads((source / CONVERTER_FILE).read_text())
    converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["thanhphohochiminh"]["phuongsaigon"].pop()
    (source / CONVERTER_FILE).write_text(json.dumps(converter))


def truncate_dataset(source: Path) -> None:
    data = (source / DATASET_FILE).read_bytes()
    (source / DATASET_FILE).write_bytes(data[:4096])


def remove_dataset(source: Path) -> None:
    (source / DATASET_FILE).unlink()


BROKEN_SOURCES = {
    "converter cut in half": (truncate_converter, "Không đọc được tệp dữ liệu"),
    "communes missing": (drop_some_communes, "cần đúng 3321"),
    "mapping to a missing commune": (point_to_a_missing_commune, "trỏ tới xã, phường không có"),
    "old ward without successor": (forget_an_old_ward, "không có đơn vị tiếp nhận"),
    "dataset cut short": (truncate_dataset, "Không đọc được tệp dữ liệu"),
    "dataset missing": (remove_dataset, "Không tìm thấy tệp dữ liệu"),
}


@pytest.mark.parametrize("damage, message", BROKEN_SOURCES.values(), ids=BROKEN_SOURCES.keys())
def test_a_broken_source_is_refused_and_nothing_changes(source, damage, message):
    damage(source)
    before = counts()
    with pytest.raises(CommandError) as refusal:
        call_command("load_places", source=source, verbosity=0)
    assert message in str(refusal.value)
    assert "Không có gì được ghi vào cơ sở dữ liệu." in str(refusal.value)
    assert counts() == before


def test_a_broken_source_leaves_an_empty_database_empty(source, empty_places):
    drop_some_communes(source)
    with pytest.raises(CommandError):
        call_command("load_places", source=source, verbosity=0)
    assert counts() == (0, 0, 0, 0)


def test_a_failure_while_writing_rolls_everything_back(empty_places, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("mất kết nối cơ sở dữ liệu")

    monkeypatch.setattr(load_places, "write_successors", fail)
    with pytest.raises(RuntimeError):
        call_command("load_places", verbosity=0)
    assert counts() == (0, 0, 0, 0)


def test_an_intact_copy_given_as_source_loads(source):
    output = StringIO()
    call_command("load_places", source=source, stdout=output)
    assert "không thay đổi gì" in output.getvalue()
