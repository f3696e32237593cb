"""Console import tests also run against the object-store backend (moto's server, from the upload tests)."""
from tests.uploads.conftest import s3_app, s3_server  # noqa: F401
