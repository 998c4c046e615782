

from tests.api.conftest import maria_case, nora, rooms, token_for  # noqa: F401  (shared fixtures)
