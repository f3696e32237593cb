"""A local S3-compatible server for the object-store backend: moto's server mode on 127.0.0.1, an ephemeral port.

moto checks neither signatures nor expiry, so nothing here tests either."""
from __future__ import annotations

import secrets

import pytest

BUCKET = "portal-test-evidence"


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = {"S3_ENDPOINT_URL": f"http://{host}:{port}", "S3_ACCESS_KEY_ID": "test",
                "S3_SECRET_ACCESS_KEY": "test", "S3_REGION": "us-east-1"}
    import boto3

    boto3.client("s3", endpoint_url=settings["S3_ENDPOINT_URL"], aws_access_key_id="test",
                 aws_secret_access_key="test", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield settings
    server.stop()


@pytest.fixture
def s3_app(app, s3_server, monkeypatch):
    """The test app keeping its files on the S3 server, under a prefix of its own for this test."""
    for key, value in s3_server.items():
        monkeypatch.setitem(app.config, key, value)
    prefix = f"portal/{secrets.token_hex(4)}"
    monkeypatch.setitem(app.config, "EVIDENCE_URL", f"s3://{BUCKET}/{prefix}")
    app.s3_prefix = prefix
    yield app
    del app.s3_prefix


def s3_keys(app) -> list[str]:
    from portal.uploads.s3 import S3Settings, client_for

    client = client_for(app.extensions, S3Settings.from_config(app.config))
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=app.s3_prefix + "/")
    return sorted(item["Key"] for item in listed.get("Contents", []))
