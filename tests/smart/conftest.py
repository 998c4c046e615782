from tests.cdshooks.conftest import call, ehr  # noqa: F401  (shared fixtures)
from tests.fhir.conftest import nora, token_for  # noqa: F401
from tests.pathway.fixtures import maria_case  # noqa: F401
