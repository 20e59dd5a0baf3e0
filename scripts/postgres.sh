#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests and benchmarks: a new cluster in a folder of its own, on a
# free port of 127.0.0.1, trusting local connections (nothing outside this machine can reach it).
#
#   scripts/postgres.sh start DIR   makes and starts a cluster in DIR; prints its URL
#   scripts/postgres.sh stop DIR    stops it (DIR can then be deleted)
#
# The URL names the `postgres` database; each test makes a database of its own in it. The server
# also takes TLS connections, with a certificate for 127.0.0.1 from a CA made for this cluster
# alone: DIR/tls/ca.crt is that CA's certificate, for the tests of TLS to the database.
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
    # A CA and a server certificate for 127.0.0.1, both for this cluster only (two days).
    tls="$dir/tls"
    mkdir -p "$tls"
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=Signpost test CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
    openssl req "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
      -days 2 -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
    chmod 600 "$tls/server.key"
    [ "$(id -u)" -ne 0 ] || chown -R postgres: "$tls"
    port=$(free_port)
    # fsync stays on: the durability tests mean what they say on this engine too.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key" \
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
