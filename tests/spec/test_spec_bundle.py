"""The bundle handed to schemathesis: files the spec stage read are inlined, nothing else can be reached."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from interopcheck.spec.bundle import BUNDLE_KEY, bundle
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec

SENTINEL = "SENTINEL-OUTSIDE-b2d91e"


def _spec(folder: Path, schemas: dict[str, object], name: str = "openapi.json") -> Path:
    path = folder / name
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/properties": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Property"}}},
                        }
                    }
                }
            }
        },
        "components": {"schemas": schemas},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_files_beside_the_spec_are_inlined_and_refs_rewritten(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "common.json").write_text(
        json.dumps({"Uprn": {"type": "string", "pattern": "^[0-9]{1,12}$"}, "Address": {"type": "object", "properties": {"uprn": {"$ref": "#/Uprn"}}}}),
        encoding="utf-8",
    )
    path = _spec(tmp_path, {"Property": {"type": "object", "properties": {"address": {"$ref": "schemas/common.json#/Address"}}}})
    result = bundle(build_index(load_spec(str(path))))
    assert result.unresolved == ()
    refs = _refs(result.data)
    assert all(r.startswith("#") for r in refs), refs
    assert f"#/{BUNDLE_KEY}/f0/Address" in refs and f"#/{BUNDLE_KEY}/f0/Uprn" in refs
    assert result.data[BUNDLE_KEY]["f0"]["Uprn"]["pattern"] == "^[0-9]{1,12}$"


@pytest.mark.parametrize("ref", ["../outside/secret.json#/X", "file:///etc/passwd", "https://schemas.invalid/x.json#/X", "missing.json#/X", "http://[oops/x.json"])
def test_refs_the_spec_stage_did_not_read_are_dropped_and_listed(tmp_path: Path, ref: str) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.json").write_text(json.dumps({"X": {"description": SENTINEL}}), encoding="utf-8")
    (tmp_path / "spec").mkdir()
    path = _spec(tmp_path / "spec", {"Property": {"type": "object", "properties": {"x": {"$ref": ref}}}})
    result = bundle(build_index(load_spec(str(path))))
    assert result.unresolved == (ref,)
    assert _refs(result.data) == ["#/components/schemas/Property"]
    assert SENTINEL not in json.dumps(result.data)


def test_base_changing_keywords_and_external_values_are_removed(tmp_path: Path) -> None:
    path = _spec(
        tmp_path,
        {
            "Property": {"$id": "file:///etc/", "$schema": "file:///etc/passwd", "type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            "A": {"type": "string", "examples": ["x"]},
        },
    )
    data = json.loads(path.read_text())
    data["paths"]["/v1/properties"]["get"]["responses"]["200"]["content"]["application/json"]["examples"] = {"e": {"externalValue": "https://example.invalid/e.json"}}
    path.write_text(json.dumps(data))
    result = bundle(build_index(load_spec(str(path))))
    prop = result.data["components"]["schemas"]["Property"]
    assert "$id" not in prop and "$schema" not in prop
    assert result.dropped_external_values == 1
    assert "externalValue" not in json.dumps(result.data)
    assert load_spec(str(path)).data["components"]["schemas"]["Property"]["$id"] == "file:///etc/"  # the index is untouched


_PROBE = """
import json, sys
import schemathesis
from schemathesis.engine import from_schema
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and "secret.json" in str(args[0]) else None)
schema = schemathesis.openapi.from_dict(json.load(open(sys.argv[1])), config=schemathesis.Config())
for _ in from_schema(schema).execute():  # no base URL: every request fails before the network
    pass
print(json.dumps(opened))
"""


@pytest.mark.parametrize("absolute", [False, True])
def test_schemathesis_opens_no_file_outside_the_spec_folder(tmp_path: Path, absolute: bool) -> None:
    """Schemathesis' engine, given the raw description, opens the file a `$ref` names; given the bundle, it does not."""
    (tmp_path / "spec").mkdir()
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"X": {"type": "string", "description": SENTINEL}}), encoding="utf-8")
    ref = f"{secret.as_uri()}#/X" if absolute else "../secret.json#/X"
    path = _spec(tmp_path / "spec", {"Property": {"type": "object", "properties": {"x": {"$ref": ref}}}})
    raw = tmp_path / "raw.json"
    raw.write_text(json.dumps(load_spec(str(path)).data).replace("../secret.json", str(secret)), encoding="utf-8")
    bundled = tmp_path / "bundled.json"
    bundled.write_text(json.dumps(bundle(build_index(load_spec(str(path)))).data), encoding="utf-8")

    def opened(spec: Path) -> list[str]:
        out = subprocess.run([sys.executable, "-c", _PROBE, str(spec)], capture_output=True, text=True, timeout=120, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert opened(raw), "the probe must see schemathesis open the file when it is handed the raw description"
    assert opened(bundled) == []
