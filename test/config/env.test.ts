import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { envVariables } from '../../src/config/env.js';
import { ROOT_SPEC, leavesOf } from '../../src/config/spec.js';
import { issuesOf } from './issues-of.js';

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-env-'));
  try {
    const file = join(dir, 'cgflux.yaml');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const OUTPUTS = [
  'outputs:',
  '  - type: influxdb_v2',
  '    name: influx-main',
  '    url: http://127.0.0.1:8086',
  '    bucket: docker',
  '  - type: influxdb_v1',
  '    name: influx',
  '    url: http://127.0.0.1:8086',
  '    database: docker',
].join('\n');

describe('CGFLUX_ environment variables', () => {
  test('every setting has exactly one variable, and no two settings share one', () => {
    const leaves = leavesOf(ROOT_SPEC);
    assert.equal(envVariables().size, leaves.length);
    assert.equal(envVariables().get('CGFLUX_HOST_PROC_ROOT')?.configPath.join('.'), 'host.proc_root');
    assert.equal(envVariables().get('CGFLUX_DOCKER_RELIST_INTERVAL')?.configPath.join('.'), 'docker.relist_interval_ms');
    assert.equal(envVariables().get('CGFLUX_COLLECTORS_CPU_PER_CPU')?.configPath.join('.'), 'collectors.cpu.per_cpu');
  });

  test('scalars, durations, sizes, lists and maps are parsed from text', () => {
    const c = loadConfig({
      env: {
        CGFLUX_INTERVAL: '5s',
        CGFLUX_HOST_PROC_ROOT: '/host/proc',
        CGFLUX_LOG_FORMAT: 'json',
        CGFLUX_DOCKER_RELIST_INTERVAL: '2m',
        CGFLUX_SPOOL_MAX_SIZE: '2GiB',
        CGFLUX_COLLECTORS_PSI_ENABLED: 'false',
        CGFLUX_COLLECTORS_CPU_PER_CPU: 'TRUE',
        CGFLUX_DOCKER_STATES: 'running, paused',
        CGFLUX_DOCKER_EXCLUDE_NAMES: 'cgflux,*-tmp',
        CGFLUX_TAGS_GLOBAL: 'env=prod, dc=eu1',
        CGFLUX_TAGS_LABELS_INCLUDE: '',
        HOME: '/root',
      },
      hostname: 'h',
      defaultFile: '/nonexistent',
    });
    assert.deepEqual(c.interval, { every_ms: 5000, cron: null });
    assert.equal(c.host.proc_root, '/host/proc');
    assert.equal(c.log.format, 'json');
    assert.equal(c.docker.relist_interval_ms, 120_000);
    assert.equal(c.spool.max_bytes, 2 * 2 ** 30);
    assert.equal(c.collectors.psi.enabled, false);
    assert.equal(c.collectors.cpu.per_cpu, true);
    assert.deepEqual(c.docker.states, ['running', 'paused']);
    assert.deepEqual(c.docker.exclude.names, ['cgflux', '*-tmp']);
    assert.deepEqual(c.tags.global, { env: 'prod', dc: 'eu1' });
    assert.deepEqual(c.tags.labels_include, []);
  });

  test('unix:// socket URLs become plain paths, tcp:// stays', () => {
    const unix = loadConfig({ env: { CGFLUX_DOCKER_SOCKET: 'unix:///run/docker.sock' }, hostname: 'h', defaultFile: '/nonexistent' });
    assert.equal(unix.docker.socket, '/run/docker.sock');
    const tcp = loadConfig({ env: { CGFLUX_DOCKER_SOCKET: 'tcp://127.0.0.1:2375' }, hostname: 'h', defaultFile: '/nonexistent' });
    assert.equal(tcp.docker.socket, 'tcp://127.0.0.1:2375');
  });

  test('a cron interval can come from the environment', () => {
    const c = loadConfig({ env: { CGFLUX_INTERVAL: '0 */5 * * * *' }, hostname: 'h', defaultFile: '/nonexistent' });
    assert.deepEqual(c.interval, { every_ms: null, cron: '0 */5 * * * *' });
  });

  test('output secrets and settings by output name (upper-cased, "-" as "_")', () => {
    withFile(OUTPUTS, (file) => {
      const c = loadConfig({
        file,
        env: {
          CGFLUX_OUTPUTS_INFLUX_MAIN_TOKEN: 'tok-123',
          CGFLUX_OUTPUTS_INFLUX_MAIN_BATCH_MAX_LINES: '250',
          CGFLUX_OUTPUTS_INFLUX_PASSWORD: 'pw-456',
          CGFLUX_OUTPUTS_INFLUX_USERNAME: 'writer',
          CGFLUX_OUTPUTS_INFLUX_TIMEOUT: '3s',
        },
        hostname: 'h',
      });
      const [v2, v1] = c.outputs;
      assert.ok(v2?.type === 'influxdb_v2' && v1?.type === 'influxdb_v1');
      assert.equal(v2.token, 'tok-123');
      assert.equal(v2.batch.max_lines, 250);
      assert.equal(v1.password, 'pw-456');
      assert.equal(v1.username, 'writer');
      assert.equal(v1.timeout_ms, 3000);
      assert.equal(v2.timeout_ms, 10_000);
    });
  });

  test('a required token may come from the environment only', () => {
    withFile(OUTPUTS, (file) => {
      assert.deepEqual(issuesOf(() => loadConfig({ file, env: {}, hostname: 'h' })), [
        `${file}:2:5: outputs[0].token: missing required key "token" (type influxdb_v2): the API token; for InfluxDB 1.8 use "user:password" (or set CGFLUX_OUTPUTS_INFLUX_MAIN_TOKEN)`,
      ]);
    });
  });

  test('bad variables name the variable and what was expected', () => {
    withFile(OUTPUTS, (file) => {
      const env = {
        CGFLUX_OUTPUTS_INFLUX_MAIN_TOKEN: 't',
        CGFLUX_INTERVAL: 'ten',
        CGFLUX_LOG_LEVL: 'debug',
        CGFLUX_OUTPUTS_INFLUX_MAIN_TOKN: 'x',
        CGFLUX_OUTPUTS_NOPE_TOKEN: 'x',
        CGFLUX_OUTPUTS_INFLUX_MAIN_BATCH_MAX_LINES: '-1',
        CGFLUX_COLLECTORS_CPU_ENABLED: 'yes',
        CGFLUX_DOCKER_STATES: 'running,stoped',
        CGFLUX_TAGS_GLOBAL: 'env',
        CGFLUX_OUTPUTS_INFLUX_URL: 'localhost:8086',
      };
      assert.deepEqual(issuesOf(() => loadConfig({ file, env, hostname: 'h' })), [
        'env CGFLUX_COLLECTORS_CPU_ENABLED: expected true or false, got "yes"',
        'env CGFLUX_DOCKER_STATES: expected one of created, restarting, running, removing, paused, exited, dead; got "stoped"',
        'env CGFLUX_INTERVAL: expected a duration like 10s (units: ms, s, m, h) or a cron expression (5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first), got "ten"',
        'env CGFLUX_LOG_LEVL: unknown variable (did you mean CGFLUX_LOG_LEVEL?); settings are CGFLUX_<SECTION>_<KEY> like CGFLUX_LOG_LEVEL, outputs CGFLUX_OUTPUTS_<NAME>_<KEY>',
        'env CGFLUX_OUTPUTS_INFLUX_MAIN_BATCH_MAX_LINES: expected a whole number from 1 to 1000000, got -1',
        'env CGFLUX_OUTPUTS_INFLUX_MAIN_TOKN: unknown key "TOKN" for influxdb_v2 output "influx-main" (did you mean CGFLUX_OUTPUTS_INFLUX_MAIN_TOKEN?)',
        'env CGFLUX_OUTPUTS_INFLUX_URL: expected an http(s) URL like http://127.0.0.1:8086, got "localhost:8086"',
        'env CGFLUX_OUTPUTS_NOPE_TOKEN: no output matches; expected CGFLUX_OUTPUTS_<NAME>_<KEY> with the output\'s name upper-cased, "-" and "." as "_" (configured outputs: INFLUX_MAIN, INFLUX)',
        'env CGFLUX_TAGS_GLOBAL: expected comma-separated key=value pairs like env=prod,dc=eu1, got "env"',
      ]);
    });
  });

  test('CGFLUX_CONFIG names the file and is not an unknown setting; other variables are ignored', () => {
    withFile('interval: 20s\n', (file) => {
      const c = loadConfig({ env: { CGFLUX_CONFIG: file, PATH: '/bin', CGFLUXX: '1' }, hostname: 'h' });
      assert.equal(c.interval.every_ms, 20_000);
    });
  });
});
