#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of one test bed guest from its console log.

Reads the "@@testbed: " markers printed by testbed/guest-init.sh and counts:
  - kselftest TAP inside each "selftest begin/end" section: one result per
    "ok N name", "not ok N name" or "ok N name # SKIP reason" line (not the
    "# Totals" line);
  - KUnit KTAP between the "kunit begin/end" markers (the debugfs copy is
    only a fallback): one result per case line (4-space indented "ok N
    case"; deeper lines are the params of a parameterised case and are
    not counted);
  - synthetic guest checks: every module loaded, each selftest program
    ran to completion, modules unloaded (on the builtin guest, which
    loads none: no fwctl module listed), console clean, taint, guest
    reached the end.

Nothing that did not run may count as a pass:
  - every plan is checked: a program's "1..N", a KUnit suite's "1..N" and
    the top-level KTAP plan of suites; a shortfall is one failure that
    says how many results are missing;
  - "1..0 # SKIP reason" (a whole program skipped) counts as one skip with
    its reason, if the program exited 0 or 4 (KSFT_SKIP);
  - a program that printed no result, ended without its end marker, timed
    out, exited other than 0 or 4, or exited 4 without skipping every
    test, fails; so does "Bail out!";
  - a KUnit suite that says "not ok" with no failing case fails, as does
    one that reported no case or never printed its result line;
  - with --expect-selftests and --expect-kunit (what the host put in the
    initramfs), every expected program and KUnit suite that did not report
    at all fails.
