"""Render a profile as the interoperability annex a borough puts into a tender: Markdown, HTML or DOCX.

The annex cites the same requirement IDs the conformance report later cites, and says for each one
how it will be tested, so suppliers know before bidding exactly what will be checked. The content is
built once (profile/annex_model.py); each format's writer only lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from interopcheck.errors import UsageError
from interopcheck.profile.annex_model import build_annex
from interopcheck.profile.annex_text import registered_titles
from interopcheck.profile.load import Profile

Format = Literal["md", "html", "docx"]
FORMATS: tuple[str, ...] = ("md", "html", "docx")
EXTENSIONS = {"md": ".md", "html": ".html", "docx": ".docx"}


def split_annex_formats(value: str) -> tuple[str, ...]:
    """`md,html,docx` as a tuple of known formats, in order, without repeats; a UsageError naming an unknown one."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown annex format {', '.join(unknown) or repr(value)}", hint=f"use {', '.join(FORMATS)}, comma-separated")
    return formats


def render_annex_bytes(
    profile: Profile,
    formats: Sequence[str],
    check_titles: Mapping[str, str] | None = None,
    core: Profile | None = None,
) -> dict[str, bytes]:
    """Every wanted format of the annex, rendered in memory (so a failing writer leaves no file behind)."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown annex format {fmt!r}", hint=f"use {', '.join(FORMATS)}")
    annex = build_annex(profile, dict(check_titles) if check_titles is not None else registered_titles(), core)
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "md":
            from interopcheck.profile.annex_markdown import render_markdown

            out[fmt] = render_markdown(annex).encode("utf-8")
        elif fmt == "html":
            from interopcheck.profile.annex_html import render_html

            out[fmt] = render_html(annex).encode("utf-8")
        else:
            from interopcheck.profile.annex_docx import render_docx

            out[fmt] = render_docx(annex)
    return out


def render_annex(
    profile: Profile, fmt: Format | str = "md", check_titles: Mapping[str, str] | None = None, core: Profile | None = None
) -> str:
    """The annex for `profile` as Markdown (`md`) or a self-contained HTML page (`html`); with `core`, departures marked."""
    if fmt not in ("md", "html"):
        raise UsageError(f"unknown annex format {fmt!r}", hint="use md or html (docx is bytes: render_annex_bytes)")
    return render_annex_bytes(profile, [fmt], check_titles, core)[fmt].decode("utf-8")
