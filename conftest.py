"""Shared test set-up: tasks run at once, reference places load once per session, and the
Hồ Chí Minh City demo gives every test that asks for it the named personas."""

import pytest
from django.core.management import call_command
from django.test import Client

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def test_settings(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.SECURE_SSL_REDIRECT = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_places", verbosity=0)


@pytest.fixture
def demo(db):
    """The demo organizations and personas (nghedan/people/demo.py), without the demo cases."""
    from nghedan.people.demo import load_demo

    load_demo()


@pytest.fixture
def client_for(demo):
    """A browser signed in as the named persona; None gives an anonymous one."""
    from nghedan.people.models import User

    def make(username: str | None) -> Client:
        browser = Client()
        if username:
            browser.force_login(User.objects.get(username=username))
        return browser

    return make
