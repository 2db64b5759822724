#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the FolioPostgres tests.
#
#   DIR=$(mktemp -d)
#   FOLIO_TEST_POSTGRES=$(.ci/postgres.sh start "$DIR")   # prints host=DIR dbname=folio user=…
#   .ci/postgres.sh stop "$DIR"                            # stops it and removes DIR
#
# The server listens only on a Unix socket inside DIR (no TCP, so it cannot clash with a
# system cluster on port 5432) and trusts every local connection: it is for tests only.
# initdb refuses to run as root, so as root the cluster belongs to a system user
# `folio-ci`, created when missing. Progress goes to stderr; stdout is only the
# connection string, so that `$(…)` captures it.
set -euo pipefail

readonly CI_USER=folio-ci
# Written by `start`: `stop` removes only directories that carry it.
readonly MARKER=.folio-ci-postgres

die() { echo "postgres.sh: $*" >&2; exit 1; }
say() { echo "postgres.sh: $*" >&2; }

usage() { die "usage: $0 start DIR | stop DIR"; }

# The server binaries: Debian keeps them off PATH, one directory per major version.
# PG_BIN overrides; otherwise 15 (this machine's), else the newest installed.
find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then echo /usr/lib/postgresql/15/bin; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
  die "no PostgreSQL server binaries found (apt-get install -y postgresql)"
}

# The user who owns the cluster: ourselves, or folio-ci when we are root.
cluster_user() {
  if [ "$(id -u)" = 0 ]; then echo "$CI_USER"; else id -un; fi
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  if command -v runuser >/dev/null; then
    runuser -u "$CI_USER" -- "$@"
  else
    # su needs one shell string: quote every argument for /bin/sh.
    local quoted="" arg
    for arg in "$@"; do quoted+=" $(printf '%q' "$arg")"; done
    su "$CI_USER" -s /bin/sh -c "$quoted"
  fi
}

ensure_ci_user() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$CI_USER" >/dev/null 2>&1 && return 0
  say "creating system user $CI_USER"
  useradd -M -r -s /usr/sbin/nologin "$CI_USER"
}

# DIR goes verbatim into postgresql.conf and into a libpq connection string, where a
# space or a quote would need escaping: keep it to plain path characters.
check_dir_name() {
  case "$1" in
    /*) ;;
    *) die "DIR must be an absolute path: $1" ;;
  esac
  [[ "$1" =~ ^[A-Za-z0-9._/-]+$ ]] || die "DIR may hold only letters, digits and ._/-: $1"
  # A Unix socket's path is limited to 107 bytes; the server adds /.s.PGSQL.5432.
  [ "${#1}" -le 90 ] || die "DIR is too long for a Unix socket path: $1"
}

start() {
  local dir=${1%/}
  check_dir_name "$dir"
  local bin user
  bin=$(find_bin)
  ensure_ci_user
  user=$(cluster_user)

  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty (stop it first, or use a fresh mktemp -d)"
  chmod 755 "$dir"
  [ "$(id -u)" != 0 ] || chown "$user" "$dir"
  touch "$dir/$MARKER"
  as_owner test -w "$dir" ||
    die "$user cannot write $dir: every parent directory must be traversable (chmod o+x)"

  say "initdb in $dir/data ($bin)"
  # C.UTF-8 (Debian has it everywhere): UTF8 so that unicode round-trips, and lower()
  # folds every letter as folio does (under the C locale it folds ASCII only).
  as_owner "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  # Settings in the file, not on pg_ctl's -o, which goes through a shell and would need
  # the empty listen_addresses quoted twice.
  cat >>"$dir/data/postgresql.conf" <<EOF

# .ci/postgres.sh: a Unix socket only, and no durability (a throwaway test cluster).
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  say "starting the server (log: $dir/server.log)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2 || true; die "the server did not start"; }

  as_owner "$bin/createdb" -h "$dir" -U "$user" folio ||
    die "createdb folio failed"
  echo "host=$dir dbname=folio user=$user"
}

stop() {
  local dir=${1%/}
  check_dir_name "$dir"
  [ -d "$dir" ] || { say "$dir does not exist: nothing to stop"; return 0; }
  [ -e "$dir/$MARKER" ] || die "$dir was not made by postgres.sh start: not touching it"
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bin
    bin=$(find_bin)
    say "stopping the server in $dir"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
      say "pg_ctl stop failed; removing $dir anyway"
  fi
  rm -rf -- "$dir"
}

[ $# = 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
