from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from patterns import plain_data


class BoundedJSONParser(JSONParser):
    """JSON bodies read by ``patterns.plain_data``: a body that is not JSON, is nested too
    deeply, or holds a number too long or a lone surrogate is a 400 saying which."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (LookupError, UnicodeDecodeError):
            raise ParseError(f"JSON parse error - the body is not {encoding} text.") from None
        try:
            return plain_data.loads(text)
        except plain_data.PlainDataError as exc:
            raise ParseError(f"JSON parse error - the body {exc}.") from None
