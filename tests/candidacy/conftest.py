from tests.api.conftest import token_for  # noqa: F401
from tests.pathway.conftest import staff_page  # noqa: F401
from tests.pathway.fixtures import maria_case, maria_submitted, nora, rooms  # noqa: F401
