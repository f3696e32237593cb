"""The upload store: type from the bytes, size limit, random names, attachment downloads, no orphan files."""
from __future__ import annotations

import os

import pytest

from portal import uploads
from portal.extensions import db
from tests.uploads.samples import amr, html_disguised_as_jpeg, jpeg, m4a, mp3, mp4_video, pdf, png


@pytest.mark.parametrize(("data", "mime"), [(png(), "image/png"), (jpeg(), "image/jpeg"), (pdf(), "application/pdf"),
                                            (amr(), "audio/amr"), (m4a(), "audio/mp4"), (mp3(), "audio/mpeg")])
def test_sniff_reads_the_type_from_the_bytes(data, mime):
    assert uploads.sniff(data) == mime


def test_sniff_refuses_unknown_and_disallowed_kinds():
    assert uploads.sniff(mp4_video()) is None  # a video track: not one of the evidence kinds
    assert uploads.sniff(html_disguised_as_jpeg()) is None
    assert uploads.sniff(b"") is None
    assert uploads.sniff(pdf(), allowed=uploads.IMAGES) is None


def test_save_open_delete(app):
    with app.test_request_context():
        stored = uploads.save(png())
        db.session.commit()  # kept: no longer pending
        assert len(stored.name) == 32 and stored.size == len(png()) and stored.mime == "image/png"
        assert len(stored.sha256) == 64
        with uploads.open_file(stored.name) as fh:
            assert fh.read() == png()
        path = os.path.join(app.config["EVIDENCE_DIR"], stored.name[:2], stored.name)
        assert os.path.exists(path) and not os.path.commonpath([path, app.static_folder]) == app.static_folder
        uploads.delete(stored.name)
        assert not os.path.exists(path)


def test_save_refuses_bad_type_empty_and_oversized(app):
    with app.test_request_context():
        for data, reason in [(html_disguised_as_jpeg(), "bad_type"), (b"", "empty"),
                             (png() + b"\x00" * (app.config["EVIDENCE_MAX_MB"] * 1024 * 1024), "too_large")]:
            with pytest.raises(uploads.UploadError) as info:
                uploads.save(data)
            assert info.value.reason == reason


def test_names_cannot_escape_the_directory(app):
    with app.app_context():
        with pytest.raises(FileNotFoundError):
            uploads.open_file("../../etc/passwd")
        uploads.delete("../x")  # silently nothing


def _count_files(root: str) -> int:
    return sum(len([f for f in files if not f.startswith(".tmp")]) for _d, _s, files in os.walk(root))


def test_files_of_a_failed_request_are_removed_and_committed_ones_kept(app):
    root = app.config["EVIDENCE_DIR"]
    before = _count_files(root) if os.path.exists(root) else 0
    with app.test_request_context():
        uploads.save(png())
        # no commit: the teardown of this request discards the file
    assert _count_files(root) == before
    with app.test_request_context():
        kept = uploads.save(png())
        db.session.commit()
    assert _count_files(root) == before + 1
    with app.app_context():
        uploads.delete(kept.name)


def test_download_is_always_an_attachment(app):
    with app.test_request_context():
        stored = uploads.save(png())
        db.session.commit()
        response = uploads.download(stored.name, stored.mime, "照片.png")
        response.direct_passthrough = False
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data() == png()
        response.close()
        uploads.delete(stored.name)


def test_save_stream_copies_in_chunks_and_hashes(app):
    import hashlib
    import io

    data = b'{"a": 1}\n' * 300_000  # 2.7 MB: several chunks
    with app.test_request_context():
        stored = uploads.save_stream(io.BytesIO(data), "application/x-ndjson")
        db.session.commit()
        assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
        with uploads.open_file(stored.name) as fh:
            assert fh.read() == data
        uploads.delete(stored.name)
    with app.test_request_context():  # a request that ends without a commit keeps no file
        pending = uploads.save_stream(io.BytesIO(b"x\n"), "application/x-ndjson")
        uploads.discard_pending()
        with pytest.raises(FileNotFoundError):
            uploads.open_file(pending.name)
