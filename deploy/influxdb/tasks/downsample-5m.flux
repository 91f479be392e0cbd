// cgflux: 5-minute aggregates for capacity planning, read by the "Capacity planning" dashboard.
// Writes the SAME measurement and field names as the InfluxDB 1.x continuous queries in
// deploy/influxdb/v1/continuous-queries.influxql (docs/downsampling.md), so the dashboard's
// InfluxQL works on both. Every tag of the raw series is kept.
//
// Each run recomputes the last three 5-minute windows (like RESAMPLE FOR 15m): cgflux's spool may
// deliver points late after an outage, and rewriting a window overwrites the same points.
// The compose stack's init script (deploy/influxdb/init/cgflux-setup.sh) replaces the two bucket
// names below with the ones from .env and creates the task.

option task = {name: "cgflux-downsample-5m", every: 5m, offset: 1m}

rawBucket = "cgflux"
downsampledBucket = "cgflux_downsampled"

p95 = (column, tables=<-) => tables |> quantile(q: 0.95, method: "exact_selector", column: column)

// Aggregates `fields` of `measurement` with `fn` per 5-minute window into measurement `into`,
// naming each field <field>_<suffix> (or <field> when suffix is empty).
downsample = (measurement, fields, into, fn, suffix, only=(r) => true) =>
    from(bucket: rawBucket)
        |> range(start: -15m)
        |> filter(fn: (r) => r._measurement == measurement and contains(value: r._field, set: fields))
        |> filter(fn: only)
        |> aggregateWindow(every: 5m, fn: fn, createEmpty: false, timeSrc: "_start")
        |> map(fn: (r) => ({r with _measurement: into, _field: if suffix == "" then r._field else r._field + "_" + suffix}))
        |> to(bucket: downsampledBucket)

cpuTotal = (r) => r.cpu == "cpu-total"

downsample(measurement: "docker_container_cpu", fields: ["usage_percent"], into: "docker_container_cpu_5m", fn: mean, suffix: "mean", only: cpuTotal)
downsample(measurement: "docker_container_cpu", fields: ["usage_percent"], into: "docker_container_cpu_5m", fn: max, suffix: "max", only: cpuTotal)
downsample(measurement: "docker_container_cpu", fields: ["usage_percent"], into: "docker_container_cpu_5m", fn: p95, suffix: "p95", only: cpuTotal)
downsample(measurement: "docker_container_cpu", fields: ["limit_cpus"], into: "docker_container_cpu_5m", fn: max, suffix: "", only: cpuTotal)

downsample(measurement: "docker_container_mem", fields: ["working_set"], into: "docker_container_mem_5m", fn: mean, suffix: "mean")
downsample(measurement: "docker_container_mem", fields: ["working_set"], into: "docker_container_mem_5m", fn: max, suffix: "max")
downsample(measurement: "docker_container_mem", fields: ["working_set"], into: "docker_container_mem_5m", fn: p95, suffix: "p95")
downsample(measurement: "docker_container_mem", fields: ["limit"], into: "docker_container_mem_5m", fn: max, suffix: "")

downsample(measurement: "host_cpu", fields: ["usage_percent"], into: "host_cpu_5m", fn: mean, suffix: "mean")
downsample(measurement: "host_cpu", fields: ["usage_percent"], into: "host_cpu_5m", fn: max, suffix: "max")
downsample(measurement: "host_cpu", fields: ["online_cpus"], into: "host_cpu_5m", fn: max, suffix: "")

downsample(measurement: "host_mem", fields: ["used"], into: "host_mem_5m", fn: mean, suffix: "mean")
downsample(measurement: "host_mem", fields: ["used"], into: "host_mem_5m", fn: max, suffix: "max")
downsample(measurement: "host_mem", fields: ["total"], into: "host_mem_5m", fn: max, suffix: "")
