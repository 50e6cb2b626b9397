"""Line numbers of JSON pointers in JSON and YAML text."""

from __future__ import annotations

import json

from interopcheck.spec.lines import JsonLineFinder, YamlLineFinder, line_finder

JSON_TEXT = """{
  "openapi": "3.0.3",
  "info": {"title": "a { tricky } [title]", "version": "1"},
  "paths": {
    "/v1/properties": {
      "get": {
        "parameters": [
          {"name": "page", "in": "query"},
          {
            "name": "updated_since",
            "in": "query"
          }
        ],
        "responses": {"200": {"description": "quote \\" and brace {"}}
      }
    },
    "a~b": 1,
    "esc\\u0061ped": [10, [20, 30], {"k": null}]
  }
}
"""

YAML_TEXT = """openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /v1/properties:
    get:
      parameters:
        - name: page
          in: query
        - name: updated_since
          in: query
      responses:
        200:
          description: ok
  a~b: 1
"""


def test_json_lines_of_keys_items_and_escapes() -> None:
    json.loads(JSON_TEXT)  # the fixture is real JSON
    find = JsonLineFinder(JSON_TEXT.encode())
    assert find("") == 1
    assert find("/openapi") == 2
    assert find("/info/version") == 3
    assert find("/paths/~1v1~1properties/get") == 6
    assert find("/paths/~1v1~1properties/get/parameters/0") == 8
    assert find("/paths/~1v1~1properties/get/parameters/1/in") == 11
    assert find("/paths/~1v1~1properties/get/responses/200/description") == 14
    assert find("/paths/a~0b") == 17
    assert find("/paths/escaped/1/1") == 18
    assert find("#/paths/escaped/2/k") == 18


def test_json_missing_pointers_give_none() -> None:
    find = JsonLineFinder(JSON_TEXT.encode())
    assert find("/nope") is None
    assert find("/paths/~1v1~1properties/get/parameters/7") is None
    assert find("/openapi/deeper") is None
    assert find("no-slash") is None


def test_json_duplicate_key_points_at_the_first() -> None:
    find = JsonLineFinder(b'{\n"a": 1,\n"a": 2\n}')
    assert find("/a") == 2


def test_yaml_lines() -> None:
    find = YamlLineFinder(YAML_TEXT)
    assert find("") == 1
    assert find("/info/version") == 4
    assert find("/paths/~1v1~1properties/get/parameters/1") == 11
    assert find("/paths/~1v1~1properties/get/parameters/1/in") == 12
    assert find("/paths/~1v1~1properties/get/responses/200/description") == 15
    assert find("/paths/a~0b") == 16
    assert find("/paths/nope") is None
    assert find("/paths/~1v1~1properties/get/parameters/9") is None


def test_line_finder_picks_by_format() -> None:
    assert isinstance(line_finder(JSON_TEXT, "json"), JsonLineFinder)
    assert isinstance(line_finder(YAML_TEXT.encode(), "yaml"), YamlLineFinder)
    assert line_finder(YAML_TEXT, "yaml")("/paths") == 5


def test_json_finder_copes_with_a_large_document() -> None:
    doc = {"paths": {f"/p{i}": {"get": {"responses": {"200": {"description": "x" * 20}}}} for i in range(20_000)}}
    text = json.dumps(doc, indent=1)
    find = JsonLineFinder(text.encode())
    expected = text.splitlines().index('  "/p19999": {') + 1
    assert find("/paths/~1p19999") == expected
    assert find("/paths/~1p19999/get/responses/200/description") == expected + 4
