import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { renderEffectiveConfig } from '../../src/config/render.js';
import { maskUrlCredentials } from '../../src/redact.js';
import { runConfigCheck } from '../../src/config/check-command.js';

function withFile(text: string, fn: (file: string, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-render-'));
  try {
    const file = join(dir, 'cgflux.yaml');
    writeFileSync(file, text);
    fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SECRETS = ['tok-SECRET-1', 'pw-SECRET-2', 'userinfo-SECRET-3', 'envtok-SECRET-4'];
const WITH_SECRETS = [
  'outputs:',
  '  - type: influxdb_v2',
  '    name: a',
  '    url: http://admin:userinfo-SECRET-3@127.0.0.1:8086/',
  '    token: tok-SECRET-1',
  '    bucket: docker',
  '  - type: influxdb_v1',
  '    name: b',
  '    url: https://127.0.0.1:8086',
  '    database: docker',
  '    password: pw-SECRET-2',
  '  - type: influxdb_v2',
  '    name: c',
  '    url: http://127.0.0.1:8428',
  '    bucket: x',
  '    token: ""',
].join('\n');

describe('renderEffectiveConfig', () => {
  test('no secret appears anywhere; set secrets show "***", empty ones ""', () => {
    withFile(WITH_SECRETS, (file) => {
      const config = loadConfig({ file, env: { CGFLUX_OUTPUTS_B_USERNAME: 'writer', CGFLUX_OUTPUTS_C_TOKEN: 'envtok-SECRET-4' }, hostname: 'h' });
      const text = renderEffectiveConfig(config);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} leaked`);
      assert.match(text, /url: http:\/\/\*\*\*@127\.0\.0\.1:8086\//);
      assert.equal((text.match(/token: "\*\*\*"/g) ?? []).length, 2);
      assert.match(text, /password: "\*\*\*"/);
      assert.match(text, /username: writer/);
      // The loaded config itself keeps the real values for the outputs to use.
      assert.ok(config.outputs[0]?.type === 'influxdb_v2' && config.outputs[0].token === 'tok-SECRET-1');
    });
  });

  test('an empty secret renders as ""', () => {
    withFile(WITH_SECRETS.replace('tok-SECRET-1', '""'), (file) => {
      const text = renderEffectiveConfig(loadConfig({ file, env: {}, hostname: 'h' }));
      assert.equal((text.match(/token: ""/g) ?? []).length, 2);
    });
  });

  test('masks URL userinfo only', () => {
    assert.equal(maskUrlCredentials('http://u:p@h:8086/x?y=1'), 'http://***@h:8086/x?y=1');
    assert.equal(maskUrlCredentials('https://token@h'), 'https://***@h');
    assert.equal(maskUrlCredentials('http://h:8086/a@b'), 'http://h:8086/a@b');
  });

  test('the rendering reloads to the same configuration, in human units', () => {
    const source = [
      'interval: "*/30 * * * * *"',
      'docker: {relist_interval: 90s, timeout: 1500ms, states: [running, paused], include: {names: ["web-*"], labels: []}}',
      'spool: {max_size: 1GB, segment_size: 65537}',
      'tags: {global: {version: "1.10", env: prod}}',
      'log: {level: debug, status_interval: 0s}',
      'outputs:',
      '  - {type: file, path: /tmp/out.lp, batch: {max_size: 64KiB}}',
      '  - {type: influxdb_v1, url: "http://127.0.0.1:8086", database: d, precision: s}',
    ].join('\n');
    withFile(source, (file, dir) => {
      const first = loadConfig({ file, env: {}, hostname: 'h' });
      const text = renderEffectiveConfig(first);
      assert.match(text, /relist_interval: 90s/);
      assert.match(text, /timeout: 1500ms/);
      assert.match(text, /max_size: 1GB/);
      assert.match(text, /segment_size: 65537/);
      assert.match(text, /max_size: 64KiB/);
      assert.match(text, /status_interval: 0s/);
      const again = join(dir, 'again.yaml');
      writeFileSync(again, text);
      assert.deepEqual(loadConfig({ file: again, env: {}, hostname: 'other' }), { ...first, source: again });
    });
  });
});

describe('runConfigCheck', () => {
  test('prints the effective config and returns 0 for a good configuration', () => {
    withFile(WITH_SECRETS, (file) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = runConfigCheck({ file, env: {}, flags: {}, hostname: 'h', stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
      assert.equal(code, 0);
      assert.deepEqual(err, []);
      assert.equal(out.length, 1);
      assert.match(out[0]!, new RegExp(`^# cgflux effective configuration \\(from ${file};`));
      assert.ok(!out[0]!.includes('tok-SECRET-1'));
    });
  });

  test('returns 0 with no file at all (built-in defaults)', () => {
    const out: string[] = [];
    const code = runConfigCheck({ env: {}, flags: {}, hostname: 'h', defaultFile: '/nonexistent', stdout: (s) => out.push(s), stderr: () => assert.fail('no errors expected') });
    assert.equal(code, 0);
    assert.match(out[0]!, /^interval: 10s$/m);
  });

  test('returns 2 for a bad environment variable or flag, with one line each and a hint', () => {
    const err: string[] = [];
    const code = runConfigCheck({ env: { CGFLUX_SPOOL_MAX_SIZE: 'big' }, flags: { interval: '2h' }, hostname: 'h', defaultFile: '/nonexistent', stdout: () => assert.fail('no output expected'), stderr: (s) => err.push(s) });
    assert.equal(code, 2);
    assert.deepEqual(err, [
      'env CGFLUX_SPOOL_MAX_SIZE: expected a size like 512MiB or 1GB or a number of bytes (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got "big"\n',
      'flag --interval: expected an interval from 100ms to 1h, got "2h"\n',
      '2 problems in the configuration; fix them and run "cgflux config check" again (config/cgflux.yaml lists every option with its default)\n',
    ]);
  });
});