With --docs, each policy table of the driver pages (an rst table right
after a ".. fwctl-policy: DRIVER" comment) must equal the policy the
driver's KUnit suite derived from the driver's own checks and printed as
"policy DRIVER key=value ..." lines: one result per table.
Prints a table and every failure with the console lines behind it, and
writes "PASS FAIL SKIP" to --summary.
"""

import argparse
import glob
import os
import re
import sys

MARK = "@@testbed: "
TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
# A TAP/KTAP result: "ok|not ok NUM [description] [# [DIRECTIVE] [reason]]".
# The description may be empty ("ok 3 # SKIP reason" from ksft_exit_skip);
# "#  text" without a directive is a plain comment on the result.
RESULT = re.compile(r"^(not )?ok (\d+)\b\s*(.*?)\s*(?:#\s*(.*))?$")
DIRECTIVES = ("SKIP", "XFAIL", "XPASS", "TODO", "TIMEOUT")
# A plan, "1..N", maybe "1..0 # SKIP reason".
PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*))?$")
BAD = re.compile(
    r"BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|possible circular locking"
    r"|possible recursive locking|inconsistent lock state|suspicious RCU usage"
    r"|INFO: task .* blocked|Call Trace:|kmemleak: .* new suspected memory leaks"
    r"|Kernel panic")
TAINT_LETTERS = "PFSRMBUDAWCIOELKXTNJ"
FWCTL_MODULES = ("fwctl", "fwctl_mock", "fwctl_kunit", "cxl_core", "cxl_mock",
                 "cxl_mock_mem", "cxl_test", "cxl_features_kunit", "mlx5_fwctl",
                 "mlx5_fwctl_kunit", "pds_fwctl", "pds_fwctl_kunit")


class Results:
    def __init__(self):
        self.rows = []  # (group, name, status, detail lines)

    def add(self, group, name, status, detail=()):
        self.rows.append((group, name, status, list(detail)))

    def count(self, status, group=None):
        return sum(1 for r in self.rows if r[2] == status and group in (None, r[0]))


def strip_ts(line):
    return TS.sub("", line, count=1)


def parse(lines, expected_taint, expected_selftests=None, expected_kunit=None):
    res = Results()
    marks = []  # (index, text)
    for i, line in enumerate(lines):
        pos = line.find(MARK)
        if pos >= 0:
            marks.append((i, line[pos + len(MARK):].strip()))

    def section(begin, end_prefix, start=0):
        """Line range after the marker `begin` up to the next `end_prefix`."""
        for k, (i, text) in enumerate(marks):
            if i >= start and text == begin:
                for j, t in marks[k + 1:]:
                    if t.startswith(end_prefix):
                        return i + 1, j, t
                return i + 1, len(lines), None
        return None

    # Module loads.
    for i, text in marks:
        m = re.match(r"insmod (\S+) rc=(\S+)", text)
        if m:
            ok = m.group(2) == "0"
            res.add("guest", f"module {m.group(1)} loaded", "pass" if ok else "fail",
                    [] if ok else lines[max(0, i - 10):i + 1])

    # KUnit, from the console KTAP; the debugfs copy is only a fallback.
    sec = section("kunit begin", "kunit end")
    if sec:
        body = [strip_ts(x) for x in lines[sec[0]:sec[1]]]
        rows, n, suites = count_kunit(body)
        if n == 0:
            rows, suites = [], []
            for i, text in marks:
                if text.startswith("kunit-debugfs begin"):
                    s = section(text, "kunit-debugfs end", i)
                    r, k, names = count_kunit(lines[s[0]:s[1]])
                    rows += r
                    n += k
                    suites += names
        for row in rows:
            res.add("kunit", *row)
        if n == 0:
            want = ", ".join(expected_kunit or [])
            res.add("kunit", "KUnit results present", "fail",
                    ([f"expected suites: {want}"] if want else [])
                    + ["no KTAP result lines between the kunit markers:"] + body[-30:])
        else:
            for name in expected_kunit or []:
                if name not in suites:
                    res.add("kunit", f"suite {name}", "fail",
                            [f"KUnit suite {name} did not report; reported: "
                             + (", ".join(suites) or "none")])
    elif expected_kunit is not None:
        # The module was in the initramfs but its tests never started.
        for name in [f"suite {x}" for x in expected_kunit] or ["KUnit module"]:
            res.add("kunit", name, "fail",
                    ["did not report: no 'kunit begin' marker in the log"])

    # Selftest programs. The output of one is up to the next marker, which
    # guest-init.sh prints only once the program ended: its end marker.
    ran = []
    for k, (i, text) in enumerate(marks):
        m = re.match(r"selftest begin (\S+)$", text)
        if not m:
            continue
        prog = m.group(1)
        ran.append(prog)
        j, after = marks[k + 1] if k + 1 < len(marks) else (len(lines), "")
        m = re.match(rf"selftest end {re.escape(prog)} rc=(\S+)$", after)
        count_kselftest(prog, lines[i + 1:j], m.group(1) if m else None, res)
    for prog in expected_selftests or []:
        if prog not in ran:
            res.add("guest", f"selftest program {prog}", "fail",
                    [f"{prog}: in the initramfs but never started"
                     f" (no 'selftest begin {prog}' marker)"])

    # Unload. The builtin guest's kernel has fwctl linked in: there, no
    # fwctl module may be loaded at all.
    begin = next((t for _, t in marks if t.startswith("begin ")), "")
    builtin = "kind=builtin" in begin.split()
    rm = [(i, t) for i, t in marks if t.startswith("rmmod ")]
    bad = [lines[i] for i, t in rm if not t.endswith("rc=0")]
    sec = section("modules begin", "modules end")
    if sec:
        left = [x for x in lines[sec[0]:sec[1]] if x.split(" ")[0] in FWCTL_MODULES]
        bad += [f"still loaded: {x}" for x in left]
    else:
        bad.append("module list never printed")
    if builtin:
        bad += [lines[i] for i, t in marks if t.startswith("insmod ")]
        res.add("guest", "no fwctl module loaded (built in)", "fail" if bad else "pass", bad)
    else:
        res.add("guest", "modules unloaded", "fail" if bad or not rm else "pass", bad)

    # Console clean, including a non-empty kmemleak report.
    offending = []
    for i, line in enumerate(lines):
        if MARK not in line and BAD.search(line):
            offending.append(i)
    sec = section("kmemleak begin", "kmemleak end")
    leak = [x for x in lines[sec[0]:sec[1]] if x.strip()] if sec else []
    detail = []
    shown = -1
    blocks = 0
    for i in offending:
        if i <= shown:
            continue
        blocks += 1
        if blocks > 10:
            detail.append(f"... and more, from console line {i + 1} on")
            break
        # The matching line and the rest of its report, up to the end of
        # the trace, the next marker, or 40 lines.
        j = i
        while j + 1 < len(lines) and j - i < 40 and MARK not in lines[j + 1]:
            j += 1
            if "---[ end trace" in lines[j]:
                break
        detail += [f"console:{k + 1}: {lines[k]}" for k in range(i, j + 1)]
        shown = j
    if leak:
        detail += ["kmemleak report:"] + leak[:60]
    res.add("guest", "console clean", "fail" if offending or leak else "pass", detail)

    # Taint.
    sec = section("tainted begin", "tainted end")
    vals = [x.strip() for x in lines[sec[0]:sec[1]] if x.strip().isdigit()] if sec else []
    if not vals:
        res.add("guest", "taint", "fail", ["taint value never printed"])
    else:
        val = int(vals[0])
        allowed = sum(1 << b for b in expected_taint)
        extra = val & ~allowed
        letters = "".join(TAINT_LETTERS[b] if b < len(TAINT_LETTERS) else "?"
                          for b in range(32) if val >> b & 1)
        res.add("guest", "taint", "fail" if extra else "pass",
                [f"tainted={val} ({letters}), unexpected bits: "
                 + ", ".join(str(b) for b in range(32) if extra >> b & 1)] if extra else [])

    # Reached the end.
    end = any(t == "end" for _, t in marks)
    res.add("guest", "guest reached the end marker", "pass" if end else "fail",
            [] if end else ["last console lines:"] + lines[-40:])
    return res


def tap_result(line):
    """(status, number, description, reason) of a TAP result line, or None.

    status is "pass", "fail" or "skip": SKIP skips, TIMEOUT and "not ok"
    fail (also with TODO), XFAIL and XPASS count as passes as the kselftest
    harness counts them."""
    m = RESULT.match(line)
    if not m:
        return None
    comment = m.group(4) or ""
    word = comment.split(" ", 1)[0].upper()
    directive = word if word in DIRECTIVES else None
    reason = comment[len(word):].strip() if directive else ""
    if directive == "SKIP":
        status = "skip"
    elif m.group(1) or directive == "TIMEOUT":
        status = "fail"
    else:
        status = "pass"
    return status, int(m.group(2)), m.group(3) or f"test {m.group(2)}", reason


def plan_line(line):
    """(count, skip reason or None) of a TAP plan line, or None."""
    m = PLAN.match(line)
    if not m:
        return None
    comment = m.group(2) or ""
    if not comment.upper().startswith("SKIP"):
        return int(m.group(1)), None
    return int(m.group(1)), comment[4:].strip() or "no reason given"


def count_kunit(body):
    """Rows (name, status, detail) of one KUnit KTAP log, the number of
    result lines counted, and the names of the suites seen."""
    rows = []
    names = []
    counted = 0
    planned = 0     # top-level plans: how many suites should report
    reported = 0
    suite = None    # the suite being read: name, plan, cases, failed
    last = 0

    def end_suite(k, result):
        """Close the current suite at body[k], its result line or None."""
        nonlocal reported, last
        s = suite or {"name": None, "plan": None, "cases": 0, "failed": False}
        name = s["name"] or (result[2] if result else "(unnamed)")
        names.append(name)
        reported += 1
        detail = body[last:k + 1]
        failed = s["failed"]
        if s["plan"] is not None and s["cases"] != s["plan"]:
            missing = s["plan"] - s["cases"]
            rows.append((f"suite {name}: all {s['plan']} planned cases reported", "fail",
                         [f"{missing} of {s['plan']} planned cases missing" if missing > 0
                          else f"{s['cases']} cases for a plan of {s['plan']}"] + detail))
            failed = True
        if result is None:
            if not failed:
                rows.append((f"suite {name}", "fail",
                             ["never printed its result line"] + detail))
        elif result[0] == "skip" and s["cases"] == 0:
            rows.append((f"suite {name}", "skip", [result[3]]))
        elif result[0] == "fail" and not failed:
            rows.append((f"suite {name}", "fail",
                         ["reported not ok, but no case failed"] + detail))
        elif result[0] == "pass" and s["cases"] == 0 and not failed:
            rows.append((f"suite {name}", "fail", ["reported no test case"] + detail))
        last = k + 1

    for k, line in enumerate(body):
        indent = len(line) - len(line.lstrip(" "))
        text = line.strip()
        if indent == 0:
            plan = plan_line(text)
            if plan:
                planned += plan[0]
                continue
            r = tap_result(text)
            if r:
                end_suite(k, r)
                suite = None
                counted += 1
        elif indent == 4:
            if text.startswith("KTAP version"):
                continue
            if text.startswith("# Subtest: "):
                if suite:  # the previous suite never printed its result
                    end_suite(k - 1, None)
                suite = {"name": text[len("# Subtest: "):].strip(), "plan": None,
                         "cases": 0, "failed": False}
                continue
            suite = suite or {"name": None, "plan": None, "cases": 0, "failed": False}
            plan = plan_line(text)
            if plan:
                suite["plan"] = plan[0]
                continue
            r = tap_result(text)
            if r:
                status, _, name, reason = r
                rows.append((name, status, body[last:k + 1] if status == "fail" else
                             [reason] if status == "skip" else []))
                suite["cases"] += 1
                suite["failed"] |= status == "fail"
                counted += 1
                last = k + 1
    if suite:
        end_suite(len(body) - 1, None)
    if reported < planned:
        rows.append(("all planned suites reported", "fail",
                     [f"{planned - reported} of {planned} planned suites missing"]
                     + body[-20:]))
    return rows, counted, names


def count_kselftest(prog, body, rc, res):
    """One selftest program's TAP and exit code (None: no end marker)."""
    group = f"selftest {prog}"
    last = 0
    plan = None
    statuses = []
    bailed = False
    for k, raw in enumerate(body):
        line = raw.rstrip()
        if TS.match(line):
            continue  # kernel message interleaved with the test output
        p = plan_line(line)
        if p:
            plan = plan or p
            continue
        if line.startswith("Bail out!"):
            res.add(group, f"{prog}: bailed out", "fail", body[last:k + 1])
            bailed = True
            last = k + 1
            continue
        r = tap_result(line)
        if not r:
            continue
        status, _, name, reason = r
        detail = body[last:k + 1] if status == "fail" else (
            [reason] if status == "skip" else [])
        res.add(group, f"{prog}: {name}", status, detail)
        statuses.append(status)
        last = k + 1

    n = len(statuses)
    if plan is None and n:
        res.add(group, f"{prog}: TAP plan", "fail",
                [f"{n} results but no '1..N' plan"] + body[-20:])
    elif plan and n != plan[0]:
        res.add(group, f"{prog}: all {plan[0]} planned tests reported", "fail",
                [f"{plan[0] - n} of {plan[0]} planned tests missing" if n < plan[0]
                 else f"{n} results for a plan of {plan[0]}"] + body[-20:])

    # The program as a whole: it must have finished, and its exit code
    # must agree with what it reported.
    tests_failed = bailed or "fail" in statuses
    status, why = "fail", None
    if rc is None:
        why = "never finished (guest died?)"
    elif rc in ("124", "143"):
        why = f"timed out (exit code {rc})"
    elif plan and plan[0] == 0 and n == 0 and not bailed:
        if rc in ("0", "4"):
            status, why = "skip", plan[1] or "planned no tests"
        else:
            why = f"planned no tests but exited with {rc}"
    elif n == 0 and not bailed:
        why = f"reported no test result (exit code {rc})"
    elif rc == "0":
        status = "pass"
    elif rc == "4":
        if all(x == "skip" for x in statuses):
            status = "pass"
        else:
            why = "exit code 4 (skip), but not every test skipped"
    elif rc == "1" and tests_failed:
        why = "exit code 1 (failed tests)"
    elif rc.isdigit() and int(rc) > 128:
        why = f"exit code {rc} (killed by signal {int(rc) - 128})"
    else:
        why = f"exit code {rc}" + ("" if tests_failed else ", although no test failed")
    if status == "skip":
        detail = [why]
    elif status == "fail":
        detail = [f"{prog}: {why}"] + ([] if rc == "1" and tests_failed else body[-15:])
    else:
        detail = []
    res.add("guest", f"selftest program {prog}", status, detail)


