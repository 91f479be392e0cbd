#!/bin/sh
# Writes .env for docker-compose.yml from .env.example, filled in for THIS host:
#   DOCKER_GID      the group of the Docker socket: compose's group_add must name it before the
#                   container starts (a non-root process cannot add a group to itself)
#   CGFLUX_HOSTNAME this machine's name, the "host" tag (inside a container it would be a random id)
#   secrets         fresh random InfluxDB and Grafana passwords and the InfluxDB token
# Never overwrites an existing file (says so and exits 0, so it can run before every `up`). Usage: sh scripts/init-env.sh [FILE]   (default: .env next to
# docker-compose.yml). The socket is DOCKER_HOST's unix:// path, else /var/run/docker.sock.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.env}
example=$here/.env.example

case "${DOCKER_HOST:-}" in
  unix://*) socket=${DOCKER_HOST#unix://} ;;
  *) socket=/var/run/docker.sock ;;
esac

if [ -e "$out" ]; then
  echo "init-env: $out exists; leaving it as it is (delete it to start over)" >&2
  exit 0
fi

# GNU stat first, BSD stat (macOS) second; -L follows a symlinked socket to the real one.
gid=$(stat -L -c %g "$socket" 2>/dev/null || stat -L -f %g "$socket" 2>/dev/null || true)
gid_expr="s/^DOCKER_GID=.*/DOCKER_GID=$gid/"
if [ -z "$gid" ]; then
  gid_expr='s/^DOCKER_GID=/DOCKER_GID=/'
  echo "init-env: cannot stat the Docker socket $socket (is dockerd running?); DOCKER_GID stays at the example's value: set it to the socket's group id" >&2
fi
host=$(hostname 2>/dev/null || uname -n)

secret() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# Every value is hex, a number or a host name: nothing that sed's replacement would misread.
tmp="$out.tmp.$$"
sed \
  -e "s/^CGFLUX_HOSTNAME=.*/CGFLUX_HOSTNAME=$host/" \
  -e "$gid_expr" \
  -e "s/^INFLUXDB_ADMIN_PASSWORD=.*/INFLUXDB_ADMIN_PASSWORD=$(secret 16)/" \
  -e "s/^INFLUXDB_TOKEN=.*/INFLUXDB_TOKEN=$(secret 32)/" \
  -e "s/^GRAFANA_ADMIN_PASSWORD=.*/GRAFANA_ADMIN_PASSWORD=$(secret 16)/" \
  "$example" >"$tmp"
# The file holds secrets: readable by its owner only.
chmod 600 "$tmp"
mv "$tmp" "$out"
echo "init-env: wrote $out (DOCKER_GID=${gid:-unchanged}, CGFLUX_HOSTNAME=$host, new secrets)"
