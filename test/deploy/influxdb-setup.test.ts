// deploy/influxdb/init/cgflux-setup.sh, the InfluxDB 2 init script of the compose stack. No
// InfluxDB 2 runs here, so the `influx` CLI is a small stand-in that records its arguments and
// keeps buckets, DBRP mappings and tasks in files, answering like the real CLI's tabular output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../grafana/queries.js';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'deploy', 'influxdb', 'init', 'cgflux-setup.sh');
const TASK = join(REPO_ROOT, 'deploy', 'influxdb', 'tasks', 'downsample-5m.flux');

const FAKE_INFLUX = `#!/bin/bash
# usage as the real CLI; state in $STATE
echo "$*" >>"$STATE/calls"
arg() { local want=$1; shift; while [ $# -gt 0 ]; do [ "$1" = "$want" ] && { echo "$2"; return; }; shift; done; }
name=$(arg --name "$@"); db=$(arg --db "$@"); file=$(arg --file "$@")
case "$1 $2" in
  "bucket list") grep -x "$name" "$STATE/buckets" >/dev/null && printf 'id-%s\\t%s\\t720h0m0s\\torg-id\\n' "$name" "$name"; exit 0 ;;
  "bucket create") echo "$name" >>"$STATE/buckets" ;;
  "v1 dbrp")
    case $3 in
      list) grep "^$db " "$STATE/dbrps" 2>/dev/null | sed 's/^/dbrp-id /'; exit 0 ;;
      create) echo "$db $(arg --rp "$@") $(arg --bucket-id "$@")" >>"$STATE/dbrps" ;;
    esac ;;
  "task list") cat "$STATE/tasks" 2>/dev/null; exit 0 ;;
  "task create") cp "$file" "$STATE/task.flux"; printf 'task-id\\tcgflux-downsample-5m\\n' >>"$STATE/tasks" ;;
  *) echo "fake influx: unexpected $*" >&2; exit 2 ;;
esac
`;

describe('InfluxDB 2 init script', () => {
  let dir = '';
  let env: Record<string, string> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cgflux-setup-'));
    writeFileSync(join(dir, 'influx'), FAKE_INFLUX);
    chmodSync(join(dir, 'influx'), 0o755);
    writeFileSync(join(dir, 'buckets'), 'metrics\n'); // created by the image's own setup
    env = {
      PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      STATE: dir,
      DOCKER_INFLUXDB_INIT_ORG: 'acme',
      DOCKER_INFLUXDB_INIT_BUCKET: 'metrics',
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: 'admin-token',
      CGFLUX_DOWNSAMPLED_BUCKET: 'metrics_5m',
      CGFLUX_DOWNSAMPLED_RETENTION: '90d',
      CGFLUX_TASK_FILE: TASK,
    };
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('creates the downsampled bucket, both DBRP mappings and the task with the buckets from .env', async () => {
    const { stdout } = await run('bash', [SCRIPT], { env });
    assert.match(stdout, /creating bucket metrics_5m \(retention 90d\)/);
    const calls = readFileSync(join(dir, 'calls'), 'utf8');
    assert.match(calls, /^bucket create --token admin-token --org acme --name metrics_5m --retention 90d$/m);
    assert.equal(readFileSync(join(dir, 'dbrps'), 'utf8'), 'metrics autogen id-metrics\nmetrics_5m autogen id-metrics_5m\n');
    assert.match(calls, /^v1 dbrp create --token admin-token --org acme --db metrics --rp autogen --bucket-id id-metrics --default$/m);
    const created = readFileSync(join(dir, 'task.flux'), 'utf8');
    const original = readFileSync(TASK, 'utf8');
    assert.match(created, /^rawBucket = "metrics"$/m);
    assert.match(created, /^downsampledBucket = "metrics_5m"$/m);
    assert.equal(
      created.replace(/^(rawBucket|downsampledBucket) = .*$/gm, ''),
      original.replace(/^(rawBucket|downsampledBucket) = .*$/gm, ''),
      'only the two bucket names change',
    );
  });

  test('a second run changes nothing', async () => {
    const before = readFileSync(join(dir, 'calls'), 'utf8').split('\n').length;
    const { stdout } = await run('bash', [SCRIPT], { env });
    assert.match(stdout, /DBRP mapping for metrics exists/);
    assert.match(stdout, /task cgflux-downsample-5m exists/);
    const newCalls = readFileSync(join(dir, 'calls'), 'utf8').split('\n').slice(before - 1).join('\n');
    assert.doesNotMatch(newCalls, / create /);
  });

  test('without the org from the image it stops with the variable named', async () => {
    const { DOCKER_INFLUXDB_INIT_ORG: _omit, ...rest } = env;
    const failed = await run('bash', [SCRIPT], { env: rest }).then(() => null, (err) => err);
    assert.ok(failed);
    assert.match(String(failed.stderr), /DOCKER_INFLUXDB_INIT_ORG is not set/);
  });
});
