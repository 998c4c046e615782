from tests.pathway.fixtures import maria_case, maria_submitted, nora, rooms  # noqa: F401
