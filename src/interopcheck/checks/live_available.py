"""Whether the sandbox serves test data (HSG-API-11), judged on its data operations' first pages.

Not a check itself (`live_http.reachable` is): this module sorts each data operation's answer by
whose the cause is, so that a failure is only ever the sandbox's own (a server error, a dropped
connection, an empty declared collection), while our causes (no credentials given, our limits) and
the evaluator's (credentials the sandbox refuses) skip or error with the reason. The base URL `/`
is not a data operation: real APIs answer 404 there, or redirect to their documentation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interopcheck.checks.live_walk import finding_from_error
from interopcheck.checks.results import Decision, errored, failed, passed
from interopcheck.declaration import pointer_get
from interopcheck.errors import AuthError, LiveError
from interopcheck.live.client import LiveResponse
from interopcheck.live.failures import ResponseTooLarge, RunDeadlineExceeded
from interopcheck.model import Finding, Status

#: Whose the cause of an answer without records is.
SANDBOX = ("fault", "empty")
OURS = ("no-credentials", "refused", "ours", "unclear")


@dataclass(frozen=True)
class DataTarget:
    """A data operation to read the first page of: declared (with its records pointer) or from the description."""

    path: str
    records_pointer: str | None
    declared: bool
    required_query: tuple[str, ...] = ()  # required query parameters we do not send


@dataclass(frozen=True)
class DataAnswer:
    """One data operation's answer, sorted: `kind` is data, fault, empty, no-credentials, refused, ours or unclear."""

    target: DataTarget
    kind: str
    finding: Finding
    records: int = 0


def _count_records(body: Any, pointer: str | None) -> int | None:
    """Records in a page: the declared record array's length; undeclared, a top-level array or the first
    non-empty array of objects within two levels (`data`, `_embedded.items`...). None when there is none."""
    if pointer:
        found = pointer_get(body, pointer)
        return len(found) if isinstance(found, list) else None
    if isinstance(body, list):
        return len(body) or None
    level = [body]
    for _ in range(3):
        nxt: list[Any] = []
        for node in level:
            values = node.values() if isinstance(node, dict) else ()
            for value in values:
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    return len(value)
                if isinstance(value, dict):
                    nxt.append(value)
        level = nxt
    return None


def _judge_error(target: DataTarget, exc: LiveError) -> DataAnswer:
    """A request that got no usable answer: our limits and refused credentials are ours, the rest the sandbox's."""
    finding = finding_from_error(f"GET {target.path} could not be read", exc)
    if isinstance(exc, AuthError):
        return DataAnswer(target, "refused", finding)
    if isinstance(exc, (RunDeadlineExceeded, ResponseTooLarge)):
        return DataAnswer(target, "ours", finding)
    return DataAnswer(target, "fault", finding)  # dropped or refused connection, timeout, redirect off the origin


def judge_data_answer(target: DataTarget, answer: LiveResponse | LiveError, auth_kind: str) -> DataAnswer:
    """Sort one data operation's first page by whose its cause is (see `DataAnswer.kind`)."""
    if isinstance(answer, LiveError):
        return _judge_error(target, answer)
    what = f"GET {target.path}"
    status = answer.status
    if 200 <= status < 300:
        try:
            count = _count_records(answer.json(), target.records_pointer)
        except LiveError:
            count = None
        if count:
            return DataAnswer(target, "data", Finding(f"{what} -> {status} with {count} records", exchange=answer.exchange), count)
        where = f"no records at {target.records_pointer}" if target.records_pointer else "no array of records"
        return DataAnswer(target, "empty" if target.declared else "unclear", Finding(f"{what} answered HTTP {status} with {where}", exchange=answer.exchange))
    finding = Finding(f"{what} answered HTTP {status}", exchange=answer.exchange)
    if status >= 500:
        return DataAnswer(target, "fault", finding)
    if status in (401, 403):
        return DataAnswer(target, "no-credentials" if auth_kind == "none" else "refused", finding)
    if status == 429:
        return DataAnswer(target, "ours", Finding(f"{what} answered HTTP 429: our request rate was refused (lower --rate)", exchange=answer.exchange))
    if status == 400 and target.required_query:
        return DataAnswer(target, "ours", Finding(f"{what} answered HTTP 400: we did not send its required query parameters ({', '.join(target.required_query)})", exchange=answer.exchange))
    return DataAnswer(target, "unclear", finding)  # 404, 405, 400...: a missing operation, or a base URL that is not the API's root


def _which(declared: bool, n: int) -> str:
    return f"the {n} declared collections" if declared else f"the {n} sampled GET operations without path parameters of the description"


def availability_decision(answers: list[DataAnswer], *, declared: bool, no_credentials: bool, base: list[Finding]) -> Decision:
    """Pass on one data operation with records; fail when every one failed by the sandbox's fault; else skip or error, saying whose the cause is."""
    n = len(answers)
    data = [a for a in answers if a.kind == "data"]
    evidence = [a.finding for a in data] + [a.finding for a in answers if a.kind != "data"] + base
    if data:
        names = ", ".join(f"GET {a.target.path}" for a in data[:3]) + (f" and {len(data) - 3} more" if len(data) > 3 else "")
        return passed(f"{len(data)} of the {n} data operations answered with records ({names}): {_which(declared, n)} were read", evidence)
    findings = [a.finding for a in answers]
    if all(a.kind in SANDBOX for a in answers):
        faults = sum(a.kind == "fault" for a in answers)
        empty = n - faults
        if not empty:
            cause = "server errors or failed connections"
        elif not faults:
            cause = "no records: the sandbox holds no test data"
        else:
            cause = f"server errors or failed connections ({faults}) or no records ({empty})"
        return failed(f"every one of the {n} data operations failed with the sandbox's fault ({_which(declared, n)}): {cause}; GDS asks for an API test service with useful test data", findings, base)
    kinds = {a.kind for a in answers}
    sandbox_side = sum(a.kind in SANDBOX for a in answers)
    also = f"; {sandbox_side} failed with the sandbox's fault" if sandbox_side else ""
    if "no-credentials" in kinds and no_credentials:
        shut = sum(a.kind == "no-credentials" for a in answers)
        why = f"no credentials given: {shut} of the {n} data operations answered 401/403, so whether the sandbox holds test data was not tested{also}"
        return Decision(Status.SKIP, why, (), tuple(evidence))
    if "refused" in kinds:
        shut = sum(a.kind == "refused" for a in answers)
        return errored(f"the credentials given were refused: {shut} of the {n} data operations answered 401/403 or the token could not be had; check the credentials (the cause is the evaluator's or the sandbox's token handling, not the data){also}", findings)
    if "ours" in kinds:
        return errored(f"no data operation answered with records, for causes of ours (our limits, our request rate, parameters we do not send){also}", findings)
    if declared:
        return errored(f"no data operation answered with records, and not for the sandbox's fault alone: an HTTP 4xx may be a missing operation or a base URL that is not the API's root{also}", findings)
    return Decision(
        Status.SKIP,
        f"no data operation answered with records we could recognise ({_which(declared, n)}; without a declaration, records are an array of objects){also}; declare the collections to judge the test data",
        (),
        tuple(evidence),
    )
