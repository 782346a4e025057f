"""Vietnamese first whatever the browser asks for; English when the person switches."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_open_in_vietnamese_even_for_an_english_browser(client):
    page = client.get(reverse("people:sign_in"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Tên đăng nhập" in page.content.decode()


def test_the_switcher_turns_pages_to_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("places:lookup"))
    assert page["Content-Language"] == "en"
    assert "Place lookup" in page.content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert client.get(reverse("places:lookup"))["Content-Language"] == "vi"


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assert client.get(reverse("shell:home"))["Content-Language"] == "vi"
