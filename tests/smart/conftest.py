from tests.cdshooks.conftest import call, ehr  # noqa: F401  (shared fixtures)
from tests.pathway.fixtures import maria_case  # noqa: F401
