"""Held storage in an S3-compatible bucket (django-storages against a real SeaweedFS server):
uploads stream into the bucket, the re-hash job reads from it, and a refused upload leaves
no object behind."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import boto3
import pytest

from core.storage import UploadTooLarge, held_storage_name
from inventory.services.held import held_file_store
from lineage.models import IntegrityFinding
from lineage.services.integrity import held_artifacts_rehash
from tests.inventory.held_support import (  # noqa: F401 (fixtures)
    LIMIT,
    held_dataset_version_fixture,
    held_fixture,
    owners_fixture,
)
from tests.services import require, seaweedfs_binary

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CONTENT = b"applicant_id,income\n1,52000\n2,61000\n" * 50
KEYS = {"access_key": "custodia-test", "secret_key": "custodia-test-secret"}


def _free_port_pair() -> int:
    """A port p with p and p + 10000 free (SeaweedFS puts its gRPC port there)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 10000 < 65535:
            try:
                with socket.socket() as grpc:
                    grpc.bind(("127.0.0.1", port + 10000))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port pair")


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    binary = seaweedfs_binary()
    require("seaweedfs", binary is not None)
    folder = tmp_path_factory.mktemp("seaweedfs")
    ports = {name: _free_port_pair() for name in ("master", "volume", "filer", "s3")}
    log = (folder / "weed.log").open("wb")
    server = subprocess.Popen(
        [binary, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
         f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
         f"-filer.port={ports['filer']}", f"-s3.port={ports['s3']}",
         "-s3.port.iceberg=0", "-s3.port.lance=0"],
        stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _client(endpoint).list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    tail = (folder / "weed.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"SeaweedFS's S3 endpoint did not come up:\n{tail}")
                time.sleep(0.5)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # it drains slowly; the data folder is temporary
            server.kill()
            server.wait(timeout=10)
        log.close()


def _client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=KEYS["access_key"],
                        aws_secret_access_key=KEYS["secret_key"])


@pytest.fixture
def bucket(s3_endpoint, held, settings) -> str:
    """A fresh bucket, configured as the `held` storage (as CUSTODIA_HELD_S3_BUCKET does)."""
    name = f"held-{uuid.uuid4().hex[:12]}"
    _client(s3_endpoint).create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "held": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": name, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
                    "file_overwrite": False, **KEYS}}}
    return name


def _objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    client = _client(endpoint)
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
            for o in listed}


def _chunks(content: bytes, size: int = 4096):
    for start in range(0, len(content), size):
        yield content[start:start + size]


def test_upload_lands_in_the_bucket_and_the_rehash_job_checks_it(s3_endpoint, bucket,
                                                                  held_dataset_version, owners):
    version = held_file_store(target=held_dataset_version, actor=owners["alice"],
                              reason="Nightly export", chunks=_chunks(CONTENT),
                              filename="loans.csv")
    version.refresh_from_db()

    name = held_storage_name(version.uri)
    assert _objects(s3_endpoint, bucket) == {name: CONTENT}
    assert version.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert held_artifacts_rehash()["checked"] == 1
    assert not IntegrityFinding.objects.exists()

    _client(s3_endpoint).put_object(Bucket=bucket, Key=name, Body=b"tampered")
    assert held_artifacts_rehash()["mismatches"] == 1
    assert IntegrityFinding.objects.get().dataset_version == version


def test_an_upload_over_the_limit_leaves_no_object(s3_endpoint, bucket, held_dataset_version,
                                                   owners):
    with pytest.raises(UploadTooLarge):
        held_file_store(target=held_dataset_version, actor=owners["alice"], reason="Big",
                        chunks=_chunks(b"x" * (LIMIT + 1)), filename="big.bin")

    assert _objects(s3_endpoint, bucket) == {}
    held_dataset_version.refresh_from_db()
    assert (held_dataset_version.uri, held_dataset_version.sha256) == ("", "")
