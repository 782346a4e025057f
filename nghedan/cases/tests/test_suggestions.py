"""The language engine at intake: it reads the matter and suggests field, place and duplicates;
the places it finds in prose are the ones the gazetteer finds in an address."""

import pytest
from django.urls import reverse

from nghedan.cases.suggestions import suggest, suggest_for_case
from nghedan.cases.tests.factories import SAI_GON, submit
from nghedan.people.models import Organization
from nghedan.places.gazetteer import FOUND, resolve
from nghedan.vitext.analyzer import shared_analyzer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "phường Bến Nghé, quận 1",
        "P. Tân Định, Q.1",
        "phuong ben nghe quan 1",
        "phường 1, quận 3, TPHCM",
        "xã Bình Chánh",
        "phường Sài Gòn",
        "phường Thảo Điền, TP Thủ Đức",
        "xã Tân Thông Hội, huyện Củ Chi",
    ],
)
def test_the_engine_and_the_gazetteer_find_the_same_commune(address):
    gazetteer = resolve(address)
    assert gazetteer.status == FOUND
    mentions = shared_analyzer().analyze(f"Người dân ở {address} phản ánh.").places
    found = [mention for mention in mentions if mention.status == "found"]
    assert found, mentions
    assert found[0].commune_code == gazetteer.commune.code


def test_the_place_named_in_the_text_is_suggested_when_the_form_had_none(demo):
    suggestion = suggest(
        title="Ngập nước sau mưa",
        description="Đường Lê Thánh Tôn, phường Bến Nghé, quận 1 ngập sâu mỗi khi mưa lớn.",
    )
    assert suggestion.commune is not None and suggestion.commune.code == SAI_GON
    assert "Bến Nghé" in suggestion.place_text


def test_a_name_that_fits_several_communes_gives_choices_not_a_guess(demo):
    suggestion = suggest(title="Mất điện", description="Khu phố 3 phường 1 mất điện cả ngày.")
    assert suggestion.commune is None
    assert len(suggestion.place_choices) > 1


def test_a_resent_matter_is_offered_as_a_likely_duplicate(demo):
    first = submit(
        title="Rác thải đổ trộm cạnh kênh Nhiêu Lộc",
        description="Đêm nào cũng có xe ba gác đổ rác xây dựng xuống bờ kênh Nhiêu Lộc, "
        "đoạn gần cầu Kiệu, bốc mùi hôi thối, đề nghị phường xử lý.",
    )
    again = submit(
        title="Rac thai do trom canh kenh Nhieu Loc",
        description="Dem nao cung co xe ba gac do rac xay dung xuong bo kenh Nhieu Loc, "
        "doan gan cau Kieu, boc mui hoi thoi, de nghi phuong xu ly gap.",
    )
    suggestion = suggest_for_case(again)
    assert [match.case for match in suggestion.duplicates] == [first]


def test_nothing_to_suggest_on_an_unreadable_text(demo):
    suggestion = suggest(title="???", description="\x00\x01 ### 12345")
    assert not suggestion


def test_the_case_page_shows_what_the_engine_read(client_for):
    case = submit(
        category="other",
        commune=None,
        title="Nhà máy xả khói đen",
        description="Nhà máy ở phường Bến Nghé, quận 1 xả khói đen và nước thải ra kênh, "
        "mùi hôi thối, ô nhiễm môi trường nghiêm trọng.",
        organization=Organization.objects.get(code="sai-gon-ubnd"),
    )
    page = client_for("xuly.saigon").get(
        reverse("cases:case_marks", args=[case.pk]), headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert "Gợi ý từ nội dung" in page.text
    assert "Môi trường, vệ sinh" in page.text
    assert "Phường Sài Gòn" in page.text and "phường Bến Nghé" in page.text
