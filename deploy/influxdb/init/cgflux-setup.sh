#!/bin/bash
# Runs once inside the influxdb:2.7 container, right after it initialised an EMPTY data volume
# (DOCKER_INFLUXDB_INIT_MODE=setup; mounted at /docker-entrypoint-initdb.d/). The influx CLI is
# already configured with the admin token. Creates:
#   - the bucket for 5-minute aggregates (CGFLUX_DOWNSAMPLED_BUCKET, kept CGFLUX_DOWNSAMPLED_RETENTION),
#   - explicit DBRP mappings <bucket>/autogen for both buckets, so Grafana's InfluxQL datasources
#     (and InfluxDB 2.0–2.3, which have no virtual mappings) can query them,
#   - the downsampling task from /etc/cgflux/influxdb/tasks/downsample-5m.flux.
# To run it again on an existing volume: docker-compose exec influxdb bash /docker-entrypoint-initdb.d/cgflux-setup.sh
set -euo pipefail

org=${DOCKER_INFLUXDB_INIT_ORG:?DOCKER_INFLUXDB_INIT_ORG is not set}
raw=${DOCKER_INFLUXDB_INIT_BUCKET:?DOCKER_INFLUXDB_INIT_BUCKET is not set}
downsampled=${CGFLUX_DOWNSAMPLED_BUCKET:-cgflux_downsampled}
retention=${CGFLUX_DOWNSAMPLED_RETENTION:-400d}
task_file=${CGFLUX_TASK_FILE:-/etc/cgflux/influxdb/tasks/downsample-5m.flux}
auth=()
[ -n "${DOCKER_INFLUXDB_INIT_ADMIN_TOKEN:-}" ] && auth=(--token "$DOCKER_INFLUXDB_INIT_ADMIN_TOKEN")

say() { printf '[cgflux-setup] %s\n' "$*"; }

bucket_id() { influx bucket list "${auth[@]}" --org "$org" --name "$1" --hide-headers 2>/dev/null | awk 'NR==1{print $1}'; }

if [ -z "$(bucket_id "$downsampled")" ]; then
  say "creating bucket $downsampled (retention $retention)"
  influx bucket create "${auth[@]}" --org "$org" --name "$downsampled" --retention "$retention" >/dev/null
fi

for bucket in "$raw" "$downsampled"; do
  id=$(bucket_id "$bucket")
  if influx v1 dbrp list "${auth[@]}" --org "$org" --db "$bucket" --hide-headers 2>/dev/null | grep -q .; then
    say "DBRP mapping for $bucket exists"
  else
    say "mapping InfluxQL database $bucket (retention policy autogen) to bucket $bucket"
    influx v1 dbrp create "${auth[@]}" --org "$org" --db "$bucket" --rp autogen --bucket-id "$id" --default >/dev/null
  fi
done

if influx task list "${auth[@]}" --org "$org" --hide-headers 2>/dev/null | grep -q 'cgflux-downsample-5m'; then
  say "task cgflux-downsample-5m exists"
else
  say "creating task cgflux-downsample-5m ($raw -> $downsampled)"
  flux=$(mktemp)
  sed -e "s/^rawBucket = .*/rawBucket = \"$raw\"/" -e "s/^downsampledBucket = .*/downsampledBucket = \"$downsampled\"/" "$task_file" >"$flux"
  influx task create "${auth[@]}" --org "$org" --file "$flux" >/dev/null
  rm -f "$flux"
fi
say "done"
