"""Spec testsuite, decode/validate part: every binary module of every .wast
file through w2c.parse.check_module, against a per-file ratchet.

For each file the counts (modules accepted, assert_malformed/assert_invalid
rejected, with the spec's wording, crashes) and the commands that do not pass
are compared with tests/spec/expectations/decode.json.  A test fails when
anything is worse than recorded and names the wast lines; when something is
better it passes with a warning asking to run scripts/update-spec-expectations.
See docs/spec-conformance.md.
"""
from __future__ import annotations

import functools
import os
import warnings

import pytest

from . import wast

UPDATE_HINT = ("if this is intended, run scripts/update-spec-expectations "
               "--allow-regressions, give each new exception its reason and "
               "commit tests/spec/expectations/decode.json")
TIGHTEN_HINT = ("tighten the ratchet: run scripts/update-spec-expectations and "
                "commit tests/spec/expectations/decode.json")


class SpecImprovement(UserWarning):
    """Something passes that the expectation file records as failing."""


def _params():
    root = wast.testsuite_dir()
    if root is None:
        return [pytest.param(None, None, id="testsuite-missing",
                             marks=pytest.mark.skip(reason=wast.missing_testsuite_reason()))]
    params = []
    for suite in wast.SUITES.values():
        for path in wast.wast_files(suite, root):
            params.append(pytest.param(suite, path, id=suite.test_id(path, root)))
    return params


def _require_tools():
    if wast.testsuite_dir() is None:
        pytest.skip(wast.missing_testsuite_reason())
    if wast.wast2json_version() is None:
        pytest.skip(wast.missing_wast2json_reason())


@functools.lru_cache(maxsize=None)
def _expectations() -> dict:
    return wast.load_expectations(wast.DECODE_EXPECTATIONS)


@functools.lru_cache(maxsize=None)
def _result(suite: wast.Suite, path) -> wast.FileResult:
    script = wast.load_script(path, suite, wast.testsuite_dir())
    return wast.decode_file(script)


@pytest.mark.parametrize("suite, path", _params())
def test_spec_decode(suite, path):
    _require_tools()
    result = _result(suite, path)
    cmp = wast.compare(result, _expectations().get(result.key))
    if cmp.improvements:
        warnings.warn(SpecImprovement(
            "better than recorded:\n  " + "\n  ".join(cmp.improvements)
            + "\n" + TIGHTEN_HINT))
    if cmp.regressions:
        pytest.fail(f"{result.key}: worse than recorded in the decode expectations:\n  "
                    + "\n  ".join(cmp.regressions) + "\n" + UPDATE_HINT, pytrace=False)


def test_spec_decode_expectation_file():
    """Every recorded exception has a reason; no entry for a file that is gone."""
    _require_tools()
    data = _expectations()
    root = wast.testsuite_dir()
    keys = {suite.key(p, root) for suite in wast.SUITES.values()
            for p in wast.wast_files(suite, root)}
    problems = [f"{k}: no such .wast file in {root}" for k in sorted(set(data) - keys)]
    for key, entry in sorted(data.items()):
        for e in entry.get("exceptions", []):
            if not isinstance(e.get("reason"), str) or not e["reason"].strip():
                problems.append(f"{key}:{e.get('line')}: exception without a reason")
    assert not problems, "\n".join(problems)


def test_spec_decode_summary(capsys):
    """Print the totals (the per-file results are memoised, so after the
    per-file tests in the same process this costs nothing).  Under xdist the
    output is not shown: run scripts/update-spec-expectations --summary."""
    _require_tools()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker's output is not shown; nothing to do
    results = [_result(suite, p) for suite in wast.SUITES.values()
               for p in wast.wast_files(suite)]
    table = wast.totals_table(wast.totals(r.counts for r in results), len(results))
    with capsys.disabled():
        print("\n\nSpec testsuite, decode/validate:\n" + table)


# -- the harness itself (no decoder needed) ----------------------------------

def _fake_result(statuses: dict[int, str]) -> wast.FileResult:
    """A file with one valid module (line 1) and malformed modules elsewhere."""
    counts = dict.fromkeys(wast.ALL_COUNTS, 0)
    outcomes = []
    for line, status in sorted(statuses.items()):
        role = "valid" if line == 1 else "malformed"
        prefix = "modules" if role == "valid" else role
        counts[f"{prefix}_total"] += 1
        if status == "crash":
            counts["crashes"] += 1
        elif role == "valid":
            counts["modules_accepted"] += status == "ok"
        elif status in ("ok", "wording"):
            counts["malformed_rejected"] += 1
            counts["malformed_wording_ok"] += status == "ok"
        got = None if status in ("ok", "accepted") and role == "valid" else "DecodeError: x"
        outcomes.append(wast.Outcome(line, "module" if role == "valid" else "assert_malformed",
                                     role, status, None if role == "valid" else "unexpected end",
                                     got, str(line)))
    return wast.FileResult("f.wast", counts, outcomes)


