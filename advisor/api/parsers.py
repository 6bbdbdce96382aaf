from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from patterns import plain_data


class BoundedJSONParser(JSONParser):
    """JSON bodies read by ``patterns.plain_data``: a body that is not JSON, is nested too
    deeply, or holds a number too long or a lone surrogate is a 400 saying which."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise ParseError("JSON parse error - send the body as UTF-8.")
        try:
            return plain_data.loads(stream.read() if stream is not None else b"")
        except plain_data.PlainDataError as exc:
            raise ParseError(f"JSON parse error - the body {exc}.") from None
