"""The viewer of the query budgets: a section head with no jurisdiction limit, who sees every load."""

import pytest

from core import roles
from tests.factories import UserFactory


@pytest.fixture
def viewer(db, client):
    """A section head with no jurisdiction limit: sees both loads."""
    user = UserFactory(username="budget-head", roles=[roles.SECTION_HEAD], jurisdiction=None)
    client.force_login(user)
    from tests import conftest

    verify = getattr(conftest, "verify_two_factor", None)  # roles that need two-factor get a verified session
    if callable(verify):
        verify(client, user)
    return client
