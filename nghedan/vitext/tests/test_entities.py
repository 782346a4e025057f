"""People with positions, organizations and awards in sentences of official news."""

from nghedan.vitext.entities import find_entities
from nghedan.vitext.result import Position

HCMC = "Thành phố Hồ Chí Minh"


def people(text: str) -> dict[str, list[tuple[str, str]]]:
    found, _orgs, _awards = find_entities(text)
    return {p.name: [(q.title, q.organization) for q in p.positions] for p in found}


def organizations(text: str) -> list[str]:
    return [o.name for o in find_entities(text)[1]]


def test_two_positions_share_the_city_written_once_at_the_end():
    found = people(
        "Tham dự có đồng chí Nguyễn Văn A, Phó Bí thư Thành ủy, Trưởng Ban Tổ chức Thành ủy TPHCM."
    )
    assert found == {
        "Nguyễn Văn A": [
            ("Phó Bí thư", f"Thành ủy {HCMC}"),
            ("Trưởng Ban", f"Ban Tổ chức Thành ủy {HCMC}"),
        ]
    }


def test_position_after_a_dash_with_a_ward():
    found = people("Ông Trần Văn B – Chủ tịch UBND phường Sài Gòn cho biết sẽ xử lý dứt điểm.")
    assert found == {"Trần Văn B": [("Chủ tịch", "Ủy ban nhân dân phường Sài Gòn")]}


def test_member_of_the_standing_committee_and_front_chair():
    found = people(
        "Bà Lê Thị C, Ủy viên Ban Thường vụ Thành ủy, Chủ tịch Ủy ban MTTQ Việt Nam TPHCM "
        "phát biểu chỉ đạo."
    )
    assert found == {
        "Lê Thị C": [
            ("Ủy viên", f"Ban Thường vụ Thành ủy {HCMC}"),
            ("Chủ tịch", f"Ủy ban Mặt trận Tổ quốc Việt Nam {HCMC}"),
        ]
    }


def test_title_before_the_name():
    found = people("Phó Chủ tịch HĐND TP Nguyễn Văn D chủ trì hội nghị.")
    assert found == {"Nguyễn Văn D": [("Phó Chủ tịch", "Hội đồng nhân dân Thành phố")]}


def test_title_and_department_before_the_name():
    found = people("Giám đốc Sở Tài nguyên và Môi trường Nguyễn Toàn Thắng cho biết như vậy.")
    assert found == {"Nguyễn Toàn Thắng": [("Giám đốc", "Sở Tài nguyên và Môi trường")]}


def test_list_of_comrades():
    found = people("Dự buổi làm việc có các đồng chí: Phạm Minh E, Võ Thị F và Hồ Văn G.")
    assert list(found) == ["Phạm Minh E", "Võ Thị F", "Hồ Văn G"]


def test_position_joined_by_kiem_and_unaccented_name():
    found = people("Ong Nguyen Van K, Bí thư kiêm Chủ tịch UBND xã Bình Chánh, đã đối thoại.")
    assert found == {
        "Nguyen Van K": [("Bí thư", ""), ("Chủ tịch", "Ủy ban nhân dân xã Bình Chánh")]
    }


def test_streets_and_schools_named_after_people_are_not_people():
    assert (
        people("Trường THPT Lê Quý Đôn nằm trên đường Nguyễn Văn Cừ, gần phường Nguyễn Cư Trinh.")
        == {}
    )


def test_same_person_twice_is_one_mention_with_all_positions():
    found, _o, _a = find_entities(
        "Ông Trần Văn B, Chủ tịch UBND phường Sài Gòn, cho biết... Theo ông Trần Văn B, "
        "việc này sẽ xong sớm."
    )
    assert len(found) == 1
    assert found[0].positions == (Position("Chủ tịch", "Ủy ban nhân dân phường Sài Gòn"),)


def test_organizations_are_spelt_out():
    text = (
        "Ban Dân vận Thành ủy phối hợp với Hội Liên hiệp Phụ nữ, Đoàn Thanh niên, "
        "Liên đoàn Lao động Thành phố, HĐND TPHCM và Công an TP."
    )
    assert organizations(text) == [
        "Ban Dân vận Thành ủy",
        "Hội Liên hiệp Phụ nữ",
        "Đoàn Thanh niên",
        "Liên đoàn Lao động Thành phố",
        f"Hội đồng nhân dân {HCMC}",
        "Công an Thành phố",
    ]


def test_organization_span_and_written_text():
    text = "Sáng nay, UBND phường Sài Gòn tổ chức đối thoại."
    (org,) = find_entities(text)[1]
    assert text[org.span.start : org.span.end] == org.text == "UBND phường Sài Gòn"
    assert org.name == "Ủy ban nhân dân phường Sài Gòn"


def test_award_with_giver_and_counted_recipients():
    _p, _o, awards = find_entities(
        "Dịp này, Chủ tịch UBND Thành phố trao Bằng khen của Chủ tịch UBND Thành phố "
        "cho 5 tập thể và 12 cá nhân có thành tích xuất sắc."
    )
    (award,) = awards
    assert award.award == "Bằng khen"
    assert award.giver == "Chủ tịch UBND Thành phố"
    assert award.recipients == ("5 tập thể", "12 cá nhân")


def test_award_received_by_the_person_before_it():
    _p, _o, awards = find_entities(
        "Dịp này, đồng chí Lê Văn H được tặng Giấy khen của Ban Thường vụ Quận ủy."
    )
    (award,) = awards
    assert (award.award, award.giver, award.recipients) == (
        "Giấy khen",
        "Ban Thường vụ Quận ủy",
        ("Lê Văn H",),
    )


def test_order_with_its_class():
    _p, _o, awards = find_entities("Huân chương Lao động hạng Ba được trao cho Công ty Cấp nước.")
    assert [(a.award, a.recipients) for a in awards] == [
        ("Huân chương Lao động hạng Ba", ("Công ty Cấp nước",))
    ]


def test_odd_input():
    for text in ("", "   ", "\x00\x01", "😀" * 30, "ông", "Ban"):
        assert find_entities(text) == ((), (), ())


def test_a_long_list_of_awards_without_a_full_stop_is_read_in_linear_time():
    # Each award read its recipients to the end of the sentence, here the end of the text,
    # and checked every person and organization: these 350,000 characters took 30 s.
    _p, _o, awards = find_entities("Bằng khen cho 5 tập thể và ông Lê Văn Hai, " * 8000)
    assert len(awards) == 8000
    assert {(a.award, a.recipients) for a in awards} == {("Bằng khen", ("5 tập thể", "Lê Văn Hai"))}


def test_many_awards_received_by_the_organization_before_each():
    # The recipient before "được tặng" is looked for in its sentence, within a few hundred
    # characters, not from the start of a text with no full stop.
    _p, orgs, awards = find_entities("Công ty Cấp nước được tặng Bằng khen, " * 8000)
    assert len(orgs) == len(awards) == 8000
    assert {a.recipients for a in awards} == {("Công ty Cấp nước",)}
