import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FLAGS, configFlagParseOptions, loadConfig } from '../../src/config/load.js';
import { IssueList, type Origin } from '../../src/config/errors.js';
import { applyFlags, type ConfigFlag } from '../../src/config/flags.js';
import { defaultConfig } from '../../src/config/schema.js';
import { ROOT_SPEC, leafAt } from '../../src/config/spec.js';
import { issuesOf } from './issues-of.js';

const NO_FILE = { env: {}, hostname: 'h', defaultFile: '/nonexistent' };

describe('configuration flags', () => {
  test('the required flags exist and each points at a real setting', () => {
    const names = CONFIG_FLAGS.map((f) => f.flag);
    for (const required of ['--config', '--interval', '--output', '--proc-root', '--cgroup-root', '--sys-root', '--hostname',
      '--docker-socket', '--listen', '--no-http', '--log-level', '--log-format', '--spool-dir']) {
      assert.ok(names.includes(required), required);
    }
    for (const f of CONFIG_FLAGS) {
      if (f.path !== 'config' && f.path !== 'outputs') assert.ok(leafAt(ROOT_SPEC, f.path), `${f.flag} → ${f.path}`);
      assert.ok(f.help.length > 10, `${f.flag} has help`);
    }
  });

  test('argv parsed with configFlagParseOptions() feeds loadConfig', () => {
    const { values } = parseArgs({
      args: ['--interval', '250ms', '--proc-root', '/host/proc', '--cgroup-root', '/host/cg', '--sys-root', '/host/sys',
        '--hostname', 'n1', '--docker-socket', 'tcp://127.0.0.1:2375', '--listen', '[::1]:9999', '--no-http',
        '--log-level', 'debug', '--log-format', 'json', '--spool-dir', '/tmp/spool', '--output', 'stdout', '--output', 'file:/tmp/m.lp'],
      options: configFlagParseOptions(),
      strict: true,
    });
    const c = loadConfig({ ...NO_FILE, flags: values });
    assert.deepEqual(c.interval, { every_ms: 250, cron: null });
    assert.deepEqual(c.host, { proc_root: '/host/proc', cgroup_root: '/host/cg', sys_root: '/host/sys', hostname: 'n1' });
    assert.equal(c.docker.socket, 'tcp://127.0.0.1:2375');
    assert.deepEqual(c.http, { enabled: false, listen: '[::1]:9999' });
    assert.deepEqual(c.log, { level: 'debug', format: 'json', status_interval_ms: 60_000 });
    assert.equal(c.spool.dir, '/tmp/spool');
    assert.deepEqual(c.outputs.map((o) => [o.type, o.name, o.type === 'file' ? o.path : '']), [['stdout', 'stdout', ''], ['file', 'file', '/tmp/m.lp']]);
  });

  test('--output stdout replaces the configured outputs, including their missing-key problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-flags-'));
    try {
      const file = join(dir, 'c.yaml');
      writeFileSync(file, 'outputs:\n  - type: influxdb_v2\n    url: http://127.0.0.1:8086\n');
      assert.equal(issuesOf(() => loadConfig({ file, env: {}, hostname: 'h' })).length, 2);
      const c = loadConfig({ file, env: {}, flags: { output: 'stdout' }, hostname: 'h' });
      assert.deepEqual(c.outputs.map((o) => o.type), ['stdout']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad flag values name the flag and what was expected', () => {
    assert.deepEqual(issuesOf(() => loadConfig({ ...NO_FILE, flags: {
      interval: '0 0 * *', output: ['stdout', 'influx'], 'proc-root': 'proc', listen: 'localhost', 'log-level': 'trace', 'docker-socket': 'http://x',
    } })), [
      'flag --interval: cron expression "0 0 * *" has 4 fields; expected 5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first',
      'flag --output: expected stdout or file:PATH, got "influx"',
      'flag --proc-root: expected an absolute path (starting with /), got "proc"',
      'flag --docker-socket: expected a unix socket path like /var/run/docker.sock or tcp://127.0.0.1:2375, got "http://x"',
      'flag --listen: expected host:port like 127.0.0.1:9273, [::1]:9273 or :9273 (all interfaces), port 1-65535, got "localhost"',
      'flag --log-level: expected one of debug, info, warn, error; got "trace"',
    ]);
  });

  test('flags beat the environment', () => {
    const c = loadConfig({ env: { CGFLUX_HTTP_LISTEN: '127.0.0.1:1', CGFLUX_HTTP_ENABLED: 'true' }, flags: { listen: '127.0.0.1:2', 'no-http': true }, hostname: 'h', defaultFile: '/nonexistent' });
    assert.deepEqual(c.http, { enabled: false, listen: '127.0.0.1:2' });
  });

  test('a switch sets its own setting, not http.enabled', () => {
    const config = defaultConfig('h');
    const origins = new Map<string, Origin>();
    const switches: ConfigFlag[] = [
      { flag: '--no-self-metrics', path: 'self_metrics.enabled', arg: '', help: 'do not write cgflux_internal' },
      { flag: '--per-cpu', path: 'collectors.cpu.per_cpu', arg: '', help: 'one cpu row per CPU' },
    ];
    applyFlags({ 'no-self-metrics': true, 'per-cpu': true }, config, new IssueList(), origins, switches);
    assert.equal(config.self_metrics.enabled, false);
    assert.equal(config.collectors.cpu.per_cpu, true);
    assert.equal(config.http.enabled, true, 'http stays on');
    assert.ok(origins.has('self_metrics.enabled') && origins.has('collectors.cpu.per_cpu'));
  });
});
