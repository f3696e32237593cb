"""Files on an S3-compatible object store (``PORTAL_EVIDENCE_URL=s3://bucket/prefix``), for several machines.

The same methods as ``DirectoryBackend``: ``write``, ``write_stream``, ``open``, ``delete``, ``exists``. Keys are
``<prefix>/<name>`` (evidence, proofs, data downloads) and ``<prefix>/visitor-photos/<name>`` (visitor photos).
The endpoint and keys come from ``PORTAL_S3_ENDPOINT_URL``, ``PORTAL_S3_ACCESS_KEY_ID``,
``PORTAL_S3_SECRET_ACCESS_KEY`` and ``PORTAL_S3_REGION``; left empty, boto3's own chain applies (``AWS_*``
variables, ``~/.aws``, an instance role). One client per process and settings (boto3 clients are thread-safe);
boto3 is imported only when an S3 URL is configured, and nothing is asked of the store at start-up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # "" or ending in "/"

    def key(self, name: str) -> str:
        return self.prefix + name

    def below(self, folder: str) -> S3Location:
        return S3Location(self.bucket, self.prefix + folder.strip("/") + "/")


def parse_url(url: str) -> S3Location:
    """``s3://bucket/some/prefix`` as a location; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or len(parts.netloc) < 3 or parts.query or parts.fragment:
        raise ValueError(f"not an s3://bucket/prefix URL: {url!r}")
    prefix = parts.path.strip("/")
    return S3Location(parts.netloc, prefix + "/" if prefix else "")


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str | None
    access_key_id: str | None
    secret_access_key: str | None
    region: str | None

    @classmethod
    def from_config(cls, config) -> S3Settings:
        return cls(config.get("S3_ENDPOINT_URL") or None, config.get("S3_ACCESS_KEY_ID") or None,
                   config.get("S3_SECRET_ACCESS_KEY") or None, config.get("S3_REGION") or None)

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key, region_name=self.region,
            config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
                          s3={"addressing_style": "path"} if self.endpoint_url else {}))


def client_for(extensions: dict, settings: S3Settings):
    """The process's client for these settings, made on first use."""
    clients = extensions.setdefault("s3_clients", {})
    if settings not in clients:
        clients[settings] = settings.client()
    return clients[settings]


class S3Backend:
    """Objects named ``<prefix><name>`` in one bucket; ``names`` is the pattern a valid name matches."""

    def __init__(self, client, location: S3Location, names: re.Pattern[str]) -> None:
        self.client, self.location, self.names = client, location, names

    def _key(self, name: str) -> str:
        if not self.names.match(name or ""):
            raise FileNotFoundError(name)
        return self.location.key(name)

    def write(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.location.bucket, Key=self._key(name), Body=data,
                               ContentType="application/octet-stream")

    def write_stream(self, name: str, stream: BinaryIO) -> None:
        """Copied in parts (multipart above 8 MB), never whole in memory."""
        self.client.upload_fileobj(stream, self.location.bucket, self._key(name),
                                   ExtraArgs={"ContentType": "application/octet-stream"})

    def open(self, name: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.location.bucket, Key=self._key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_FOUND:
                raise FileNotFoundError(name) from exc
            raise
        return answer["Body"]  # a readable, closable stream (botocore's StreamingBody): read in chunks

    def delete(self, name: str) -> None:
        try:
            key = self._key(name)
        except FileNotFoundError:
            return
        self.client.delete_object(Bucket=self.location.bucket, Key=key)  # no error when it is not there

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.location.bucket, Key=self._key(name))
        except FileNotFoundError:
            return False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_FOUND:
                return False
            raise
        return True
