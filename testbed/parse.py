#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of one test bed guest from its console log.

Reads the "@@testbed: " markers printed by testbed/guest-init.sh and counts:
  - kselftest harness lines "ok N name", "not ok N name", "ok N name # SKIP"
    inside each "selftest begin/end" section (the per-test lines, not the
    "# Totals" line);
  - KUnit case lines (4-space indented "ok N case" under a suite; deeper
    lines are the params of a parameterised case and are not counted);
  - synthetic guest checks: every module loaded, each selftest program
    exited 0 or 4 (skip), modules unloaded, console clean, taint, guest
    reached the end.
Prints a table and every failure with the console lines behind it, and
writes "PASS FAIL SKIP" to --summary.
"""

import argparse
import re
import sys

MARK = "@@testbed: "
TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
KSFT = re.compile(r"^(not )?ok (\d+) (.*?)(?:\s+#\s*(SKIP|XFAIL|XPASS|TODO|TIMEOUT)\b\s*(.*))?$")
KUNIT_CASE = re.compile(r"^    (not )?ok (\d+) (.*?)(?:\s+#\s*(SKIP)\b\s*(.*))?$")
KUNIT_SUITE = re.compile(r"^(not )?ok (\d+) (.*?)(?:\s+#\s*(SKIP)\b\s*(.*))?$")
BAD = re.compile(
    r"BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|possible circular locking"
    r"|possible recursive locking|inconsistent lock state|suspicious RCU usage"
    r"|INFO: task .* blocked|Call Trace:|kmemleak: .* new suspected memory leaks"
    r"|Kernel panic")
TAINT_LETTERS = "PFSRMBUDAWCIOELKXTNJ"
FWCTL_MODULES = ("fwctl", "fwctl_mock", "fwctl_kunit")


class Results:
    def __init__(self):
        self.rows = []  # (group, name, status, detail lines)

    def add(self, group, name, status, detail=()):
        self.rows.append((group, name, status, list(detail)))

    def count(self, status, group=None):
        return sum(1 for r in self.rows if r[2] == status and group in (None, r[0]))


def strip_ts(line):
    return TS.sub("", line, count=1)


def parse(lines, expected_taint):
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
        n = count_kunit(body, res, "kunit")
        if n == 0:
            for i, text in marks:
                if text.startswith("kunit-debugfs begin"):
                    s = section(text, "kunit-debugfs end", i)
                    n += count_kunit(lines[s[0]:s[1]], res, "kunit")
        if n == 0:
            res.add("kunit", "KUnit results present", "fail",
                    ["no KTAP case lines between the kunit markers:"] + body[-30:])

    # Selftest programs.
    for i, text in marks:
        m = re.match(r"selftest begin (\S+)", text)
        if not m:
            continue
        prog = m.group(1)
        s = section(text, f"selftest end {prog}", i)
        body = lines[s[0]:s[1]]
        count_kselftest(prog, body, res)
        rc = None
        if s[2]:
            rc = re.search(r"rc=(\S+)", s[2]).group(1)
        ok = rc in ("0", "4")
        why = {None: "never finished (guest died?)", "124": "timed out",
               "143": "timed out", "1": "exit code 1 (failed tests)"}.get(rc, f"exit code {rc}")
        tail = [] if rc == "1" else body[-15:]
        res.add("guest", f"selftest program {prog} exited 0 or 4",
                "pass" if ok else "fail", [] if ok else [f"{prog}: {why}"] + tail)

    # Unload.
    rm = [(i, t) for i, t in marks if t.startswith("rmmod ")]
    bad = [lines[i] for i, t in rm if not t.endswith("rc=0")]
    sec = section("modules begin", "modules end")
    if sec:
        left = [x for x in lines[sec[0]:sec[1]] if x.split(" ")[0] in FWCTL_MODULES]
        bad += [f"still loaded: {x}" for x in left]
    else:
        bad.append("module list never printed")
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


def count_kunit(body, res, group):
    n = 0
    last = 0
    suite_cases = 0
    for k, line in enumerate(body):
        m = KUNIT_CASE.match(line)
        if m:
            status = "skip" if m.group(4) else ("fail" if m.group(1) else "pass")
            res.add(group, m.group(3), status, body[last:k + 1] if status == "fail" else
                    [m.group(5) or ""] if status == "skip" else [])
            n += 1
            suite_cases += 1
            last = k + 1
            continue
        m = KUNIT_SUITE.match(line)
        if m and not line.startswith(" "):
            # A suite that failed before running any case (init error).
            if m.group(1) and suite_cases == 0:
                res.add(group, f"suite {m.group(3)}", "fail", body[last:k + 1])
                n += 1
            suite_cases = 0
            last = k + 1
    return n


def count_kselftest(prog, body, res):
    last = 0
    planned = None
    seen = 0
    for k, raw in enumerate(body):
        line = raw.rstrip()
        if TS.match(line):
            continue  # kernel message interleaved with the test output
        m = re.match(r"^1\.\.(\d+)$", line)
        if m:
            planned = int(m.group(1))
            continue
        m = KSFT.match(line)
        if not m:
            continue
        directive = m.group(4)
        if directive == "SKIP":
            status = "skip"
        elif m.group(1) or directive == "TIMEOUT":
            status = "fail"
        else:
            status = "pass"
        name = f"{prog}: {m.group(3)}"
        detail = body[last:k + 1] if status == "fail" else (
            [m.group(5) or ""] if status == "skip" else [])
        res.add(f"selftest {prog}", name, status, detail)
        seen += 1
        last = k + 1
    if planned is not None and seen < planned:
        res.add(f"selftest {prog}", f"{prog}: all {planned} planned tests reported", "fail",
                [f"only {seen} of {planned} results"] + body[-20:])


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--phase", default="guest")
    ap.add_argument("--expected-taint", default="",
                    help="comma-separated taint bits that may be set")
    ap.add_argument("--summary", help="write 'PASS FAIL SKIP' to this file")
    ap.add_argument("--uapi", help="uAPI header to check the exported spec against")
    ap.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    args = ap.parse_args()

    with open(args.log, errors="replace") as f:
        lines = [x.rstrip("\r\n").replace("\r", "") for x in f]
    expected = [int(b) for b in args.expected_taint.split(",") if b.strip()]
    res = parse(lines, expected)
    if args.uapi:
        marks = [(i, x[x.find(MARK) + len(MARK):].strip())
                 for i, x in enumerate(lines) if MARK in x]
        check_spec(lines, marks, res, args.uapi)

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
