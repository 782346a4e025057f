"""Likely duplicates: found among edited copies and not among unrelated matters of the same
place; linked or merged by those who handle the case, refused otherwise; a matter the same
person already sent is not taken in twice from the public form.

Personas of the demo: reception, handler and leader of Ủy ban nhân dân phường Sài Gòn; the
ward's Front, which supervises it; the reception officer of phường Bến Thành.
"""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases import duplicates
from nghedan.cases.actions import do_withdraw
from nghedan.cases.duplicates import (
    LIKELY,
    RESENT,
    do_link_duplicate,
    do_merge,
    likely_duplicates,
    matter_text,
)
from nghedan.cases.models import Case, CaseEvent, Kind
from nghedan.cases.tests.factories import DENOUNCER, SAI_GON, submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import User
from nghedan.places.models import Commune
from nghedan.vitext.signatures import resemblance, signature, syllables

pytestmark = pytest.mark.django_db

Status = Case.Status
BEN_THANH = "26743"

ORIGINAL = (
    "Ngập nước nghiêm trọng trên đường Lê Lợi",
    "Mỗi khi trời mưa lớn, đoạn đường Lê Lợi trước chợ Bến Thành ngập sâu nửa mét, xe máy "
    "chết máy, người đi bộ không qua được. Cống thoát nước bị rác bịt kín từ nhiều tháng nay. "
    "Đề nghị phường cho nạo vét cống.",
)
# Typed again without diacritics, a few words changed.
EDITED = (
    "Ngap nuoc nghiem trong tren duong Le Loi",
    "Moi khi troi mua to, doan duong Le Loi truoc cho Ben Thanh ngap sau gan nua met, xe may "
    "chet may, nguoi di bo khong qua duoc. Cong thoat nuoc bi rac bit kin tu may thang nay. "
    "De nghi phuong som nao vet cong.",
)
# The same sentences in another order.
REORDERED = (
    "Đường Lê Lợi ngập nước nghiêm trọng",
    "Cống thoát nước bị rác bịt kín từ nhiều tháng nay nên mỗi khi trời mưa lớn, đoạn đường "
    "Lê Lợi trước chợ Bến Thành ngập sâu nửa mét. Người đi bộ không qua được, xe máy chết máy. "
    "Đề nghị phường cho nạo vét cống.",
)
# Same street, same market, same ward, another matter.
UNRELATED = (
    "Quán karaoke trên đường Lê Lợi hát quá khuya",
    "Quán karaoke gần chợ Bến Thành trên đường Lê Lợi mở nhạc rất to đến 1 giờ sáng mỗi đêm, "
    "người dân trong khu phố không ngủ được. Đề nghị phường kiểm tra và xử lý.",
)
SIDEWALK = (
    "Vỉa hè đường Lê Lợi bị lấn chiếm",
    "Các quán ăn trên đường Lê Lợi trước chợ Bến Thành bày bàn ghế kín vỉa hè, người đi bộ "
    "phải đi xuống lòng đường. Đề nghị phường xử lý.",
)
# A neighbour telling the same flooding in their own words.
NEIGHBOUR = (
    "Đường Lê Lợi ngập khi mưa",
    "Cứ mưa lớn là đường Lê Lợi đoạn trước chợ Bến Thành lại ngập, nước lên nửa mét, xe chết "
    "máy hàng loạt. Cống bị rác làm tắc. Xin phường nạo vét cống.",
)


def score(a: tuple[str, str], b: tuple[str, str]) -> float:
    return resemblance(signature(matter_text(*a)), signature(matter_text(*b)))


def shuffled(text: tuple[str, str]) -> tuple[str, str]:
    words = " ".join(text).split()
    random.Random(1).shuffle(words)
    return "", " ".join(words)


def user(username: str) -> User:
    return User.objects.get(username=username)


def sent(text: tuple[str, str], **fields) -> Case:
    title, description = text
    return submit(title=title, description=description, **fields)


def text(response) -> str:
    return response.content.decode()


# --- the comparison -------------------------------------------------------------------------


def test_edited_copies_score_above_the_threshold_and_unrelated_matters_below():
    assert score(ORIGINAL, ORIGINAL) == 1.0
    assert score(ORIGINAL, EDITED) >= RESENT
    assert score(ORIGINAL, REORDERED) >= RESENT
    assert score(ORIGINAL, UNRELATED) < LIKELY / 2 + 0.01
    assert score(ORIGINAL, SIDEWALK) < LIKELY
    # Told anew, or shuffled word by word, it is no longer "the same text".
    assert score(ORIGINAL, NEIGHBOUR) < LIKELY
    assert score(ORIGINAL, shuffled(ORIGINAL)) < LIKELY


