// Every bad configuration names the exact file:line:col, the key, and what was expected — one line each.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { runConfigCheck } from '../../src/config/check-command.js';

const BAD_DIR = fileURLToPath(new URL('../fixtures/config/bad/', import.meta.url));

/** Fixture → the exact issue lines after the file path (`:line:col: path: message`). */
const CASES: [string, string[]][] = [
  ['bool-as-yes.yaml', [
    `:3:14: collectors.cpu.enabled: expected true or false, got "yes"`,
  ]],
  ['config-key-instead-of-yaml-key.yaml', [
    `:2:3: docker.relist_interval_ms: unknown key "relist_interval_ms" (did you mean "relist_interval"? it takes a unit, e.g. 10s)`,
  ]],
  ['cron-field-out-of-range.yaml', [
    `:1:11: interval: invalid cron expression "61 * * * *": Field value (61) is out of range; expected 5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first`,
  ]],
  ['cron-wrong-field-count.yaml', [
    `:1:11: interval: cron expression "*/5 * *" has 3 fields; expected 5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first`,
  ]],
  ['docker-socket-bad.yaml', [
    `:2:11: docker.socket: expected a unix socket path like /var/run/docker.sock or tcp://127.0.0.1:2375, got "docker.sock"`,
  ]],
  ['duplicate-default-names.yaml', [
    `:5:11: outputs[1].name: duplicate output name "stdout" (outputs[0] at line 2 has it too); expected a unique "name:" per output, it names the spool directory`,
  ]],
  ['duplicate-output-names.yaml', [
    `:6:11: outputs[1].name: duplicate output name "main" (outputs[0] at line 3 has it too); expected a unique "name:" per output, it names the spool directory`,
  ]],
  ['duration-bad-unit.yaml', [
    `:2:20: log.status_interval: expected a duration like 10s (units: ms, s, m, h), got "1d"`,
  ]],
  ['duration-without-unit.yaml', [
    `:2:20: docker.relist_interval: expected a duration like 10s (units: ms, s, m, h), got 60`,
  ]],
  ['empty-required-value.yaml', [
    `:3:5: outputs[0].path: expected a file path, got nothing (the value is empty)`,
  ]],
  ['int-not-a-number.yaml', [
    `:4:18: outputs[0].batch.max_lines: expected a whole number from 1 to 1000000, got "lots"`,
  ]],
  ['int-out-of-range.yaml', [
    `:4:18: outputs[0].batch.max_lines: expected a whole number from 1 to 1000000, got 0`,
  ]],
  ['interval-too-long.yaml', [
    `:2:11: interval: expected an interval from 100ms to 1h, got "2h"`,
  ]],
  ['interval-too-short.yaml', [
    `:1:11: interval: expected an interval from 100ms to 1h, got "50ms"`,
  ]],
  ['key-of-other-output-type.yaml', [
    `:6:5: outputs[0].database: unknown key "database" for type influxdb_v2 (it is a key of influxdb_v1 outputs)`,
  ]],
  ['list-expected.yaml', [
    `:2:11: docker.states: expected a list like [a, b] or "- item" lines, got "running"`,
  ]],
  ['list-item-bad-enum.yaml', [
    `:2:21: docker.states[1]: expected one of created, restarting, running, removing, paused, exited, dead; got "stoped"`,
  ]],
  ['listen-port-out-of-range.yaml', [
    `:2:11: http.listen: expected host:port like 127.0.0.1:9273, [::1]:9273 or :9273 (all interfaces), port 1-65535, got "127.0.0.1:70000"`,
  ]],
  ['listen-without-host.yaml', [
    `:2:11: http.listen: expected host:port like 127.0.0.1:9273, [::1]:9273 or :9273 (all interfaces), port 1-65535, got 9273`,
  ]],
  ['log-format-unknown.yaml', [
    `:2:11: log.format: expected one of text, json; got "xml"`,
  ]],
  ['log-level-typo.yaml', [
    `:2:10: log.level: expected one of debug, info, warn, error; got "warning" (did you mean "warn"?)`,
  ]],
  ['missing-bucket.yaml', [
    `:2:5: outputs[0].bucket: missing required key "bucket" (type influxdb_v2): the bucket; for InfluxDB 1.8 use "database/retention_policy" (or set CGFLUX_OUTPUTS_MAIN_BUCKET)`,
  ]],
  ['missing-database.yaml', [
    `:2:5: outputs[0].database: missing required key "database" (type influxdb_v1): the database to write to (or set CGFLUX_OUTPUTS_INFLUXDB_V1_DATABASE)`,
  ]],
  ['missing-output-type.yaml', [
    `:2:5: outputs[0].type: missing required key "type" (one of: influxdb_v2, influxdb_v1, stdout, file)`,
  ]],
  ['missing-token.yaml', [
    `:3:5: outputs[0].token: missing required key "token" (type influxdb_v2): the API token; for InfluxDB 1.8 use "user:password" (or set CGFLUX_OUTPUTS_INFLUXDB_V2_TOKEN)`,
  ]],
  ['output-names-clash-in-env-form.yaml', [
    `:6:11: outputs[1].name: output name "main_db" clashes with "main-db" (outputs[0] at line 3): both are MAIN_DB in CGFLUX_OUTPUTS_MAIN_DB_*; expected a unique "name:" per output, it names the spool directory`,
  ]],
  ['output-name-with-slash.yaml', [
    `:3:11: outputs[0].name: expected a name of letters, digits, "_", "-" and "." (starting with a letter or digit, at most 64 characters), got "../etc"`,
  ]],
  ['relative-proc-root.yaml', [
    `:2:14: host.proc_root: expected an absolute path (starting with /), got "host/proc"`,
  ]],
  ['retry-max-below-initial.yaml', [
    `:5:12: outputs[0].retry.max: expected at least retry.initial (5s), got 1s`,
  ]],
  ['secret-not-echoed.yaml', [
    `:3:10: outputs[0].url: expected an http(s) URL like http://127.0.0.1:8086, got "***@127.0.0.1:8086"`,
    `:4:12: outputs[0].token: expected a string, got a number (not shown: it is a secret; put it in quotes)`,
  ]],
  ['section-not-a-map.yaml', [
    `:1:9: docker: expected a map of settings (socket, relist_interval, timeout, include, exclude, states), got "/var/run/docker.sock"`,
  ]],
  ['several-problems.yaml', [
    `:1:11: interval: expected a duration like 10s (units: ms, s, m, h) or a cron expression (5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first), got 10`,
    `:3:10: log.level: expected one of debug, info, warn, error; got "loud"`,
    `:5:5: outputs[0].token: missing required key "token" (type influxdb_v2): the API token; for InfluxDB 1.8 use "user:password" (or set CGFLUX_OUTPUTS_INFLUXDB_V2_TOKEN)`,
    `:5:5: outputs[0].bucket: missing required key "bucket" (type influxdb_v2): the bucket; for InfluxDB 1.8 use "database/retention_policy" (or set CGFLUX_OUTPUTS_INFLUXDB_V2_BUCKET)`,
  ]],
  ['size-garbage.yaml', [
    `:2:13: spool.max_size: expected a size like 512MiB or 1GB or a number of bytes (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got "512 parsecs"`,
  ]],
  ['size-too-small.yaml', [
    `:2:17: spool.segment_size: expected a size from 64KiB to 1GiB, got "1KiB"`,
  ]],
  ['spool-max-below-segment.yaml', [
    `:2:13: spool.max_size: expected at least segment_size (4MiB), got 1MiB`,
  ]],
  ['string-expected-got-number.yaml', [
    `:4:15: outputs[0].database: expected a string, got 2024 (a number; put it in quotes: "2024")`,
  ]],
  ['tag-value-number.yaml', [
    `:3:14: tags.global.version: expected a string, got 1.10 (a number; put it in quotes: "1.10")`,
  ]],
  ['top-level-list.yaml', [
    `:1:1: expected a map of settings at the top level (host, docker, interval, collectors, tags, spool, outputs, http, self_metrics, log, shutdown)`,
  ]],
  ['unknown-key-in-output.yaml', [
    `:6:5: outputs[0].buckt: unknown key "buckt" (did you mean "bucket"?)`,
  ]],
  ['unknown-key-no-suggestion.yaml', [
    `:3:3: log.colour: unknown key "colour"; known keys here: level, format, status_interval`,
  ]],
  ['unknown-nested-key-typo.yaml', [
    `:2:3: docker.sockett: unknown key "sockett" (did you mean "socket"?)`,
  ]],
  ['unknown-output-type.yaml', [
    `:2:11: outputs[0].type: expected one of influxdb_v2, influxdb_v1, stdout, file; got "influxdb_v3" (did you mean "influxdb_v2"?)`,
  ]],
  ['unknown-top-key-typo.yaml', [
    `:1:1: intervall: unknown key "intervall" (did you mean "interval"?)`,
  ]],
  ['url-not-http.yaml', [
    `:3:10: outputs[0].url: expected an http(s) URL like http://127.0.0.1:8086, got "ftp://127.0.0.1/"`,
  ]],
  ['url-without-scheme.yaml', [
    `:3:10: outputs[0].url: expected an http(s) URL like http://127.0.0.1:8086, got "localhost:8086"`,
  ]],
  ['yaml-dangling-alias.yaml', [
    `:3:12: invalid YAML: alias *defaults has no anchor &defaults before it; expected an anchor defined earlier in the file`,
  ]],
  ['yaml-duplicate-key.yaml', [
    `:4:1: invalid YAML: key "interval" appears twice in the same map; keep one`,
  ]],
  ['yaml-tab-indent.yaml', [
    `:2:1: invalid YAML: Tabs are not allowed as indentation; expected spaces`,
  ]],
  ['yaml-unclosed-quote.yaml', [
    `:2:11: invalid YAML: this quoted string has no closing quote`,
  ]],
];

