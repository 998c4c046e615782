from tests.api.conftest import token_for  # noqa: F401  (the same fixture for FHIR tests)
from tests.pathway.fixtures import maria_case, nora, rooms  # noqa: F401
