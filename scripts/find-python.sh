#!/usr/bin/env bash
# Print the path of a working Python 3.12+ interpreter, or fail.
#
# `python3.12` may be a pyenv shim that exists on PATH but refuses to run (when the
# global pyenv version is another one), so every candidate is actually executed.
set -u
ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for c in python3.13 python3.12 \
         "$HOME"/.pyenv/versions/3.1[23]*/bin/python3 \
         /usr/local/bin/python3.1[23] /usr/bin/python3.1[23] python3; do
  if ok "$c"; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
# A pyenv that knows 3.12 or 3.13 without a global setting for it.
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23](\.|$)' | sort -rV); do
    p="$(pyenv root)/versions/$v/bin/python3"
    if ok "$p"; then echo "$p"; exit 0; fi
  done
fi
echo "No Python 3.12+ interpreter found (tried python3.13, python3.12, ~/.pyenv, /usr/bin)." >&2
echo "Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12') and retry." >&2
exit 1
