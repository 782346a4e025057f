"""Merging what pages loaded a while ago: the database's state decides, not the page's.

Personas of the demo: the handler of Ủy ban nhân dân phường Sài Gòn (xuly.saigon).
"""

import pytest

from nghedan.cases.duplicates import do_link_duplicate, do_merge
from nghedan.cases.models import Case, Kind
from nghedan.cases.public_forms import PEOPLE_COUNT_MAX
from nghedan.cases.tests.factories import DENOUNCER, submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import User

pytestmark = pytest.mark.django_db

FLOOD = ("Ngập nước trên đường Lê Lợi", "Mưa lớn là đoạn trước chợ Bến Thành ngập nửa mét.")


def handler() -> User:
    return User.objects.get(username="xuly.saigon")


def sent(**fields) -> Case:
    return submit(title=FLOOD[0], description=FLOOD[1], **fields)


def test_a_copy_that_grew_meanwhile_brings_all_its_people(demo):
    first, second, third = sent(people_count=2), sent(people_count=3), sent(people_count=4)
    stale_second = Case.objects.get(pk=second.pk)  # the other officer's page
    do_merge(handler(), first, second)  # second now counts 5
    do_merge(handler(), stale_second, third)
    third.refresh_from_db()
    assert third.people_count == 4 + 5
    assert Case.objects.get(pk=first.pk).duplicate_of_id == third.pk


def test_an_original_linked_elsewhere_meanwhile_is_refused(demo):
    copy, original, root = sent(), sent(), sent()
    stale_original = Case.objects.get(pk=original.pk)
    do_link_duplicate(handler(), Case.objects.get(pk=original.pk), root)
    with pytest.raises(Refused) as refused:
        do_merge(handler(), copy, stale_original)
    assert refused.value.code == "original_is_duplicate"
    assert root.code in refused.value.message
    assert Case.objects.get(pk=copy.pk).status == Case.Status.RECEIVED


def test_an_original_reclassified_meanwhile_does_not_take_a_denunciation(demo):
    fields = {"kind": Kind.DENUNCIATION, "category": "official_conduct", **DENOUNCER}
    denunciation, original = sent(**fields), sent(**fields)
    stale_original = Case.objects.get(pk=original.pk)
    Case.objects.filter(pk=original.pk).update(kind=Kind.FEEDBACK)  # reclassified meanwhile
    with pytest.raises(Refused) as refused:
        do_merge(handler(), denunciation, stale_original)
    assert refused.value.code == "denunciation_into_other"


def test_people_counted_stop_at_the_limit_the_database_takes(demo):
    original = sent(people_count=PEOPLE_COUNT_MAX - 10)
    copy = sent(people_count=PEOPLE_COUNT_MAX)
    do_merge(handler(), copy, original)
    assert Case.objects.get(pk=original.pk).people_count == PEOPLE_COUNT_MAX


def test_the_timeline_says_how_many_people_were_really_added_at_the_limit(demo):
    original = sent(people_count=PEOPLE_COUNT_MAX - 10)
    do_merge(handler(), sent(people_count=50), original)
    note = original.events.get(action="merged_in").note
    assert "thêm 10 người" in note
