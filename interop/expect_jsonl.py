"""Asserts the shape of a JSONL file for the interop checks.

Usage: python expect_jsonl.py FILE COUNT EXPRESSION
Every line must be a JSON object for which the Python EXPRESSION is true, with the line bound to `r`; COUNT is the
number of lines wanted (or '+' for at least one). The first line that fails is named: 'error: FILE:LINE: ...'.
"""
import json
import sys


def main():
    path, count, expression = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    if count == "+" and not lines or count != "+" and len(lines) != int(count):
        sys.exit(f"error: {path}: expected {'some' if count == '+' else count} lines, found {len(lines)}")
    for number, line in enumerate(lines, start=1):
        r = json.loads(line)
        try:
            ok = eval("(" + expression + ")", {"r": r})
        except Exception as e:  # a missing field is a failed expectation, named like any other
            ok, why = False, f" ({type(e).__name__}: {e})"
        else:
            why = ""
        if not ok:
            sys.exit(f"error: {path}:{number}: expected {expression}{why}; the line: {line.strip()[:400]}")


if __name__ == "__main__":
    main()
