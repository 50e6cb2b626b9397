"""What a server URL is (production, development, placeholder), and what a versioned URL or media type is."""

from __future__ import annotations

import pytest

from interopcheck.checks.spec_versioning import _VERSIONED_MEDIA, _path_version
from interopcheck.checks.spec_servers import DEVELOPMENT, PLACEHOLDER, PRODUCTION, RELATIVE, classify


@pytest.mark.parametrize(
    "url",
    ["http://localhost:8080", "http://127.0.0.1:3000/v1", "http://[::1]:8080", "http://housing.localhost", "http://dev-box.local",
     "http://10.1.2.3", "http://192.168.0.10:8000", "http://api:8080", "http://0.0.0.0:5000"],
)
def test_development_servers(url: str) -> None:
    assert classify(url)[0] == DEVELOPMENT


@pytest.mark.parametrize(
    "url",
    ["https://api.server.test/v1", "https://example.com", "https://api.example.org/v2", "https://sandbox.example",
     "https://x.invalid", "{baseUrl}/v1", "https://your-domain/v1", "https://your-domain.com", "https://<host>/api"],
)
def test_placeholder_servers(url: str) -> None:
    assert classify(url)[0] == PLACEHOLDER


@pytest.mark.parametrize(
    "url",
    ["https://api.service.hmrc.gov.uk", "https://yourhousinggroup.co.uk/api", "https://notexample.com", "https://example.com.evil.io",
     "https://api.test-housing.co.uk", "https://8.8.8.8"],
)
def test_production_servers(url: str) -> None:
    assert classify(url)[0] == PRODUCTION


def test_relative_servers() -> None:
    assert classify("/v1")[0] == RELATIVE


@pytest.mark.parametrize(("path", "version"), [("/v1/x", "v1"), ("/api/1.0/x", "1.0"), ("/v1.2/x", "v1.2"), ("/api/2/x", "2"), ("/v2beta1/x", "v2beta1"), ("/x/2024-01-01/y", "2024-01-01")])
def test_versions_in_paths(path: str, version: str) -> None:
    assert _path_version(path) == version


@pytest.mark.parametrize("path", ["/properties/{id}", "/api/properties", "/2/properties", "/vendors/v/x", "/levels/v1a2b"])
def test_paths_without_versions(path: str) -> None:
    assert _path_version(path) is None


@pytest.mark.parametrize("media", ["application/vnd.hmrc.1.0+json", "application/vnd.org.2.0+json", "application/vnd.github.v3+json", "application/json; version=2", "application/vnd.acme-v2+json"])
def test_versioned_media_types(media: str) -> None:
    assert _VERSIONED_MEDIA.search(media)


@pytest.mark.parametrize("media", ["application/vnd.api+json", "application/json", "application/problem+json", "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet"])
def test_unversioned_media_types(media: str) -> None:
    assert not _VERSIONED_MEDIA.search(media)
