"""A web process builds what its requests share before it takes the first one."""

import pytest

from nghedan.places import gazetteer
from nghedan.shell import web_process

pytestmark = pytest.mark.django_db


def test_after_the_warm_up_an_address_is_read_without_a_query(django_assert_num_queries):
    gazetteer.reset_index()  # as in a process that has just started
    web_process.warm_up()
    with django_assert_num_queries(0):
        found = gazetteer.resolve("12 Lê Lợi, phường Sài Gòn, TP.HCM")
    assert found.commune is not None and found.commune.name == "Phường Sài Gòn"
