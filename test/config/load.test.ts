import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/schema.js';
import { issuesOf } from './issues-of.js';

const DEFAULT_FILE = fileURLToPath(new URL('../../config/cgflux.yaml', import.meta.url));

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-config-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeConfig(dir: string, text: string): string {
  const file = join(dir, 'cgflux.yaml');
  writeFileSync(file, text);
  return file;
}

describe('the shipped config/cgflux.yaml', () => {
  test('loads with zero errors and equals the built-in defaults', () => {
    const config = loadConfig({ file: DEFAULT_FILE, env: {}, flags: {}, hostname: 'node-7' });
    assert.deepEqual(config, { ...defaultConfig('node-7'), source: DEFAULT_FILE });
  });

  test('its commented example outputs load once uncommented', () => {
    const text = readFileSync(DEFAULT_FILE, 'utf8');
    const start = text.indexOf('outputs: []\n');
    const end = text.indexOf('\nhttp:');
    const examples = text.slice(start + 'outputs: []\n'.length, end).replace(/^# ?/gm, '');
    withTempDir((dir) => {
      const file = writeConfig(dir, text.slice(0, start) + 'outputs:\n' + examples + text.slice(end));
      const config = loadConfig({ file, env: {}, flags: {}, hostname: 'h' });
      assert.deepEqual(config.outputs.map((o) => [o.type, o.name]), [
        ['influxdb_v2', 'influx'], ['influxdb_v1', 'influx1'], ['stdout', 'stdout'], ['file', 'file'],
      ]);
      const v2 = config.outputs[0]!;
      assert.ok(v2.type === 'influxdb_v2');
      assert.equal(v2.url, 'http://127.0.0.1:8086');
      assert.equal(v2.org, 'my-org');
      assert.equal(v2.bucket, 'docker');
    });
  });
});

describe('which file is read', () => {
  test('without a file name and without the default file the built-in defaults apply', () => {
    const config = loadConfig({ env: {}, flags: {}, hostname: 'h', defaultFile: '/nonexistent/cgflux.yaml' });
    assert.equal(config.source, '<defaults>');
    assert.deepEqual(config, defaultConfig('h'));
  });

  test('without a file name the default file is read when it exists', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'interval: 30s\n');
      const config = loadConfig({ env: {}, flags: {}, hostname: 'h', defaultFile: file });
      assert.equal(config.source, file);
      assert.equal(config.interval.every_ms, 30_000);
    });
  });

  test('the default file is /etc/cgflux/cgflux.yaml', () => {
    assert.equal(DEFAULT_CONFIG_PATH, '/etc/cgflux/cgflux.yaml');
  });

  test('an explicitly named file that does not exist is an error naming it', () => {
    assert.deepEqual(issuesOf(() => loadConfig({ file: '/nonexistent/cgflux.yaml', env: {}, hostname: 'h' })), [
      '/nonexistent/cgflux.yaml: cannot read the config file (named): no such file',
    ]);
    assert.deepEqual(issuesOf(() => loadConfig({ env: {}, flags: { config: '/nonexistent/a.yaml' }, hostname: 'h' })), [
      '/nonexistent/a.yaml: cannot read the config file (named by --config): no such file',
    ]);
    assert.deepEqual(issuesOf(() => loadConfig({ env: { CGFLUX_CONFIG: '/nonexistent/b.yaml' }, hostname: 'h' })), [
      '/nonexistent/b.yaml: cannot read the config file (named by CGFLUX_CONFIG): no such file',
    ]);
  });

  test('a directory given as the file is an error', () => {
    withTempDir((dir) => {
      assert.deepEqual(issuesOf(() => loadConfig({ file: dir, env: {}, hostname: 'h' })), [
        `${dir}: cannot read the config file (named): is a directory, expected a YAML file`,
      ]);
    });
  });

  test('--config wins over CGFLUX_CONFIG', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'interval: 3s\n');
      const config = loadConfig({ env: { CGFLUX_CONFIG: '/nonexistent.yaml' }, flags: { config: file }, hostname: 'h' });
      assert.equal(config.interval.every_ms, 3000);
      assert.equal(config.source, file);
    });
  });

  test('an empty file or one with only comments means all defaults', () => {
    withTempDir((dir) => {
      for (const text of ['', '# nothing yet\n', 'docker:\noutputs:\n']) {
        const file = writeConfig(dir, text);
        assert.deepEqual(loadConfig({ file, env: {}, hostname: 'h' }), { ...defaultConfig('h'), source: file });
      }
    });
  });
});

describe('precedence: defaults < file < env < flags', () => {
  const FILE = [
    'interval: 5s',
    'host:',
    '  proc_root: /file/proc',
    '  cgroup_root: /file/cgroup',
    '  hostname: file-host',
    'log:',
    '  level: warn',
    '  format: json',
    'spool:',
    '  dir: /file/spool',
  ].join('\n');

  test('each layer overrides only what it sets', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, FILE);
      const config = loadConfig({
        file,
        env: { CGFLUX_INTERVAL: '2s', CGFLUX_HOST_PROC_ROOT: '/env/proc', CGFLUX_LOG_LEVEL: 'debug', PATH: '/usr/bin' },
        flags: { interval: '1s', 'log-level': 'error' },
        hostname: 'machine',
      });
      assert.deepEqual(config.interval, { every_ms: 1000, cron: null }); // flag beats env beats file
      assert.equal(config.log.level, 'error'); // flag beats env
      assert.equal(config.host.proc_root, '/env/proc'); // env beats file
      assert.equal(config.host.cgroup_root, '/file/cgroup'); // file beats default
      assert.equal(config.host.hostname, 'file-host');
      assert.equal(config.log.format, 'json');
      assert.equal(config.spool.dir, '/file/spool');
      assert.equal(config.host.sys_root, '/sys'); // default
      assert.equal(config.docker.relist_interval_ms, 60_000);
    });
  });

  test('env and flags apply without a file too', () => {
    const config = loadConfig({ env: { CGFLUX_LOG_FORMAT: 'json' }, flags: { '--spool-dir': '/flag/spool', 'no-http': true }, hostname: 'h' });
    assert.equal(config.log.format, 'json');
    assert.equal(config.spool.dir, '/flag/spool');
    assert.equal(config.http.enabled, false);
  });

  test('hostname "" in the file means the machine hostname; --hostname overrides it', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'host:\n  hostname: ""\n');
      assert.equal(loadConfig({ file, env: {}, hostname: 'machine' }).host.hostname, 'machine');
      assert.equal(loadConfig({ file, env: {}, flags: { hostname: 'override' }, hostname: 'machine' }).host.hostname, 'override');
    });
  });
});

