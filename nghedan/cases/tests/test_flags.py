"""Hard cases: flags the rules derive, flags raised, confirmed and cleared by hand, a supervising
body's remark and request for a report, the sweep, and the registry across personas.

Personas of the demo: reception, handler and leader of Ủy ban nhân dân phường Sài Gòn; the
ward's Front (supervises it); the city's analyst at Ban Dân vận (follows it); the reception
officer of phường Bến Thành; a citizen.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases import flags
from nghedan.cases.actions import do_classify, do_withdraw
from nghedan.cases.flags import (
    do_clear_flag,
    do_confirm_flag,
    do_raise_flag,
    do_request_report,
    raise_flags,
    raise_flags_on_open_cases,
)
from nghedan.cases.models import Case, CaseEvent, CaseFlag, Category
from nghedan.cases.tests.factories import set_due, submit
from nghedan.lib import sweepers
from nghedan.lib.refusal import Refused
from nghedan.notices.models import Notice
from nghedan.people.models import User

pytestmark = pytest.mark.django_db

Kind = CaseFlag.Kind
BEN_THANH = "26743"
REGISTRY = reverse("cases:registry")
MATTERS = [
    ("Đèn đường hư trên đường Hàm Nghi", "Ba cột đèn không sáng từ tuần trước, đường tối."),
    ("Cây xanh nghiêng trước trường học", "Cây dầu lớn nghiêng ra lòng đường sau cơn bão."),
    ("Nắp cống bị mất trên đường Pasteur", "Hố ga không có nắp, rất nguy hiểm cho xe máy."),
    ("Vỉa hè Nguyễn Huệ bị bong gạch", "Gạch vỉa hè bong tróc cả đoạn dài, người già vấp ngã."),
]


def user(username: str) -> User:
    return User.objects.get(username=username)


def kinds(case: Case) -> set[str]:
    return set(CaseFlag.objects.filter(case=case).values_list("kind", flat=True))


def text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def fresh_sweep():
    cache.delete(flags.SWEEP_CURSOR)


# --- what the rules derive ------------------------------------------------------------------


def test_many_people_from_five(demo):
    crowded, few = submit(people_count=flags.MANY_PEOPLE), submit(people_count=4)
    raised = raise_flags(crowded)
    assert [flag.kind for flag in raised] == [Kind.MANY_PEOPLE]
    flag = raised[0]
    assert flag.confirmed_at is None and flag.raised_by is None
    assert "5 người cùng nêu" in flag.reason
    assert raise_flags(few) == [] and kinds(few) == set()
    assert CaseEvent.objects.filter(case=crowded, action="flag_raised").count() == 1
    assert AuditEntry.objects.filter(action="case.flag_raise", target_id=str(crowded.pk)).exists()


def test_the_same_person_three_times_in_a_category_within_a_year(demo):
    phones = ["0909 123 456", "+84 909 123 456", "0909.123.456"]
    cases = [
        submit(title=title, description=description, submitter_phone=phone, submitter_email="")
        for (title, description), phone in zip(MATTERS, phones, strict=False)
    ]
    other_category = submit(category="traffic", title=MATTERS[3][0], description=MATTERS[3][1],
                            submitter_phone="0909123456")  # fmt: skip
    assert raise_flags(cases[0]) and kinds(cases[0]) == {Kind.REPEATED}
    reason = CaseFlag.objects.get(case=cases[0]).reason
    assert "2 vụ việc khác cùng lĩnh vực" in reason and cases[2].code in reason
    assert kinds(other_category) == set() and raise_flags(other_category) == []


def test_older_than_a_year_or_another_person_does_not_count(demo):
    first, second, third = (
        submit(title=title, description=description) for title, description in MATTERS[:3]
    )
    Case.objects.filter(pk=first.pk).update(received_at=timezone.now() - timedelta(days=366))
    assert raise_flags(third) == []
    by_someone_else = submit(title=MATTERS[3][0], description=MATTERS[3][1],
                             submitter_phone="0912 000 111", submitter_email="")  # fmt: skip
    assert raise_flags(by_someone_else) == []
    assert raise_flags(second) == []  # the first is too old: one other case only


def test_the_same_matter_from_three_other_people(demo):
    title, description = MATTERS[0]
    case = submit(title=title, description=description)
    for n in range(2):
        submit(title=title, description=description, submitter_phone=f"0912 000 11{n}",
               submitter_email="")  # fmt: skip
    submit(title=title, description=description)  # the same person again is not another
    assert raise_flags(case) == []
    submit(title=title, description=description, submitter_phone="", submitter_email="",
           is_anonymous=True)  # fmt: skip
    assert [flag.kind for flag in raise_flags(case)] == [Kind.REPEATED]
    assert "3 người khác gửi nội dung gần giống" in CaseFlag.objects.get(case=case).reason


def test_prolonged_past_thirty_days_overdue(demo):
    late, recent = submit(), submit(title=MATTERS[1][0], description=MATTERS[1][1],
                                    submitter_phone="0912 000 111", submitter_email="")  # fmt: skip
    today = timezone.localdate()
    set_due(late, today - timedelta(days=31))
    set_due(recent, today - timedelta(days=30))
    assert [flag.kind for flag in raise_flags(late)] == [Kind.PROLONGED]
    assert "31 ngày" in CaseFlag.objects.get(case=late).reason
    assert raise_flags(recent) == []


@pytest.mark.parametrize(
    ("condition", "kind"),
    [("complex", Kind.COMPLEX), ("several_places", Kind.COMPLEX),
     ("especially_complex", Kind.ESPECIALLY_COMPLEX), ("normal", None), ("remote", None)],
)  # fmt: skip
def test_complexity_comes_from_the_classification(demo, condition, kind):
    case = submit()
    do_classify(user("xuly.saigon"), case, kind=case.kind, category=case.category,
                condition=condition, people_count=1)  # fmt: skip
    raise_flags(case)
    assert kinds(case) == ({kind} if kind else set())


# --- the sweep ------------------------------------------------------------------------------


def someone(n: int) -> dict:
    return {"submitter_phone": f"0912 000 {n:03d}", "submitter_email": ""}


def test_the_sweep_raises_on_open_cases_once_and_a_batch_at_a_time(demo):
    crowded = [
        submit(people_count=9, title=title, description=description, **someone(n))
        for n, (title, description) in enumerate(MATTERS[:3])
    ]
    withdrawn = submit(people_count=9, title=MATTERS[3][0], description=MATTERS[3][1],
                       **someone(3))  # fmt: skip
    do_withdraw(None, withdrawn)
    outcomes = {outcome.name: outcome for outcome in sweepers.run_all()}
    assert outcomes["cases.flags"].count == 3 and not outcomes["cases.flags"].error
    assert all(kinds(case) == {Kind.MANY_PEOPLE} for case in crowded)
    assert kinds(withdrawn) == set()
    assert raise_flags_on_open_cases() == 0  # nothing new: safe to run again

    CaseFlag.objects.all().delete()
    assert raise_flags_on_open_cases(limit=2) == 2
    assert raise_flags_on_open_cases(limit=2) == 1  # the rest, then from the start again
    assert raise_flags_on_open_cases(limit=2) == 0
    assert CaseFlag.objects.count() == 3


# --- by hand --------------------------------------------------------------------------------


def flag_url(name: str, flag: CaseFlag) -> str:
    return reverse(f"cases:{name}", args=[flag.case_id, flag.pk])


def test_a_handler_confirms_a_flag_a_supervisor_may_not(client_for):
    case = submit(people_count=7)
    flag = raise_flags(case)[0]
    panel_url = reverse("cases:case_marks", args=[case.pk])
    panel = text(client_for("xuly.saigon").get(panel_url))
    assert "Đông người</strong>" in panel and "Chưa xác nhận" in panel
    assert flag_url("flag_confirm", flag) in panel and flag_url("flag_clear", flag) in panel
    panel = text(client_for("giamsat.mttq.saigon").get(panel_url))
    assert "Đông người</strong>" in panel and flag_url("flag_confirm", flag) not in panel
    assert 'name="kind" value="supervisor"' in panel  # the Front's "Lưu ý"

    response = client_for("giamsat.mttq.saigon").post(flag_url("flag_confirm", flag))
    assert response.status_code == 403
    assert "Chỉ cán bộ xử lý vụ việc mới xác nhận" in text(response)
    flag.refresh_from_db()
    assert flag.confirmed_at is None

    response = client_for("xuly.saigon").post(flag_url("flag_confirm", flag))
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.confirmed_by == user("xuly.saigon") and flag.confirmed_at is not None
    with pytest.raises(Refused) as refused:
        do_confirm_flag(user("lanhdao.saigon"), flag)
    assert refused.value.code == "already_confirmed"
    assert AuditEntry.objects.filter(action="case.flag_confirm").count() == 1


def test_a_cleared_flag_needs_a_reason_and_is_not_raised_again(client_for):
    case = submit(people_count=7)
    flag = raise_flags(case)[0]
    handler = client_for("xuly.saigon")
    response = handler.post(flag_url("flag_clear", flag), {"reason": "  "})
    assert response.status_code == 400
    assert "Hãy ghi lý do bỏ dấu hiệu này." in text(response)
    assert CaseFlag.objects.filter(pk=flag.pk).exists()

    reason = "Bảy người là người trong một hộ gia đình, không phải đoàn đông người."
    assert handler.post(flag_url("flag_clear", flag), {"reason": reason}).status_code == 302
    assert not CaseFlag.objects.filter(pk=flag.pk).exists()
    assert reason in CaseEvent.objects.get(case=case, action="flag_cleared").note
    assert raise_flags(case) == []
    assert raise_flags_on_open_cases() == 0
    # An officer may still raise it again by hand.
    assert do_raise_flag(user("lanhdao.saigon"), case, Kind.MANY_PEOPLE, "Thêm 20 hộ ký tên.")


def test_a_handlers_own_flag_is_confirmed_and_a_supervisor_may_not_clear_it(demo):
    case = submit()
    flag = do_raise_flag(user("xuly.saigon"), case, Kind.SEVERAL_AGENCIES,
                         "Liên quan Sở Xây dựng và Công ty Thoát nước.")  # fmt: skip
    assert flag.confirmed_by == user("xuly.saigon")
    with pytest.raises(Refused) as refused:
        do_raise_flag(user("lanhdao.saigon"), case, Kind.SEVERAL_AGENCIES, "Lần nữa.")
    assert refused.value.code == "flag_exists"
    with pytest.raises(Refused) as refused:
        do_clear_flag(user("giamsat.mttq.saigon"), flag, "Không đúng.")
    assert refused.value.code == "not_handled"
    with pytest.raises(Refused) as refused:
        do_raise_flag(user("xuly.saigon"), case, Kind.COMPLEX, "")
    assert refused.value.code == "reason_required"
    assert kinds(case) == {Kind.SEVERAL_AGENCIES}
    with pytest.raises(Refused):
        do_raise_flag(user("tiepnhan.benthanh"), case, Kind.COMPLEX, "Không phải việc của tôi.")


def test_a_supervisors_remark_is_confirmed_and_tells_the_handlers(client_for):
    case = submit()
    front = client_for("giamsat.mttq.saigon")
    remark = "Nhiều hộ dân phản ánh tại buổi tiếp xúc cử tri; đề nghị ưu tiên giải quyết."
    response = front.post(reverse("cases:case_flag", args=[case.pk]),
                          {"kind": Kind.SUPERVISOR, "reason": remark})  # fmt: skip
    assert response.status_code == 302
    flag = CaseFlag.objects.get(case=case)
    assert flag.kind == Kind.SUPERVISOR and flag.confirmed_at is not None
    assert flag.raised_by == user("giamsat.mttq.saigon")
    notice = Notice.objects.get(user=user("xuly.saigon"))
    assert case.code in notice.text and remark in notice.text
    assert notice.url == reverse("cases:case", args=[case.pk])

    # The body it concerns cannot take the remark off; a supervising body can.
    with pytest.raises(Refused) as refused:
        do_clear_flag(user("lanhdao.saigon"), flag, "Đã giải quyết xong.")
    assert refused.value.code == "supervisor_flag"
    with pytest.raises(Refused) as refused:
        do_raise_flag(user("xuly.saigon"), submit(), Kind.SUPERVISOR, "Tự lưu ý.")
    assert refused.value.code == "not_a_supervisor"
    do_clear_flag(user("giamsat.mttq.saigon"), flag, "Đã được giải quyết, người dân hài lòng.")
    assert kinds(case) == set()


def test_a_supervisor_asks_for_a_report_and_the_handler_is_told(client_for):
    case = submit()
    front = client_for("giamsat.mttq.saigon")
    url = reverse("cases:case_request_report", args=[case.pk])
    panel = text(front.get(reverse("cases:case_marks", args=[case.pk])))
    assert "Đề nghị báo cáo" in panel and url in panel

    response = front.post(url, {"note": ""})
    assert response.status_code == 400
    assert "Hãy ghi cơ quan xử lý cần báo cáo điều gì" in text(response)
    assert not Notice.objects.exists()

    note = "Đề nghị báo cáo tiến độ nạo vét cống trước ngày 15/6."
    assert front.post(url, {"note": note}).status_code == 302
    notice = Notice.objects.get(user=user("xuly.saigon"))
    assert note in notice.text and case.code in notice.text
    event = CaseEvent.objects.get(case=case, action="report_requested")
    assert event.note == note and not event.public
    assert AuditEntry.objects.filter(action="case.request_report").count() == 1

    handler = client_for("xuly.saigon")
    assert "Đề nghị báo cáo" not in text(handler.get(reverse("cases:case_marks", args=[case.pk])))
    assert handler.post(url, {"note": note}).status_code == 403
    with pytest.raises(Refused):
        do_request_report(user("phantich.thanhpho"), case, note)
    assert Notice.objects.count() == 2  # the handler and the leader, once


# --- the registry ---------------------------------------------------------------------------


def flagged(kind=Kind.MANY_PEOPLE, confirmed=True, **fields) -> Case:
    """A case with a flag raised by a handler (confirmed at once) or by the supervising Front
    (waiting for a handler to confirm)."""
    case = submit(**fields)
    handler = "tiepnhan.benthanh" if fields.get("commune") == BEN_THANH else "xuly.saigon"
    raiser = handler if confirmed else "giamsat.mttq.saigon"
    flag = do_raise_flag(user(raiser), case, kind, "Căn cứ thử.")
    assert (flag.confirmed_at is not None) == confirmed
    return case


def test_the_registry_across_personas(client_for):
    case = flagged()
    for username in ["tiepnhan.saigon", "xuly.saigon", "lanhdao.saigon", "giamsat.mttq.saigon",
                     "phantich.thanhpho", "lanhdao.thanhpho"]:  # fmt: skip
        response = client_for(username).get(REGISTRY)
        assert response.status_code == 200, username
        assert case.code in text(response), username
    assert case.code not in text(client_for("tiepnhan.benthanh").get(REGISTRY))
    assert client_for("nguoidan.kim").get(REGISTRY).status_code == 403
    assert client_for(None).get(REGISTRY).status_code == 302


def test_confirmed_and_unconfirmed_are_two_tabs(client_for):
    confirmed, waiting = flagged(), flagged(Kind.PROLONGED, confirmed=False)
    leader = client_for("lanhdao.saigon")
    page = text(leader.get(REGISTRY))
    assert confirmed.code in page and waiting.code not in page
    page = text(leader.get(REGISTRY, {"tab": "chua-xac-nhan"}))
    assert waiting.code in page and confirmed.code not in page


def test_the_registry_filters_and_sorts(client_for):
    crowded = flagged(Kind.MANY_PEOPLE)
    complex_case = flagged(Kind.COMPLEX)
    elsewhere = flagged(Kind.COMPLEX, commune=BEN_THANH)
    today = timezone.localdate()
    set_due(crowded, today - timedelta(days=40))
    set_due(complex_case, today - timedelta(days=3))
    city = client_for("lanhdao.thanhpho")

    page = text(city.get(REGISTRY, {"kind": Kind.COMPLEX}))
    assert complex_case.code in page and elsewhere.code in page and crowded.code not in page
    page = text(city.get(REGISTRY, {"commune": BEN_THANH}))
    assert elsewhere.code in page and complex_case.code not in page
    ward = crowded.organization
    page = text(city.get(REGISTRY, {"organization": ward.pk}))
    assert crowded.code in page and elsewhere.code not in page

    page = text(city.get(REGISTRY, {"sort": "overdue"}))
    assert page.index(crowded.code) < page.index(complex_case.code) < page.index(elsewhere.code)
    assert '<strong class="overdue">40</strong>' in page
    page = text(city.get(REGISTRY, {"sort": "received"}))
    assert page.index(crowded.code) < page.index(complex_case.code) < page.index(elsewhere.code)
    page = text(city.get(REGISTRY))
    assert page.index(elsewhere.code) < page.index(complex_case.code) < page.index(crowded.code)


def test_the_registry_is_paginated_and_its_queries_do_not_grow(client_for):
    leader = client_for("lanhdao.saigon")
    category = Category.objects.get(code="infrastructure")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert leader.get(REGISTRY).status_code == 200
        return len(queries)

    for n in range(2):
        flagged(title=f"Việc {n}", category=category.code)
    few = count_queries()
    for n in range(2, 8):
        flagged(Kind.COMPLEX if n % 2 else Kind.MANY_PEOPLE, title=f"Việc {n}")
    assert count_queries() == few

    for n in range(8, 52):
        flagged(title=f"Việc {n}")
    page = text(leader.get(REGISTRY))
    assert "52 vụ việc" in page and "Trang 1/2" in page
    assert "Trang 2/2" in text(leader.get(REGISTRY, {"page": 2}))


def test_what_an_officer_on_the_english_pages_causes_is_stored_in_vietnamese(client_for):
    # Notices and timeline lines are read later by people who chose no language: they are
    # written in the site's language, not in that of the officer's page.
    case = submit()
    front = client_for("giamsat.mttq.saigon")
    front.post(reverse("set_language"), {"language": "en", "next": "/"})
    flag_page = front.post(reverse("cases:case_flag", args=[case.pk]),
                           {"kind": Kind.SUPERVISOR, "reason": "Ưu tiên giải quyết."})  # fmt: skip
    assert flag_page.status_code == 302
    assert front.post(reverse("cases:case_request_report", args=[case.pk]),
                      {"note": "Báo cáo tiến độ."}).status_code == 302  # fmt: skip
    leader = client_for("lanhdao.saigon")
    leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    assigned = leader.post(reverse("cases:case_assign", args=[case.pk]),
                           {"assignee": user("xuly.saigon").pk})  # fmt: skip
    assert assigned.status_code == 302
    assert '<html lang="en">' in text(front.get(reverse("cases:case", args=[case.pk])))
    notices = sorted(Notice.objects.filter(user=user("xuly.saigon")).values_list("text", flat=True))
    assert notices == [
        f"Bạn được giao xử lý vụ việc {case.code}: {case.title}",
        f"Cơ quan giám sát lưu ý vụ việc {case.code}: Ưu tiên giải quyết.",
        f"Đề nghị báo cáo vụ việc {case.code}: Báo cáo tiến độ.",
    ]
    raised = CaseEvent.objects.get(case=case, action="flag_raised")
    assert raised.note.startswith("Cơ quan giám sát lưu ý: ")
