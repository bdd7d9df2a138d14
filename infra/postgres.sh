# Private PostgreSQL clusters from the machine's PostgreSQL binaries. Sourced by infra/run and infra/test.
# PostgreSQL refuses to run as root, so clusters belong to the postgres user; their folders must be owned by it.

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

pg_ensure_installed() {
  if ! pg_bin >/dev/null; then
    echo "Installing PostgreSQL server packages…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

# as_pg CMD…: run as the postgres user when we are root, else as ourselves.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_init DATA_DIR: create a cluster (trust auth on a private socket and loopback) if there is none.
pg_init() {
  local data=$1 bin
  bin=$(pg_bin)
  [ -f "$data/PG_VERSION" ] && return 0
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  chmod 700 "$data"
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
}

# pg_start DATA_DIR PORT: start the cluster listening on 127.0.0.1:PORT, socket in DATA_DIR.
pg_start() {
  local data port=$2 bin
  data=$(realpath "$1")  # the socket directory must be absolute
  bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} -c max_connections=200" start >/dev/null
}

pg_stop() {
  local data bin
  data=$(realpath "$1")
  bin=$(pg_bin)
  [ -f "$data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# free_port: a TCP port nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $(( 20000 + RANDOM % 20000 ))
}