def uapi_docs(path):
    """Errno names of the DOC block and the @fields of each struct's kernel-doc."""
    with open(path) as f:
        text = f.read()
    errnos = set()
    doc = re.search(r"DOC: General ioctl format(.*?)\*/", text, re.S)
    if doc:
        errnos = set(re.findall(r"^ \* (E[A-Z0-9]+)$", doc.group(1), re.M))
    fields = {}
    for m in re.finditer(r"/\*\*\n \* struct (\w+) - (.*?)\*/", text, re.S):
        fields[m.group(1)] = set(re.findall(r"^ \* @(\w+):", m.group(2), re.M))
    return errnos, fields


def check_spec(lines, marks, res, uapi):
    """The exported specification against the uAPI header's documentation."""
    doc_errnos, doc_fields = uapi_docs(uapi)
    spec_errnos = set()
    seen = 0
    for k, (i, text) in enumerate(marks):
        m = re.match(r"spec begin (\S+)", text)
        if not m:
            continue
        seen += 1
        end = next((j for j, t in marks[k + 1:] if t == "spec end"), len(lines))
        body = [strip_ts(x) for x in lines[i + 1:end]]
        struct = None
        fields = set()
        for rec in body:
            kv = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', rec))
            if rec.startswith("ioctl "):
                struct = kv.get("struct")
            elif rec.startswith("field "):
                fields.add(kv.get("name"))
            elif rec.startswith("errno "):
                spec_errnos.add(kv.get("name"))
        want = doc_fields.get(struct, set())
        ok = struct is not None and fields == want
        res.add("spec", f"{m.group(1)}: fields match the kernel-doc of struct {struct}",
                "pass" if ok else "fail",
                [] if ok else [f"spec: {sorted(fields)}", f"docs: {sorted(want)}"])
    if not seen:
        return
    ok = spec_errnos == doc_errnos
    res.add("spec", "errnos match the uAPI DOC block", "pass" if ok else "fail",
            [] if ok else [f"only in the spec: {sorted(spec_errnos - doc_errnos)}",
                           f"only in the docs: {sorted(doc_errnos - spec_errnos)}"])


