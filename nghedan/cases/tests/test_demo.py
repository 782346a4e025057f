"""The demo command fills the queue with cases at every step, once."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from nghedan.cases.demo import DEMO_CASES
from nghedan.cases.models import Case
from nghedan.people.demo import PERSONAS
from nghedan.people.models import Role

pytestmark = pytest.mark.django_db


def test_load_demo_makes_the_demo_cases_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    first = Case.objects.count()
    # The forwarded one arrives as a second case, and one complaint is made a second time.
    assert first == len(DEMO_CASES) + 2
    again = Case.objects.get(instance=2)
    assert again.first_instance.status == "resolved"
    assert again.organization.code == "hcm-ubnd"
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"received", "classified", "accepted", "resolved", "refused", "forwarded"} <= statuses
    call_command("load_demo", verbosity=0)
    assert Case.objects.count() == first


def test_every_demo_officer_who_follows_cases_finds_some_in_their_queue(client_for):
    """A visitor trying the demo as any handling or supervising persona sees cases, not an
    empty queue: the city's Council follows the city government, where a complaint has come
    for the second time."""
    call_command("load_demo", verbosity=0)
    codes = set(Case.objects.values_list("code", flat=True))
    following = [
        persona.username for persona in PERSONAS
        if persona.role in (Role.RECEPTION, Role.HANDLER, Role.LEADER, Role.SUPERVISOR)
    ]  # fmt: skip
    assert "daibieu.hdnd" in following
    for username in following:
        page = client_for(username).get(reverse("cases:queue")).content.decode()
        assert any(code in page for code in codes), username
