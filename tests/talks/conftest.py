import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source strings; the Chinese translation is checked elsewhere."""
    settings.LANGUAGE_CODE = "en"
