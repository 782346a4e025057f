"""The demo command fills the queue with cases at every step, once."""

import pytest
from django.core.management import call_command

from nghedan.cases.demo import DEMO_CASES
from nghedan.cases.models import Case

pytestmark = pytest.mark.django_db


def test_load_demo_makes_the_demo_cases_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    first = Case.objects.count()
    assert first == len(DEMO_CASES) + 1  # the forwarded one arrives as a second case
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"received", "classified", "accepted", "resolved", "refused", "forwarded"} <= statuses
    call_command("load_demo", verbosity=0)
    assert Case.objects.count() == first