# The keys of a policy row: the console line's key=value pairs and the
# columns of the docs table that hold them (the others are names).
POLICY_KEYS = {
    "mlx5": (("opcode", 0), ("op_mod", 1), ("scope", -1)),
    "pds": (("attr", 0), ("scope", -1)),
}
POLICY_LINE = re.compile(r"\bpolicy (\w+) ((?:\w+=\S+\s*)+)$")
TABLE_BORDER = re.compile(r"^=+(\s+=+)+\s*$")


def doc_policies(docdir):
    """{driver: (file, set of key tuples)} of every policy table in docdir;
    the set is None when a driver has more than one table."""
    tables = {}
    for path in sorted(glob.glob(os.path.join(docdir, "*.rst"))):
        with open(path) as f:
            text = f.read().splitlines()
        for i, line in enumerate(text):
            m = re.match(r"^\.\. fwctl-policy: (\w+)\s*$", line)
            if not m:
                continue
            drv = m.group(1)
            cols = POLICY_KEYS.get(drv)
            # border, header, border, rows, border
            borders = [j for j in range(i + 1, len(text)) if TABLE_BORDER.match(text[j])][:3]
            rows = set()
            if cols and len(borders) == 3:
                for row in text[borders[1] + 1:borders[2]]:
                    cells = row.split()
                    if len(cells) >= len(cols):
                        rows.add(tuple(cells[c] for _, c in cols))
            where = os.path.basename(path)
            if drv in tables:
                # Two tables of one driver: neither can be the policy.
                tables[drv] = (f"{tables[drv][0]} and {where}", None)
            else:
                tables[drv] = (where, rows)
    return tables


