"""URL converters shared by the apps' URL patterns."""

from django.urls import register_converter


class DatabaseIdConverter:
    """A row id as the database stores it: up to 18 digits, so it always fits a 64-bit integer.

    A longer number is no row of ours; it gets the same 404 as an unknown id instead of an
    overflow inside the database driver.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DatabaseIdConverter, "id")