describe('file values', () => {
  test('durations, sizes, cron, lists and maps land in Config units', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, [
        'interval: "*/15 * * * * *"',
        'docker:',
        '  relist_interval: 1m30s',
        '  timeout: 500ms',
        '  include: {names: ["web-*"], labels: ["com.docker.compose.project=shop"]}',
        '  states: [running, paused]',
        'spool: {max_size: 1GB, segment_size: 65536}',
        'tags:',
        '  global: {env: prod, version: "1.10"}',
        'log: {status_interval: 0s}',
        'shutdown: {flush_timeout: 0}',
        'outputs:',
        '  - type: influxdb_v1',
        '    url: http://127.0.0.1:8086',
        '    database: docker',
        '    batch: {max_lines: 100, max_size: 64KiB, flush_interval: 250ms}',
        '    retry: {initial: 100ms, max: 5m}',
        '    timeout: 2s',
        '    gzip: false',
        '    create_database: true',
      ].join('\n'));
      const c = loadConfig({ file, env: {}, hostname: 'h' });
      assert.deepEqual(c.interval, { every_ms: null, cron: '*/15 * * * * *' });
      assert.equal(c.docker.relist_interval_ms, 90_000);
      assert.equal(c.docker.timeout_ms, 500);
      assert.deepEqual(c.docker.include, { names: ['web-*'], labels: ['com.docker.compose.project=shop'] });
      assert.deepEqual(c.docker.states, ['running', 'paused']);
      assert.equal(c.spool.max_bytes, 1_000_000_000);
      assert.equal(c.spool.segment_bytes, 65_536);
      assert.deepEqual(c.tags.global, { env: 'prod', version: '1.10' });
      assert.equal(c.log.status_interval_ms, 0);
      assert.equal(c.shutdown.flush_timeout_ms, 0);
      const o = c.outputs[0]!;
      assert.ok(o.type === 'influxdb_v1');
      assert.equal(o.name, 'influxdb_v1');
      assert.deepEqual(o.batch, { max_lines: 100, max_bytes: 65_536, flush_interval_ms: 250 });
      assert.deepEqual(o.retry, { initial_ms: 100, max_ms: 300_000 });
      assert.equal(o.timeout_ms, 2000);
      assert.equal(o.gzip, false);
      assert.equal(o.create_database, true);
      assert.equal(o.retention_policy, '');
    });
  });

  test('several unnamed outputs of one type get index-suffixed names; named ones keep theirs', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'outputs:\n  - type: stdout\n  - type: file\n    path: /tmp/a\n  - type: stdout\n  - type: stdout\n    name: mine\n');
      const c = loadConfig({ file, env: {}, hostname: 'h' });
      assert.deepEqual(c.outputs.map((o) => o.name), ['stdout_0', 'file', 'stdout_2', 'mine']);
    });
  });

  test('YAML anchors and aliases are followed', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'outputs:\n  - type: stdout\n    batch: &b {max_lines: 7}\n  - type: file\n    path: /tmp/x\n    batch: *b\n');
      const c = loadConfig({ file, env: {}, hostname: 'h' });
      assert.deepEqual(c.outputs.map((o) => o.batch.max_lines), [7, 7]);
    });
  });

  test('problems from the file, the environment and flags are reported together, file first', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'log:\n  level: loud\n');
      assert.deepEqual(issuesOf(() => loadConfig({ file, env: { CGFLUX_INTERVAL: 'ten' }, flags: { 'log-format': 'xml' }, hostname: 'h' })), [
        `${file}:2:10: log.level: expected one of debug, info, warn, error; got "loud"`,
        'env CGFLUX_INTERVAL: expected a duration like 10s (units: ms, s, m, h) or a cron expression (5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first), got "ten"',
        'flag --log-format: expected one of text, json; got "xml"',
      ]);
    });
  });
});

describe('ConfigError', () => {
  test('issues carry source, position and YAML path separately for callers', () => {
    withTempDir((dir) => {
      const file = writeConfig(dir, 'outputs:\n  - type: influxdb_v1\n    url: localhost:8086\n    database: d\n');
      try {
        loadConfig({ file, env: { CGFLUX_INTERVAL: '1d' }, hostname: 'h' });
        assert.fail('expected a ConfigError');
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.name, 'ConfigError');
        assert.deepEqual(err.issues, [
          { source: file, line: 3, col: 10, path: 'outputs[0].url', message: 'expected an http(s) URL like http://127.0.0.1:8086, got "localhost:8086"' },
          { source: 'env CGFLUX_INTERVAL', path: 'interval', message: 'expected a duration like 10s (units: ms, s, m, h) or a cron expression (5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first), got "1d"' },
        ]);
      }
    });
  });
});