def check_policies(lines, res, docdir, expected_kunit):
    """Each docs policy table against what the driver's KUnit suite printed."""
    printed = {}
    for line in lines:
        m = POLICY_LINE.search(strip_ts(line))
        if not m or m.group(1) not in POLICY_KEYS:
            continue
        kv = dict(re.findall(r"(\w+)=(\S+)", m.group(2)))
        keys = tuple(kv.get(k, "?") for k, _ in POLICY_KEYS[m.group(1)])
        printed.setdefault(m.group(1), set()).add(keys)
    tables = doc_policies(docdir)
    for drv in sorted(set(tables) | set(printed)):
        name = f"{drv} policy table in the docs matches the driver"
        if drv not in tables:
            res.add("docs", name, "fail", [f"no '.. fwctl-policy: {drv}' table in {docdir}"])
            continue
        path, want = tables[drv]
        if want is None:
            res.add("docs", name, "fail", [f"more than one '.. fwctl-policy: {drv}' table: {path}"])
            continue
        got = printed.get(drv)
        if got is None:
            # Only a run that had the driver's suite must show its policy.
            if f"{drv}_fwctl" in (expected_kunit or []):
                res.add("docs", name, "fail",
                        [f"suite {drv}_fwctl ran but printed no 'policy {drv}' line"])
            continue
        ok = got == want and bool(want)
        res.add("docs", name, "pass" if ok else "fail",
                [] if ok else [f"{path}: {len(want)} rows, the driver: {len(got)}"]
                + [f"only in {path}: {' '.join(x)}" for x in sorted(want - got)][:20]
                + [f"only in the driver: {' '.join(x)}" for x in sorted(got - want)][:20])