def test_ratchet_compare():
    base = _fake_result({1: "ok", 5: "wording", 7: "ok"})
    entry = wast.make_entry(base)
    assert [e["line"] for e in entry["exceptions"]] == [5]
    assert wast.compare(base, entry).ok
    assert not wast.compare(base, entry).improvements
    # A new wording mismatch on line 7: fails and names the line.
    worse = wast.compare(_fake_result({1: "ok", 5: "wording", 7: "wording"}), entry)
    assert not worse.ok
    assert any(r.startswith("f.wast:7: assert_malformed [wording]") for r in worse.regressions)
    assert any("malformed_wording_ok went from 1 to 0" in r for r in worse.regressions)
    # Line 5 fixed: passes, noted as an improvement.
    better = wast.compare(_fake_result({1: "ok", 5: "ok", 7: "ok"}), entry)
    assert better.ok and any("f.wast:5" in i for i in better.improvements)
    # Fixed one, broke another with the same counts: still a regression.
    swap = wast.compare(_fake_result({1: "ok", 5: "ok", 7: "wording"}), entry)
    assert not swap.ok
    # A crash, a rejected valid module, a changed total.
    assert not wast.compare(_fake_result({1: "crash", 5: "wording", 7: "ok"}), entry).ok
    assert not wast.compare(_fake_result({1: "rejected", 5: "wording", 7: "ok"}), entry).ok
    assert not wast.compare(_fake_result({1: "ok", 5: "wording"}), entry).ok
    # No entry at all: fine if everything passes.
    assert wast.compare(_fake_result({1: "ok"}), None).ok
    assert not wast.compare(base, None).ok


def test_make_entry_keeps_reasons():
    old = wast.make_entry(_fake_result({1: "ok", 5: "wording", 7: "accepted"}))
    old["exceptions"][0]["reason"] = "spec interpreter says X, we say Y"
    old["exceptions"][1]["reason"] = "needs the data count check"
    new = wast.make_entry(_fake_result({1: "ok", 5: "wording", 7: "wording"}), old)
    by_line = {e["line"]: e for e in new["exceptions"]}
    assert by_line[5]["reason"] == "spec interpreter says X, we say Y"
    assert by_line[7]["reason"].startswith(wast.UNEXPLAINED)
    assert "needs the data count check" in by_line[7]["reason"]
    text = wast.dump_expectations({"f.wast": new})
    assert text == wast.dump_expectations({"f.wast": new})  # stable
    assert text.endswith("\n")


def test_convert_is_cached_and_race_free(tmp_path):
    _require_tools()
    from concurrent.futures import ThreadPoolExecutor
    src = wast.testsuite_dir() / "forward.wast"
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda _: wast.convert(src, (), tmp_path), range(4)))
    assert len(set(paths)) == 1 and paths[0].is_file()
    assert [p.name for p in tmp_path.iterdir()] == [paths[0].parent.name]
    script = wast.load_script(src, wast.SUITES["core"], wast.testsuite_dir(), tmp_path)
    assert script.key == "forward.wast"
    mods = list(script.module_commands())
    assert mods and all(m.module_path.is_file() for m in mods)


def test_decode_file_classifies(tmp_path):
    """decode_file with a stand-in checker: roles, wording prefix, crashes."""
    _require_tools()
    from w2c.errors import DecodeError
    src = wast.testsuite_dir() / "binary.wast"
    script = wast.load_script(src, wast.SUITES["core"], wast.testsuite_dir())
    cmds = {c.module_path.name: c for c in script.module_commands()}

    def check(data, features):
        # Valid modules start with the magic + version and have no junk;
        # treat the empty module as a crash and everything else as malformed.
        if data == b"":
            raise IndexError("boom")
        if data == b"\0asm\1\0\0\0":
            return None
        raise DecodeError("unexpected end of section or function")

    r = wast.decode_file(script, check=check)
    c = r.counts
    assert c["malformed_total"] + c["modules_total"] == len(cmds)
    assert c["crashes"] == 1
    assert 0 < c["malformed_wording_ok"] < c["malformed_rejected"]
    crash = [o for o in r.outcomes if o.status == "crash"][0]
    assert crash.got == "IndexError: boom" and crash.line == 6
