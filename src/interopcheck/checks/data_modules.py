"""`data.modules`: the product offers every module the tender requires (HSG-DATA-15).

The tender's modules come from `--require-modules`, the borough overlay, or (by default) every
module; the product's from the declaration's `modules` (absent: every module). The engine works
both out once and puts them on `ctx.scope`.
"""

from __future__ import annotations

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, failed, not_applicable, passed
from interopcheck.model import Finding

_FROM = {"flag": "--require-modules", "overlay": "the borough overlay", "default": "the default: every module"}


@check("data.modules", title="The product offers every module the tender requires", family="data", needs=("declaration",))
def modules_offered(ctx: CheckContext) -> Decision:
    """Every required module is among the declaration's `modules`; a declaration without `modules` offers them all."""
    assert ctx.declaration is not None
    scope = ctx.scope
    if not scope.required and not scope.offered:
        return not_applicable("the profile defines no modules")
    source = _FROM.get(scope.required_from, scope.required_from)
    required = ", ".join(scope.required) or "none"
    missing = [m for m in scope.required if m not in scope.offered]
    if missing:
        line = ctx.declaration.line_of(["modules"])
        where = f" ({ctx.declaration.source}:{line})" if line else ""
        findings = [
            Finding(
                f"the tender requires module {m} ({source}), but the declaration's modules{where} do not offer it",
                data={"module": m, "required_from": scope.required_from, "offered": list(scope.offered)},
            )
            for m in missing
        ]
        return failed(f"required module{'s' if len(missing) > 1 else ''} not offered: {', '.join(missing)}", findings)
    figures = Finding(
        f"required ({source}): {required}; offered: {', '.join(scope.offered)}",
        data={"required": list(scope.required), "required_from": scope.required_from, "offered": list(scope.offered), "offered_from": scope.offered_from},
    )
    if scope.offered_from == "default":
        return passed(f"the declaration lists no modules, so it offers every module; required: {required}", [figures])
    return passed(f"the product offers every required module: {required}", [figures])
