#!/usr/bin/env bash
# Prepares this machine (Debian 12, root) for cgflux's test suite. Idempotent: installs only
# what is missing and reuses whatever is already running.
#   - dockerd without bridge networking (containers run with --network none)
#   - the test image cgflux-test/busybox:latest, built with `docker import` (no registry needed)
#   - InfluxDB 1.x on 127.0.0.1:8086 and VictoriaMetrics on 127.0.0.1:8428
#   - the native context-switch counter (scripts/build-native.sh) and bpftrace, its test reference
# Every service listens on loopback only.
set -euo pipefail

STATE_DIR=${CGFLUX_TEST_STATE:-/var/lib/cgflux-test}
LOG_DIR=$STATE_DIR/log
IMAGE=cgflux-test/busybox:latest
PACKAGES=(docker.io busybox-static influxdb victoria-metrics iproute2 docker-compose util-linux procps curl bpftrace tmux)

say() { printf '[test-env] %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  echo "scripts/test-env.sh must run as root (it installs packages and starts dockerd)" >&2
  exit 1
fi
mkdir -p "$LOG_DIR"

# shellcheck source=lib/debian-packages.sh
. "$(dirname "$0")/lib/debian-packages.sh"
mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  install_packages "$LOG_DIR/apt.log" "${missing[@]}" || { cat "$LOG_DIR/apt.log" >&2; exit 1; }
fi

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 $((secs * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "timed out after ${secs}s waiting for $what" >&2
  return 1
}

# --- dockerd -------------------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  say "dockerd already running"
else
  say "starting dockerd"
  nohup dockerd --iptables=false --ip-masq=false --bridge=none >"$LOG_DIR/dockerd.log" 2>&1 &
  wait_for 60 dockerd docker info || { tail -n 30 "$LOG_DIR/dockerd.log" >&2; exit 1; }
fi

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "image $IMAGE present"
else
  say "building $IMAGE with docker import"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
  rm -rf "$root"
fi

# --- InfluxDB 1.x --------------------------------------------------------------------------
if curl -fsS -o /dev/null http://127.0.0.1:8086/ping 2>/dev/null; then
  say "InfluxDB 1.x already answering on 127.0.0.1:8086"
else
  say "starting InfluxDB 1.x on 127.0.0.1:8086"
  mkdir -p "$STATE_DIR/influxdb"
  cat >"$STATE_DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:8088"
[meta]
  dir = "$STATE_DIR/influxdb/meta"
[data]
  dir = "$STATE_DIR/influxdb/data"
  wal-dir = "$STATE_DIR/influxdb/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:8086"
  log-enabled = false
  max-body-size = 50000000
[monitor]
  store-enabled = false
CONF
  nohup influxd -config "$STATE_DIR/influxdb.conf" >"$LOG_DIR/influxd.log" 2>&1 &
  wait_for 60 "InfluxDB 1.x" curl -fsS -o /dev/null http://127.0.0.1:8086/ping || { tail -n 30 "$LOG_DIR/influxd.log" >&2; exit 1; }
fi

# --- VictoriaMetrics (InfluxDB v2 write API) -------------------------------------------------
if curl -fsS -o /dev/null http://127.0.0.1:8428/health 2>/dev/null; then
  say "VictoriaMetrics already answering on 127.0.0.1:8428"
else
  say "starting VictoriaMetrics on 127.0.0.1:8428"
  mkdir -p "$STATE_DIR/victoria-metrics"
  nohup victoria-metrics -httpListenAddr=127.0.0.1:8428 -storageDataPath="$STATE_DIR/victoria-metrics" \
    -retentionPeriod=10y -search.latencyOffset=0s -search.disableCache >"$LOG_DIR/victoria-metrics.log" 2>&1 &
  wait_for 60 VictoriaMetrics curl -fsS -o /dev/null http://127.0.0.1:8428/health || { tail -n 30 "$LOG_DIR/victoria-metrics.log" >&2; exit 1; }
fi

# --- native context-switch counter and its reference (bpftrace needs tracefs) ---------------
"$(dirname "$0")/build-native.sh" --strict
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null \
  || say "warning: tracefs is not mounted: the bpftrace reference of the context-switch tests cannot run"

say "ready: docker ($(docker version -f '{{.Server.Version}}')), influxdb 1.x http://127.0.0.1:8086, victoria-metrics http://127.0.0.1:8428"