def test_diacritics_case_and_composition_do_not_matter():
    composed = "Đường Lê Lợi ngập"
    decomposed = "\u0110u\u031bo\u031b\u0300ng Le\u0302 Lo\u031b\u0323i ngâ\u0323p"
    assert signature(composed) == signature(decomposed)
    assert signature(composed) == signature("DUONG le LOI ngap")


POWER = ("Mất điện khu phố 2", "Khu phố 2 mất điện từ sáng đến giờ.")
WATER = ("Mất nước khu phố 2", "Khu phố 2 mất nước từ sáng đến giờ.")


def test_in_a_short_text_one_word_is_the_whole_matter():
    assert len(syllables(matter_text(*POWER))) < duplicates.SHORT
    assert LIKELY <= score(POWER, WATER) < duplicates.RESENT_SHORT
    assert len(syllables(matter_text(*EDITED))) >= duplicates.SHORT


def test_likely_duplicates_are_the_edited_copies_of_the_same_place(demo):
    original = sent(ORIGINAL)
    resent, edited, reordered = sent(ORIGINAL), sent(EDITED), sent(REORDERED)
    unrelated, sidewalk = sent(UNRELATED), sent(SIDEWALK)
    elsewhere = sent(ORIGINAL, commune=BEN_THANH)

    found = likely_duplicates(
        title=ORIGINAL[0], description=ORIGINAL[1], commune=original.commune, exclude=original
    )
    found_ids = [match.case.pk for match in found]
    assert found_ids[0] == resent.pk and found[0].score == 1.0
    assert set(found_ids) == {resent.pk, edited.pk, reordered.pk}
    assert not {unrelated.pk, sidewalk.pk, elsewhere.pk, original.pk} & set(found_ids)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len(likely_duplicates(title=ORIGINAL[0], description=ORIGINAL[1],
                                 commune=original.commune, limit=2)) == 2  # fmt: skip


def test_candidates_are_open_or_recent_and_not_duplicates_themselves(demo):
    old_open, old_closed, linked = sent(ORIGINAL), sent(ORIGINAL), sent(ORIGINAL)
    long_ago = timezone.now() - timedelta(days=duplicates.RECENT_DAYS + 1)
    Case.objects.filter(pk__in=[old_open.pk, old_closed.pk]).update(received_at=long_ago)
    do_withdraw(None, old_closed)
    Case.objects.filter(pk=linked.pk).update(duplicate_of=old_open)

    found = likely_duplicates(title=ORIGINAL[0], description=ORIGINAL[1],
                              commune=Commune.objects.get(code=SAI_GON))  # fmt: skip
    assert [match.case.pk for match in found] == [old_open.pk]
    assert likely_duplicates(title=ORIGINAL[0], description=ORIGINAL[1], commune=None) == []


def test_only_cases_the_officer_may_see_are_offered(demo):
    original = sent(ORIGINAL)
    sent(ORIGINAL, commune=BEN_THANH)
    among = Case.objects.filter(organization__code="ben-thanh-ubnd")
    assert likely_duplicates(title=ORIGINAL[0], description=ORIGINAL[1],
                             commune=original.commune, among=among) == []  # fmt: skip


# --- on the case page -----------------------------------------------------------------------


def marks_url(case: Case) -> str:
    return reverse("cases:case_marks", args=[case.pk])


def test_the_case_page_loads_the_panel_with_scores_and_buttons(client_for):
    original, copy = sent(ORIGINAL), sent(EDITED)
    handler = client_for("xuly.saigon")
    page = text(handler.get(reverse("cases:case", args=[copy.pk])))
    assert f'hx-get="{marks_url(copy)}"' in page

    panel = text(handler.get(marks_url(copy), headers={"HX-Request": "true"}))
    assert "<html" not in panel
    assert original.code in panel
    assert f"{round(score(ORIGINAL, EDITED) * 100)}%" in panel
    assert "Liên kết</button>" in panel and "Gộp</button>" in panel
    assert reverse("cases:case_merge", args=[copy.pk]) in panel
    assert "<html" in text(handler.get(marks_url(copy)))  # without JavaScript: a page

    follower = text(client_for("giamsat.mttq.saigon").get(marks_url(copy)))
    assert original.code in follower
    assert "Liên kết</button>" not in follower and "Gộp</button>" not in follower
    assert client_for("tiepnhan.benthanh").get(marks_url(copy)).status_code == 404


# --- linking --------------------------------------------------------------------------------


