#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests and benchmarks: a new cluster in a folder of its own, on a
# free port of 127.0.0.1, trusting local connections (nothing outside this machine can reach it).
#
#   scripts/postgres.sh start DIR   makes and starts a cluster in DIR; prints its URL
#   scripts/postgres.sh stop DIR    stops it (DIR can then be deleted)
#
# The URL names the `postgres` database; each test makes a database of its own in it.
set -euo pipefail

bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$initdb" ] || { echo "postgres.sh: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
  dirname "$initdb"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The server refuses to run as root; on a machine where the tests run as root (CI), the cluster
# belongs to the unprivileged `postgres` user that Debian's package creates.
# It runs from / so that a working folder it may not enter (a private temporary clone) does not
# matter; every path given to it is absolute.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

command=${1:?start or stop}
dir=${2:?the cluster folder}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
bin=$(bin_dir)

case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_owner "$bin/initdb" --pgdata="$dir/data" --auth=trust --username=postgres \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    # fsync stays on: the durability tests mean what they say on this engine too.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300" \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --silent stop || true
    ;;
  *)
    echo "postgres.sh: start or stop, not $command" >&2; exit 2
    ;;
esac
