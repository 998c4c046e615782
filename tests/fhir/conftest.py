from tests.api.conftest import token_for  # noqa: F401  (the same fixture for FHIR tests)
