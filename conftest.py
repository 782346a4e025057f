"""Shared test set-up: tasks run at once, reference places are loaded once per session."""

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def run_tasks_immediately(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_places", verbosity=0)
