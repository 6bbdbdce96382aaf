from django.http import HttpRequest

from patterns.store import CatalogueNotLoaded, current_engine


def rules_version(request: HttpRequest) -> dict[str, str]:
    """The footer names the rules every page answers with (lazily: pages that never show it
    do not look it up)."""

    def version() -> str:
        try:
            return current_engine().version
        except CatalogueNotLoaded:
            return ""

    return {"rules_version": version}
