"""The two store backends keep the same contract: the directory (default) and an S3-compatible object store
(moto's server mode, started by the test). Evidence and visitor photos go through them."""
from __future__ import annotations

import re

import pytest

from portal.uploads.s3 import S3Backend, S3Location, S3Settings, client_for, parse_url
from portal.uploads.store import PHOTO_NAME, DirectoryBackend
from tests.uploads.conftest import BUCKET, s3_keys
from tests.uploads.samples import png

NAME = re.compile(r"^[0-9a-f]{32}$")
A, B = "a" * 32, "0123456789abcdef" * 2


@pytest.fixture(params=["directory", "s3"])
def store(request, tmp_path):
    if request.param == "directory":
        return DirectoryBackend(str(tmp_path / "files"))
    settings = request.getfixturevalue("s3_server")
    client = client_for({}, S3Settings(settings["S3_ENDPOINT_URL"], "test", "test", "us-east-1"))
    return S3Backend(client, parse_url(f"s3://{BUCKET}/contract/{tmp_path.name}"), NAME)


def test_written_bytes_read_back_and_overwrite(store):
    store.write(A, b"first")
    store.write(B, png())
    with store.open(A) as fh:
        assert fh.read() == b"first"
    store.write(A, b"second")
    with store.open(A) as fh, store.open(B) as other:
        assert fh.read() == b"second" and other.read() == png()


def test_a_stream_is_written_in_parts_and_read_back_in_chunks(store):
    import io
    import os

    data = os.urandom(9 * 1024 * 1024 + 17)  # above boto3's 8 MB multipart threshold
    store.write_stream(A, io.BytesIO(data))
    with store.open(A) as fh:
        first = fh.read(1024)
        assert first == data[:1024] and first + fh.read() == data


def test_exists_and_delete(store):
    assert not store.exists(A)
    store.write(A, b"x")
    assert store.exists(A) and not store.exists(B)
    store.delete(A)
    assert not store.exists(A)
    store.delete(A)  # deleting what is gone is no error


def test_missing_and_bad_names_are_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.open(A)
    for bad in ("../../etc/passwd", "a" * 31, "A" * 32, "", "x/" + A):
        with pytest.raises(FileNotFoundError):
            store.open(bad)
        with pytest.raises(FileNotFoundError):
            store.write(bad, b"x")
        assert not store.exists(bad)
        store.delete(bad)


def test_urls_parse_to_bucket_and_prefix():
    assert parse_url("s3://evidence") == S3Location("evidence", "")
    assert parse_url("s3://evidence/a/b/") == S3Location("evidence", "a/b/")
    assert parse_url("s3://evidence/a").below("visitor-photos").key("x") == "a/visitor-photos/x"
    for bad in ("http://evidence/a", "s3://ab/x", "s3:///x", "s3://bucket/x?y=1", "/var/evidence"):
        with pytest.raises(ValueError):
            parse_url(bad)


def test_a_bad_evidence_url_refuses_to_start(monkeypatch, tmp_path):
    from portal.config import ConfigError, load_config

    monkeypatch.setenv("PORTAL_EVIDENCE_URL", "/srv/evidence")
    with pytest.raises(ConfigError, match="PORTAL_EVIDENCE_URL"):
        load_config(str(tmp_path))
    monkeypatch.setenv("PORTAL_EVIDENCE_URL", "s3://evidence/portal")
    assert load_config(str(tmp_path))["EVIDENCE_URL"] == "s3://evidence/portal"


def test_evidence_upload_and_download_through_the_object_store(s3_app, client, login, create_borrower, session):
    from sqlalchemy import select

    from portal.complaints.models import Complaint
    from tests.complaints.conftest import form_data, with_files

    me = create_borrower()
    login(client, me)
    response = client.post("/complaints/new", data=with_files(form_data(), (png(), "photo.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    complaint = session.scalar(select(Complaint))
    item = complaint.evidence[0]
    assert s3_keys(s3_app) == [f"{s3_app.s3_prefix}/{item.stored_name}"]  # on the object store, nowhere else
    download = client.get(f"/complaints/{complaint.reference}/evidence/{item.id}")
    assert download.status_code == 200 and download.data == png()
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    bundle = client.get(f"/complaints/{complaint.reference}/export")  # the evidence bundle reads it there too
    assert bundle.status_code == 200 and png() in _unzipped(bundle.get_data())


def _unzipped(data: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_a_failed_request_leaves_no_object(s3_app, app):
    from portal import uploads

    with app.test_request_context():
        uploads.save(png())  # no commit: the request's teardown deletes it
    assert s3_keys(s3_app) == []


def test_visitor_photos_live_below_the_prefix(s3_app, app, client):
    from portal.visits import photos

    with app.app_context():
        name = photos.save_photo(png())
        assert PHOTO_NAME.match(name) and photos.photo_exists(name)
    assert s3_keys(s3_app) == [f"{s3_app.s3_prefix}/visitor-photos/{name}"]
    answer = client.get(f"/visitor-photos/{name}")
    assert answer.status_code == 200 and answer.data == png() and answer.mimetype == "image/png"
    assert client.get(f"/visitor-photos/{'b' * 32}.png").status_code == 404
    with app.app_context():
        photos.delete_photo(name)
        assert not photos.photo_exists(name)
