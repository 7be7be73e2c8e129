"""Where the officials' helpers used to live: they are in tests/unit/conftest.py now, re-exported here for
tests written against this module. New tests import helpers from tests.unit.conftest and just name fixtures."""

from tests.conftest import fast_password_hashing, make_official  # noqa: F401
from tests.unit.conftest import (  # noqa: F401
    ARTICLE,
    JIADING,
    PUTUO,
    XUHUI,
    authenticator,
    change_form_data,
    change_url,
    changelist_url,
    cluster_in,
    current_code,
    inside,
    messages_of,
    officials,
    pass_second_factor,
    point_inside,
    same_shape,
    signed_in,
    source,
)
