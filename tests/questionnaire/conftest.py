import re

import pytest

from patterns.store import current_engine


@pytest.fixture
def engine(db):
    return current_engine()


@pytest.fixture
def htmx():
    """Headers of a request htmx makes."""
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/questionnaire/"}


@pytest.fixture
def error_next_to():
    def find(content: bytes | str, key: str) -> str:
        """The text of the error slot rendered right under the question's input."""
        text = content.decode() if isinstance(content, bytes) else content
        match = re.search(rf'<p class="field-error" id="error-{key}"[^>]*>(.*?)</p>', text, re.S)
        assert match, f"no error slot for {key}"
        return match.group(1).strip()

    return find


@pytest.fixture
def ranked():
    def slugs(response) -> list[str]:
        return [row.pattern.slug for row in response.context["panel"].ranked]

    return slugs
