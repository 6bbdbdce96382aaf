"""patterns.plain_data: what the shared JSON reader accepts and refuses."""

import pytest

from patterns import plain_data
from patterns.plain_data import MAX_NUMBER_DIGITS, PlainDataError


@pytest.mark.parametrize("text, value", [
    ('{"n": %s}' % ("9" * MAX_NUMBER_DIGITS), {"n": int("9" * MAX_NUMBER_DIGITS)}),
    ('{"s": "\\ud83d\\ude00"}', {"s": "\U0001F600"}),  # a surrogate pair is one character
    ('{"s": "\\\\ud800"}', {"s": "\\ud800"}),  # an escaped backslash: the text of an escape
    ('[1.5, -2, "é"]', [1.5, -2, "é"]),
    (b'{"s": "\xc3\xa9"}', {"s": "é"}),
])
def test_it_reads_what_json_reads(text, value):
    assert plain_data.loads(text) == value


@pytest.mark.parametrize("text, message", [
    ('{"n": %s}' % ("9" * (MAX_NUMBER_DIGITS + 1)), "digits"),
    ('{"n": -%s}' % ("9" * 5000), "5,000 digits"),
    ('{"n": 1.%se5}' % ("0" * 200), "digits"),
    ('{"s": "\\ud800"}', "lone surrogate (\\ud800)"),
    ('{"\\uDFFF": 1}', "lone surrogate (\\udfff)"),
    ('["\\ude00\\ud83d"]', "lone surrogate"),  # a pair in the wrong order
    ("{", "is not valid JSON"),
    ("[" * 100000, "nested too deeply"),
    (b"\xff{}", "is not UTF-8 text"),
])
def test_it_refuses_with_a_message(text, message):
    with pytest.raises(PlainDataError) as caught:
        plain_data.loads(text)
    assert message in str(caught.value)


def test_check_walks_keys_values_and_numbers_of_parsed_data():
    assert plain_data.check({"a": [1, True, {"b": "c"}]}) == {"a": [1, True, {"b": "c"}]}
    for bad in ({"a": ["\udc80"]}, {"\ud800": 1}, [10 ** (MAX_NUMBER_DIGITS + 5)]):
        with pytest.raises(PlainDataError):
            plain_data.check(bad)
