"""Shared hypothesis settings and strategies of the property tests."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Derandomized (reproducible in CI), no deadline (the machine is shared), few examples (fast).
FAST = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Text with what breaks naive code: NUL, control characters, bidi overrides, surrogates' kin.
NASTY = st.sampled_from(
    ["\x00", "\x01", "\x1b", "\u202e", "\u200f", "\ufeff", "\U0001f600", "'", '"', "<", "%s", "\\"]
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(NASTY, st.text(max_size=5)), max_size=8).map("".join),
)
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "-0", "0x10", "1,5"]),
)
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
