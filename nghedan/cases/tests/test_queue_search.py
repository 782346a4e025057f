"""The queue's search box: a code, or words of the title whatever their case and diacritics,
on SQLite as on PostgreSQL. The title is matched in its folded form, kept beside it
(`Case.folded_title`) and filled for the cases there before (migrations 0010 and 0011).
"""

import importlib
import unicodedata
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nghedan.cases.models import Case
from nghedan.cases.tests.factories import submit

pytestmark = pytest.mark.django_db

ROAD = "Đường Lê Lợi ngập sau mưa"


@pytest.fixture
def handler(client_for):
    return client_for("xuly.saigon")


@pytest.fixture
def cases(demo) -> dict[str, Case]:
    return {
        "road": submit(title=ROAD),
        "tree": submit(title="Cây đổ trên phố Hàm Nghi"),
        "noise": submit(title="KARAOKE ỒN ÀO SAU 22 GIỜ"),
    }


def found(browser, q: str, cases: dict[str, Case]) -> set[str]:
    body = browser.get(reverse("cases:queue"), {"q": q}, headers={"HX-Request": "true"})
    page = body.content.decode()
    return {name for name, case in cases.items() if case.code in page}


@pytest.mark.parametrize(
    "q",
    ["đường", "ĐƯỜNG", "Đường", "duong", "DUONG", "lê lợi", "LÊ LỢI NGẬP", "le loi ngap",
     "  Lê   Lợi  ", unicodedata.normalize("NFD", "Đường Lê Lợi")],
)  # fmt: skip
def test_words_of_the_title_are_found_whatever_their_case_and_diacritics(handler, cases, q):
    assert found(handler, q, cases) == {"road"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [("ồn ào", {"noise"}), ("karaoke", {"noise"}), ("on ao", {"noise"}), ("Cây Đổ", {"tree"}),
     ("đổ", {"tree"}), ("ngập lụt", set()), ("100%", set())],
)  # fmt: skip
def test_only_the_cases_whose_title_holds_the_words_are_found(handler, cases, q, expected):
    assert found(handler, q, cases) == expected


def test_a_code_is_found_in_any_case(handler, cases):
    code = cases["tree"].code
    assert found(handler, code.lower(), cases) == {"tree"}
    assert found(handler, code[:4], cases) >= {"tree"}


def test_a_decomposed_title_is_folded_as_a_composed_one(handler, cases):
    typed = submit(title=unicodedata.normalize("NFD", "Đèn đường hỏng ở hẻm 12"))
    assert typed.folded_title == "den duong hong o hem 12"
    assert found(handler, "đèn ĐƯỜNG", {"lamp": typed, **cases}) == {"lamp"}


def test_saving_the_title_keeps_its_folded_form(cases):
    road = cases["road"]
    assert road.folded_title == "duong le loi ngap sau mua"
    road.title = "Ổ gà đường Nguyễn Huệ"
    road.save(update_fields=["title"])
    assert Case.objects.values_list("folded_title", flat=True).get(pk=road.pk) == (
        "o ga duong nguyen hue"
    )


def test_the_migration_fills_the_cases_already_there(cases):
    Case.objects.update(folded_title="")  # as they were before the column
    # One filled by a run that stopped half-way: not read again.
    Case.objects.filter(pk=cases["tree"].pk).update(folded_title="filled before")
    migration = importlib.import_module("nghedan.cases.migrations.0011_fill_folded_titles")
    migration.BATCH = 2  # several batches
    try:
        migration.fill_folded_titles(apps, SimpleNamespace(connection=connection))
    finally:
        importlib.reload(migration)
    assert dict(Case.objects.values_list("title", "folded_title")) == {
        ROAD: "duong le loi ngap sau mua",
        "Cây đổ trên phố Hàm Nghi": "filled before",
        "KARAOKE ỒN ÀO SAU 22 GIỜ": "karaoke on ao sau 22 gio",
    }


def test_a_search_costs_the_queries_of_the_plain_queue(handler, cases):
    with CaptureQueriesContext(connection) as plain:
        handler.get(reverse("cases:queue"))
    with CaptureQueriesContext(connection) as searched:
        response = handler.get(reverse("cases:queue"), {"q": "ĐƯỜNG"})
    assert cases["road"].code in response.content.decode()
    assert len(searched.captured_queries) == len(plain.captured_queries)
