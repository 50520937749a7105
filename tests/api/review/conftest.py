from tests.api.conftest import *  # noqa: F403  (hotel_not, not_client, folio, ... fixtures)
