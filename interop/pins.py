"""Compares the exact pins of a requirements file with what the running Python has installed.

Usage: python pins.py REQUIREMENTS
Prints one line per pin that is not installed at its version and exits 1 when there is any; exits 2 with
'error: FILE:LINE: ...' when a line is not an exact pin (NAME==VERSION, extras allowed), so that every
package in the venv has one known version.
"""
import importlib.metadata
import re
import sys

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9._,\s-]+\])?==([A-Za-z0-9.+!_-]+)$")


def pins(path):
    found = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            match = PIN.match(text)
            if match is None:
                print(f"error: {path}:{number}: expected an exact pin NAME==VERSION, found '{text}'", file=sys.stderr)
                sys.exit(2)
            found.append((match.group(1), match.group(3)))
    return found


def main():
    missing = 0
    for name, wanted in pins(sys.argv[1]):
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have != wanted:
            print(f"{name}: {wanted} wanted, {'not installed' if have is None else have + ' installed'}")
            missing += 1
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
