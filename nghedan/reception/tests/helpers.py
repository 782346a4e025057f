"""Sessions and visits for tests, made through the same actions the pages use."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from nghedan.people.models import Organization, User
from nghedan.reception import actions
from nghedan.reception.models import Reception

SAI_GON_UBND = "sai-gon-ubnd"
BEN_THANH_UBND = "ben-thanh-ubnd"
VISITOR = {
    "visitor_name": "Đoàn Văn Hậu",
    "visitor_phone": "0903 456 789",
    "visitor_address": "25 Hàm Nghi, phường Sài Gòn",
}


def user(username: str) -> User:
    return User.objects.get(username=username)


def organization(code: str = SAI_GON_UBND) -> Organization:
    return Organization.objects.get(code=code)


def open_session(
    code: str = SAI_GON_UBND, presiding: str = "lanhdao.saigon", held_on: date | None = None,
    kind: str = Reception.Kind.HEAD, place: str = "Phòng tiếp công dân, trụ sở UBND phường",
) -> Reception:  # fmt: skip
    return actions.do_open_reception(
        user(presiding), organization=organization(code),
        held_on=held_on or timezone.localdate(), place=place, kind=kind,
        presiding=user(presiding),
    )  # fmt: skip


def visit_data(**changes) -> dict:
    """What the page's form sends for a feedback that becomes a case."""
    data = {
        "outcome": "case",
        "kind": "feedback",
        "category": "infrastructure",
        "title": "Cống trước nhà bị nghẹt",
        "raised": "Cống trước số 25 Hàm Nghi nghẹt rác, mưa là nước tràn vào nhà.",
        **VISITOR,
        "id_number": "",
        "group_size": "1",
        "refusal": "",
        "note": "",
    }
    data.update(changes)
    return data


def session_url(reception: Reception) -> str:
    return reverse("reception:reception", args=[reception.pk])


def record_url(reception: Reception) -> str:
    return reverse("reception:record_visit", args=[reception.pk])


def text(response) -> str:
    return response.content.decode()
