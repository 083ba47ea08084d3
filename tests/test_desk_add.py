"""Adding articles (issue 11, flow): dates checked where typed or read from a file name, a batch
outlet/date/title for uploads, one summary of new, duplicate and failed."""

from __future__ import annotations

from claims.app.pages.add import date_from_name, iso_or_none


def test_dates_from_file_names_and_typed_dates():
    assert date_from_name("breitbart_2016-09-12_stealth.txt") == "2016-09-12"
    assert date_from_name("20240305-story.html") == "2024-03-05"
    assert date_from_name("2024-13-45_story.txt") == ""  # not a date
    assert date_from_name("story.txt") == ""
    assert iso_or_none(" 2024-03-05 ") == "2024-03-05" and iso_or_none("") == ""
    assert iso_or_none("5 March") is None and iso_or_none("2024-3-5") is None
