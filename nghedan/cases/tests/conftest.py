from pathlib import Path

import pytest


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Files stored by a test go to a folder of its own, and can be counted there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
