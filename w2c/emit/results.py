"""Results of a call in generated C (part of the emitter, beside names.py):
none, one value, or several returned in a struct `w2c_ret_<letters>`
(names.result_type) whose fields are r0, r1, ... (templates/module.h.j2).

    call_results(ft, call, store)   the C lines that make `call` and hand
                                    each result to `store`

Its callers: the body emitter (body_ops.call_result, with stack slots as
targets) and the spec harness's driver (tests/spec/driver.py).
"""
from __future__ import annotations

from collections.abc import Callable

from w2c.emit.names import result_type
from w2c.module import FuncType

RESULT_TEMP = "r_"     # the struct temporary of a call with several results


def result_field(i: int) -> str:
    """The field of result i in a w2c_ret_* struct."""
    return f"r{i}"


def call_results(ft: FuncType, call: str, store: Callable[[int, int, str], str]) -> list[str]:
    """C statements that evaluate `call` (a call of a function of type ft)
    and pass each result on: store(i, value_type, c_expression) gives the
    statement for result i.  No results: the call as a statement; one: that
    result's statement with the call as its expression; several: a block
    holding the struct in RESULT_TEMP, then one statement per field
    (indented two spaces)."""
    if not ft.results:
        return [f"{call};"]
    if len(ft.results) == 1:
        return [store(0, ft.results[0], call)]
    lines = [f"{{ {result_type(ft)} {RESULT_TEMP} = {call};"]
    lines += [f"  {store(i, t, f'{RESULT_TEMP}.{result_field(i)}')}"
              for i, t in enumerate(ft.results)]
    lines.append("}")
    return lines
