"""Add up the JUnit reports of the CI legs and print one closing line.

    python scripts/junit_summary.py var/ci/*.xml
    -> "ci: 412 passed, 0 failed, 3 skipped"

Exits non-zero when a report records a failure or an error, or when no test ran.
"""

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> int:
    tests = failed = skipped = 0
    for path in paths:
        try:
            root = ET.parse(path).getroot()  # noqa: S314 -- our own pytest reports
        except (OSError, ET.ParseError):
            continue
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for s in suites:
            tests += int(s.get("tests", 0))
            failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
            skipped += int(s.get("skipped", 0))
    passed = tests - failed - skipped
    print(f"ci: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
