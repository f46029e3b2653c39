"""Property: an Enum column made text by gathering its categories (ingest.folder.as_text) is what polars' cast to
String gives, nulls included."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.ingest.folder import as_text


@settings(max_examples=300, deadline=None)
@given(
    categories=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=30, unique=True),
    picks=st.lists(st.one_of(st.none(), st.integers(0, 29)), max_size=50),
)
def test_gathered_text_is_the_cast(categories, picks):
    values = [None if pick is None else categories[pick % len(categories)] for pick in picks]
    coded = pl.Series("SEX", values, dtype=pl.Enum(categories))
    text = as_text(coded)
    assert text.dtype == pl.String
    assert text.equals(coded.cast(pl.String))
