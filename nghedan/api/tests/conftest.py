import pytest

from nghedan.api.tests.personas import build_city


@pytest.fixture
def city(db):
    return build_city()