def name_list(arg):
    """A comma- or space-separated option as a list; None if not given."""
    return None if arg is None else [x for x in re.split(r"[,\s]+", arg) if x]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--phase", default="guest")
    ap.add_argument("--expected-taint", default="",
                    help="comma-separated taint bits that may be set")
    ap.add_argument("--expect-selftests", metavar="PROG,...",
                    help="selftest programs in the initramfs: each must run")
    ap.add_argument("--expect-kunit", metavar="SUITE,...",
                    help="the KUnit module is in the initramfs and each of these"
                    " suites must report (an empty list: at least one suite)")
    ap.add_argument("--summary", help="write 'PASS FAIL SKIP' to this file")
    ap.add_argument("--uapi", help="uAPI header to check the exported spec against")
    ap.add_argument("--docs", help="directory of the driver pages whose policy tables"
                    " are checked against the KUnit suites' policy lines")
    ap.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    args = ap.parse_args()

    with open(args.log, errors="replace") as f:
        lines = [x.rstrip("\r\n").replace("\r", "") for x in f]
    expected = [int(b) for b in args.expected_taint.split(",") if b.strip()]
    res = parse(lines, expected, name_list(args.expect_selftests),
                name_list(args.expect_kunit))
    if args.uapi:
        marks = [(i, x[x.find(MARK) + len(MARK):].strip())
                 for i, x in enumerate(lines) if MARK in x]
        check_spec(lines, marks, res, args.uapi)
    if args.docs:
        check_policies(lines, res, args.docs, name_list(args.expect_kunit))

    groups = []
    for g, _, _, _ in res.rows:
        if g not in groups:
            groups.append(g)
    print(f"== {args.phase}: results from {args.log}")
    print(f"  {'group':<40} {'pass':>5} {'fail':>5} {'skip':>5}")
    for g in groups:
        print(f"  {g:<40} {res.count('pass', g):>5} {res.count('fail', g):>5} "
              f"{res.count('skip', g):>5}")
    print(f"  {'total':<40} {res.count('pass'):>5} {res.count('fail'):>5} "
          f"{res.count('skip'):>5}")
    for g, name, status, detail in res.rows:
        if status == "skip":
            print(f"  SKIP {args.phase}: {name}: {' '.join(detail).strip()}")
        elif status == "pass" and args.verbose:
            print(f"  PASS {args.phase}: {name}")
    for g, name, status, detail in res.rows:
        if status == "fail":
            print(f"  FAIL {args.phase}: {name}")
            for d in detail:
                print(f"      | {d}")
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(f"{res.count('pass')} {res.count('fail')} {res.count('skip')}\n")
    return 1 if res.count("fail") else 0


if __name__ == "__main__":
    sys.exit(main())
