#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks.
#
#   scripts/postgres.sh start DIR   initdb into DIR (created if missing), start on 127.0.0.1 on a
#                                   free port with trust auth, create database "onevisit",
#                                   print DATABASE_URL (also written to DIR/url)
#   scripts/postgres.sh stop DIR    stop that server and remove DIR
#
# Installs Debian's postgresql when no initdb is found. Works as root (the server runs as the
# "postgres" user) and as an ordinary user. Every instance has its own directory, port and
# socket directory, so several can run beside each other and beside a system cluster.
# Durability is switched off (fsync=off): the data is thrown away. Statements slower than 5 s
# are logged, and printed by `stop`.
set -euo pipefail

MARKER=.onevisit-throwaway-postgres

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [[ -x $d/initdb ]] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

ensure_installed() {
  find_bin >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed; run: sudo apt-get install postgresql"
  echo "postgres.sh: installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  find_bin >/dev/null || die "initdb still missing after installing postgresql"
}

# Run a command as the server's owner: "postgres" when we are root, ourselves otherwise.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir=${1:?usage: postgres.sh start DIR}
  ensure_installed
  local bin; bin=$(find_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
  touch "$dir/$MARKER"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user (is the postgresql package installed?)"
    chown -R postgres: "$dir"
    # The postgres user must be able to reach a directory under a private parent.
    chmod 755 "$dir"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  local port tries=0
  while :; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c track_activity_query_size=16384 -c log_min_duration_statement=5000" \
        start >/dev/null; then
      break
    fi
    tries=$((tries + 1))
    ((tries < 5)) || { cat "$dir/server.log" >&2; die "could not start the server"; }
  done
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres onevisit
  local url="postgres://postgres@127.0.0.1:$port/onevisit"
  echo "$url" >"$dir/url"
  echo "$url"
}

stop() {
  local dir=${1:?usage: postgres.sh stop DIR}
  [[ -d $dir ]] || return 0
  [[ -f $dir/$MARKER ]] || die "$dir was not made by postgres.sh start; not touching it"
  local bin; bin=$(find_bin)
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null \
      || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
  fi
  # Statements that took over 5 s are worth a look before the log goes.
  if grep -q 'duration: ' "$dir/server.log" 2>/dev/null; then
    echo "postgres.sh: statements slower than 5 s (from the server log):" >&2
    grep 'duration: ' "$dir/server.log" | cut -c1-400 | head -n 40 >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac
