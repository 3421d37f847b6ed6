"""Reading spreadsheet exports: encodings, delimiters and line numbers, without a database."""

from __future__ import annotations

import pytest

from plenary.errors import BadInput
from plenary.registration.csv_import import decode, read_header, rows, validate_rows

HEADER = ["name", "email", "city", "country", "mode", "consent"]


def test_utf16_tab_separated_unicode_text_from_excel_is_read():
    text = (
        "name\temail\tcity\tcountry\tmode\tconsent\r\n"
        "김지원\tkim@example.org\t광주\tKR\tonline\t예\r\n"
    )
    decoded = decode(text.encode("utf-16"))
    assert read_header(decoded) == HEADER
    [(line, cells)] = list(rows(decoded))
    assert line == 2 and cells["name"] == "김지원"
    valid, errors, total = validate_rows(decoded)
    assert (len(valid), errors, total) == (1, [], 1)
    assert valid[0][1].consent is True and valid[0][1].city == "광주"


def test_bom_is_not_part_of_the_first_column_name():
    text = "\ufeffname,email,city,country,mode,consent\n"
    assert read_header(decode(text.encode("utf-8")))[0] == "name"


def test_a_row_with_more_cells_than_columns_is_reported_not_guessed():
    text = "name,email,city,country,mode,consent\nA,a@example.org,X,KR,online,yes,surprise\n"
    valid, errors, total = validate_rows(text)
    assert valid == [] and total == 1
    assert errors == [{"line": 2, "field": None, "message": "more cells than columns"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02garbage", "not a text CSV"),
        (b"\xff\xd8\xff\xe0 a jpeg", "not UTF-8"),
        (b"name,name,email,city,country,mode,consent\n", "twice"),
    ],
)
def test_files_that_are_not_a_csv_of_registrations_are_refused(data, message):
    with pytest.raises(BadInput, match=message):
        read_header(decode(data))