function loadError(file: string): ConfigError {
  try {
    loadConfig({ file, env: {}, flags: {}, hostname: 'testhost' });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${file} loaded without errors`);
}

describe('bad configuration files', () => {
  test('a rejected secret is not repeated in the message', () => {
    const err = loadError(BAD_DIR + 'secret-not-echoed.yaml');
    assert.equal(err.issues.length, 2);
    for (const secret of ['hunter2', 'admin', '123456789']) assert.ok(!err.message.includes(secret), secret);
  });

  test('every fixture has a case and there are at least 22 distinct ones', () => {
    const fixtures = readdirSync(BAD_DIR).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(CASES.map(([f]) => f).sort(), fixtures);
    assert.ok(CASES.length >= 22, `only ${CASES.length} cases`);
  });

  for (const [name, expected] of CASES) {
    test(name, () => {
      const file = BAD_DIR + name;
      const err = loadError(file);
      const lines = expected.map((l) => file + l);
      assert.equal(err.message, lines.join('\n'));
      assert.equal(err.issues.length, expected.length);
      for (const [i, issue] of err.issues.entries()) {
        const [, line, col] = /^:(\d+):(\d+): /.exec(expected[i]!)!;
        assert.equal(issue.source, file);
        assert.equal(issue.line, Number(line));
        assert.equal(issue.col, Number(col));
        assert.match(issue.message, /expected|unknown key|missing required key|appears twice|no closing quote/);
        assert.ok(!issue.message.includes('\n'), 'one line');
      }

      const out: string[] = [];
      const errOut: string[] = [];
      const code = runConfigCheck({ file, env: {}, flags: {}, hostname: 'testhost', stdout: (s) => out.push(s), stderr: (s) => errOut.push(s) });
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      const n = expected.length;
      assert.deepEqual(errOut.slice(0, n), lines.map((l) => l + '\n'));
      assert.equal(errOut.length, n + 1);
      assert.match(errOut[n]!, new RegExp(`^${n} problems? in the configuration; fix .* and run "cgflux config check" again`));
    });
  }
});