def test_a_handler_links_a_duplicate_without_telling_the_public(client_for):
    original, copy = sent(ORIGINAL), sent(EDITED)
    response = client_for("xuly.saigon").post(
        reverse("cases:case_link_duplicate", args=[copy.pk]), {"original": original.pk}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.duplicate_of == original and copy.status == Status.RECEIVED
    line = CaseEvent.objects.get(case=copy, action="duplicate_linked")
    assert original.code in line.note and not line.public
    assert CaseEvent.objects.filter(case=original, action="duplicate_noted").exists()
    assert AuditEntry.objects.filter(action="case.link_duplicate", target_id=str(copy.pk)).exists()


def test_linking_is_refused_to_itself_to_a_duplicate_and_to_what_one_cannot_see(client_for):
    original, copy, third = sent(ORIGINAL), sent(EDITED), sent(REORDERED)
    handler = user("xuly.saigon")
    with pytest.raises(Refused) as refused:
        do_link_duplicate(handler, copy, copy)
    assert refused.value.code == "same_case"
    do_link_duplicate(handler, copy, original)
    with pytest.raises(Refused) as refused:
        do_link_duplicate(handler, third, copy)
    assert refused.value.code == "original_is_duplicate"
    assert original.code in refused.value.message
    third.refresh_from_db()
    assert third.duplicate_of is None

    elsewhere = sent(ORIGINAL, commune=BEN_THANH)
    with pytest.raises(Refused) as refused:
        do_link_duplicate(handler, third, elsewhere)
    assert refused.value.code == "original_not_visible"
    response = client_for("xuly.saigon").post(
        reverse("cases:case_link_duplicate", args=[third.pk]), {"original": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "Không tìm thấy vụ việc gốc" in text(response)
    third.refresh_from_db()
    assert third.duplicate_of is None
    assert not AuditEntry.objects.filter(action="case.link_duplicate",
                                         target_id=str(third.pk)).exists()  # fmt: skip


def test_a_supervisor_may_not_link(client_for):
    original, copy = sent(ORIGINAL), sent(EDITED)
    response = client_for("giamsat.mttq.saigon").post(
        reverse("cases:case_link_duplicate", args=[copy.pk]), {"original": original.pk}
    )
    assert response.status_code == 403
    copy.refresh_from_db()
    assert copy.duplicate_of is None


# --- merging --------------------------------------------------------------------------------


def test_merging_withdraws_the_copy_and_counts_its_people_on_the_original(client_for):
    original, copy = sent(ORIGINAL, people_count=2), sent(EDITED, people_count=3)
    response = client_for("xuly.saigon").post(
        reverse("cases:case_merge", args=[copy.pk]), {"original": original.pk}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.status == Status.WITHDRAWN and copy.duplicate_of == original
    assert copy.closed_at is not None
    assert not copy.deadlines.filter(met_on__isnull=True).exists()
    assert original.people_count == 5 and original.status == Status.RECEIVED
    merged = CaseEvent.objects.get(case=copy, action="merged")
    assert merged.note == f"Gộp vào {original.code}." and merged.public  # feedback is public
    assert copy.code in CaseEvent.objects.get(case=original, action="merged_in").note
    assert AuditEntry.objects.filter(action="case.merge", target_id=str(copy.pk)).exists()

    tracking = text(client_for(None).get(reverse("cases:track_case", args=[copy.code])))
    assert f"Gộp vào {original.code}" in tracking and "Đã rút" in tracking


def test_a_complaint_merged_keeps_the_original_code_off_the_public_page(demo):
    fields = {"kind": Kind.COMPLAINT, "category": "administration"}
    original, copy = sent(ORIGINAL, **fields), sent(EDITED, **fields)
    do_merge(user("xuly.saigon"), copy, original)
    public = CaseEvent.objects.filter(case=copy, public=True).values_list("note", flat=True)
    assert not any(original.code in note for note in public)
    assert CaseEvent.objects.filter(case=copy, action="merged", public=False,
                                    note__contains=original.code).exists()  # fmt: skip


def merge_refused(actor: str, case: Case, original: Case) -> Refused:
    before = list(Case.objects.order_by("pk").values_list("status", "people_count",
                                                           "duplicate_of_id"))  # fmt: skip
    with pytest.raises(Refused) as refused:
        do_merge(user(actor), case, original)
    after = list(Case.objects.order_by("pk").values_list("status", "people_count",
                                                          "duplicate_of_id"))  # fmt: skip
    assert after == before
    assert not AuditEntry.objects.filter(action="case.merge").exists()
    return refused.value


def test_merging_into_itself_or_a_closed_case_is_refused(demo):
    original, copy = sent(ORIGINAL), sent(EDITED)
    assert merge_refused("xuly.saigon", copy, copy).code == "same_case"
    do_withdraw(None, original)
    refusal = merge_refused("xuly.saigon", copy, original)
    assert refusal.code == "original_closed"
    assert original.code in refusal.message and "Đã rút" in refusal.message


def test_merging_across_organizations_one_does_not_handle_is_refused(client_for):
    copy, elsewhere = sent(EDITED), sent(ORIGINAL, commune=BEN_THANH)
    refusal = merge_refused("xuly.saigon", copy, elsewhere)
    assert refusal.code == "original_not_handled"
    assert "phường Bến Thành" in refusal.message
    # Through the page: a case outside one's organizations is not even a choice …
    response = client_for("xuly.saigon").post(
        reverse("cases:case_merge", args=[copy.pk]), {"original": elsewhere.pk}
    )
    assert response.status_code == 400
    # … and who only follows the case may not merge it.
    original = sent(ORIGINAL)
    response = client_for("lanhdao.thanhpho").post(
        reverse("cases:case_merge", args=[copy.pk]), {"original": original.pk}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=copy.pk).status == Status.RECEIVED


def test_a_denunciation_is_not_merged_into_another_kind(client_for):
    feedback = sent(ORIGINAL)
    denunciation = sent(EDITED, kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    refusal = merge_refused("xuly.saigon", denunciation, feedback)
    assert refusal.code == "denunciation_into_other"
    response = client_for("xuly.saigon").post(
        reverse("cases:case_merge", args=[denunciation.pk]), {"original": feedback.pk}
    )
    assert response.status_code == 400
    assert "Không gộp tố cáo vào một vụ việc không phải tố cáo" in text(response)
    assert Case.objects.get(pk=denunciation.pk).status == Status.RECEIVED


def test_a_merge_brings_the_copys_own_duplicates_along(demo):
    original, copy, copy_of_copy = sent(ORIGINAL), sent(EDITED), sent(REORDERED)
    handler = user("xuly.saigon")
    do_link_duplicate(handler, copy_of_copy, copy)
    do_merge(handler, copy, original)
    assert Case.objects.get(pk=copy_of_copy.pk).duplicate_of_id == original.pk


# --- the public form ------------------------------------------------------------------------

SAI_GON_ADDRESS = "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM"


def form_data(text: tuple[str, str] = ORIGINAL, **changes) -> dict:
    return {
        "kind": "feedback", "category": "infrastructure", "address": SAI_GON_ADDRESS,
        "title": text[0], "description": text[1], "people_count": "1",
        "submitter_name": "Lý Thị Kim", "submitter_phone": "0909 123 456",
        "submitter_email": "", "submitter_address": "", "website": "", **changes,
    }  # fmt: skip


def test_sending_the_same_matter_again_gives_the_code_already_given(client, demo):
    assert client.post(reverse("cases:submit"), form_data()).status_code == 302
    first = Case.objects.get()

    again = client.post(reverse("cases:submit"), form_data(EDITED, submitter_phone="+84909123456"))
    assert again.status_code == 200
    page = text(again)
    assert f"Bạn đã gửi nội dung này, mã số {first.code}" in page
    assert reverse("cases:track_case", args=[first.code]) in page
    assert Case.objects.count() == 1


def test_a_short_text_is_a_re_send_only_when_nearly_the_same(client, demo):
    submit_url = reverse("cases:submit")
    assert client.post(submit_url, form_data(POWER)).status_code == 302
    assert client.post(submit_url, form_data(WATER)).status_code == 302
    assert Case.objects.count() == 2
    again = client.post(submit_url, form_data((POWER[0], POWER[1].lower())))
    assert again.status_code == 200 and Case.objects.count() == 2


def test_another_matter_another_sender_or_a_closed_case_makes_a_new_case(client, demo):
    submit_url = reverse("cases:submit")
    client.post(submit_url, form_data())
    assert client.post(submit_url, form_data(UNRELATED)).status_code == 302
    assert client.post(submit_url, form_data(submitter_phone="0912 000 111")).status_code == 302
    assert client.post(submit_url, form_data(submitter_phone="")).status_code == 302
    assert Case.objects.count() == 4
    for case in Case.objects.all():
        do_withdraw(None, case)
    assert client.post(submit_url, form_data()).status_code == 302
    assert Case.objects.count() == 5


def test_the_phone_tail_is_kept_and_filled_for_cases_stored_before_it(demo):
    import importlib

    from django.apps import apps

    case = submit(submitter_phone="+84 (909) 123-456")
    assert case.sender_phone_tail == "909123456"
    Case.objects.filter(pk=case.pk).update(sender_phone_tail="")
    migration = importlib.import_module("nghedan.cases.migrations.0006_sender_phone_tail")
    migration.fill_phone_tails(apps, None)
    assert Case.objects.get(pk=case.pk).sender_phone_tail == "909123456"
