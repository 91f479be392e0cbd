// Fuzzed kernel files: the real fixture files of both cgroup versions, mutated (truncated, bytes
// flipped, huge/negative numbers, `max`, NUL bytes, missing newline, duplicated lines) plus random
// text, through every parser in src/sampler/parsers/. No exception may escape, every number a parser
// hands out is an unsigned 64-bit value, and out-of-range values end as docs/metrics.md says:
// above 2^63−1 → clamped by the encoder; `max` → no limit (the limit field is left out).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseBlkioV1 } from '../../src/sampler/parsers/blkio-v1.js';
import { countCpuList } from '../../src/sampler/parsers/cpu-list.js';
import { parseCpuMax } from '../../src/sampler/parsers/cpu-max.js';
import { parseDecimal } from '../../src/sampler/parsers/decimal.js';
import { parseFlatKeyed, wantedKeys } from '../../src/sampler/parsers/flat-keyed.js';
import { parseIoStat } from '../../src/sampler/parsers/io-stat.js';
import { parseMeminfo } from '../../src/sampler/parsers/meminfo.js';
import { parseNetDev } from '../../src/sampler/parsers/net-dev.js';
import { parsePidList } from '../../src/sampler/parsers/pid-list.js';
import { parseProcStat } from '../../src/sampler/parsers/proc-stat.js';
import { parseTaskStatus } from '../../src/sampler/parsers/proc-task-status.js';
import { parsePsi } from '../../src/sampler/parsers/psi.js';
import { parseLimit, parseSingleU64, parseU64List, V1_UNLIMITED_FROM } from '../../src/sampler/parsers/single-value.js';
import { isMajMin, parseU64, splitBlank } from '../../src/sampler/parsers/u64.js';
import { encodeFieldValue, INT64_MAX } from '../../src/encode/escape.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}
const ALL_FILES = [...filesUnder(join(FIXTURES, 'cgroup-v1')), ...filesUnder(join(FIXTURES, 'cgroup-v2'))];
function fixtures(...names: string[]): string[] {
  const texts = ALL_FILES.filter((f) => names.some((n) => f.endsWith('/' + n))).map((f) => readFileSync(f, 'utf8'));
  assert.ok(texts.length > 0, `fixtures ${names.join(', ')}`);
  return texts;
}

const MEMSTAT = wantedKeys(['cache', 'rss', 'total_rss', 'total_cache', 'anon', 'file', 'file_mapped', 'pgfault', 'pgmajfault', 'inactive_file', 'oom_kill', 'oom', 'max']);
const CPUSTAT = wantedKeys(['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_time', 'throttled_usec', 'user', 'system']);

/**
 * Every integer a parser hands out is non-negative (a `-1` is not read as a counter) and encodes to
 * at most 2^63−1; floats are never NaN. (Digits beyond 2^64 cannot come from the kernel; they are
 * read exactly and end clamped like any value above 2^63−1.)
 */
function checkValues(value: unknown, where: string): void {
  if (typeof value === 'bigint') {
    assert.ok(value >= 0n, `${where}: negative ${value}`);
    const encoded = encodeFieldValue(value)!;
    assert.ok(BigInt(encoded.slice(0, -1)) <= INT64_MAX, `${where}: ${encoded} above 2^63-1`);
  } else if (typeof value === 'number') {
    assert.ok(!Number.isNaN(value), `${where}: NaN`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkValues(v, `${where}.${k}`);
  }
}

/** Parser name → (text → result) and the real files it reads. */
const PARSERS: { name: string; parse: (text: string) => unknown; files: string[] }[] = [
  { name: 'blkio-v1', parse: parseBlkioV1, files: fixtures('blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced', 'blkio.io_service_bytes_recursive', 'blkio.bfq.io_serviced_recursive') },
  { name: 'cpu-list', parse: countCpuList, files: fixtures('cpuset.cpus', 'cpuset.cpus.effective', 'cpuset.effective_cpus') },
  { name: 'cpu-max', parse: parseCpuMax, files: fixtures('cpu.max') },
  { name: 'decimal', parse: (t) => parseDecimal(t, 0, t.length), files: fixtures('cpuacct.usage', 'memory.current', 'pids.current') },
  { name: 'flat-keyed memory.stat', parse: (t) => parseFlatKeyed(t, MEMSTAT), files: fixtures('memory.stat', 'memory.events', 'memory.oom_control') },
  { name: 'flat-keyed cpu.stat', parse: (t) => parseFlatKeyed(t, CPUSTAT), files: fixtures('cpu.stat', 'cpuacct.stat') },
  { name: 'io-stat', parse: parseIoStat, files: fixtures('io.stat') },
  { name: 'meminfo', parse: (t) => parseMeminfo(t, new Set(['MemTotal', 'MemAvailable', 'MemFree', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'])), files: fixtures('meminfo') },
  { name: 'net-dev', parse: parseNetDev, files: fixtures('dev') },
  { name: 'pid-list', parse: (t) => { const out: number[] = []; parsePidList(t, out); for (const p of out) assert.ok(Number.isSafeInteger(p) && p >= 0, `pid ${p}`); return out; }, files: fixtures('cgroup.procs', 'tasks', 'cgroup.threads') },
  { name: 'proc-stat', parse: parseProcStat, files: fixtures('stat') },
  { name: 'proc-task-status', parse: parseTaskStatus, files: fixtures('status') },
  { name: 'psi', parse: parsePsi, files: fixtures('cpu.pressure', 'io.pressure', 'memory.pressure') },
  { name: 'single-u64', parse: parseSingleU64, files: fixtures('memory.usage_in_bytes', 'memory.max_usage_in_bytes', 'memory.failcnt', 'pids.current', 'memory.swap.current', 'memory.peak') },
  { name: 'limit', parse: (t) => [parseLimit(t), parseLimit(t, V1_UNLIMITED_FROM)], files: fixtures('memory.max', 'memory.limit_in_bytes', 'pids.max', 'cpu.cfs_quota_us') },
  { name: 'u64-list', parse: parseU64List, files: fixtures('cpuacct.usage_percpu') },
  { name: 'u64', parse: (t) => { const out: string[] = []; splitBlank(t, 0, t.length, out); return [parseU64(t), out.map(isMajMin)]; }, files: fixtures('cpuacct.usage', 'uevent') },
];

const HUGE = ['18446744073709551615', '18446744073709551616', '9223372036854775808', '99999999999999999999999999', '-1', '-9223372036854775808', 'max', '', '\0', '1e308', 'NaN', '0x10', '+5'];

/** One mutation of a real file. */
const mutation = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.nat(text.length).map((n) => text.slice(0, n)), // truncated
    fc.tuple(fc.nat(Math.max(0, text.length - 1)), fc.integer({ min: 0, max: 255 })).map(([i, b]) => text.slice(0, i) + String.fromCharCode(b) + text.slice(i + 1)), // byte flip
    fc.constantFrom(...HUGE).map((h) => text.replace(/\d+/g, (m, off: number) => (off % 3 === 0 ? h : m))), // numbers replaced
    fc.constantFrom(...HUGE).map((h) => text.replace(/\d+/, h)),
    fc.constant(text.replace(/\n$/, '')), // missing final newline
    fc.constant(text.replaceAll('\n', '\0')), // NUL bytes
    fc.nat(20).map((n) => text + text.split('\n').slice(0, n).join('\n')), // duplicate keys/lines
    fc.constant(text.repeat(50)), // long
    fc.string({ unit: 'binary', maxLength: 300 }), // random
    fc.stringMatching(/^[a-z0-9_ .=:\-,\n\t]{0,300}$/),
  );

const RUNS_PER_FILE = 2400;
let inputs = 0;

describe('faults: fuzzed kernel files', () => {
  for (const p of PARSERS) {
    test(`${p.name}: ${p.files.length} real files × ${RUNS_PER_FILE} mutations: no exception, no negative value, encoded ≤ 2^63−1`, () => {
      for (const file of p.files) {
        fc.assert(
          fc.property(mutation(file), (text) => {
            inputs++;
            checkValues(p.parse(text), p.name);
          }),
          { numRuns: RUNS_PER_FILE },
        );
      }
    });
  }

  test('out-of-range values as docs/metrics.md says', () => {
    // Above 2^63−1: read exactly, clamped by the encoder.
    for (const v of [1n << 63n, (1n << 64n) - 1n]) {
      assert.equal(parseSingleU64(`${v}\n`), v);
      assert.equal(encodeFieldValue(parseSingleU64(`${v}\n`)!), '9223372036854775807i');
    }
    assert.equal(encodeFieldValue(parseFlatKeyed(`pgfault ${(1n << 64n) - 1n}\n`, MEMSTAT).values.pgfault!), '9223372036854775807i');
    // Negative: not a value (skipped and counted by the collector), never wrapped; beyond u64: clamped too.
    assert.equal(parseSingleU64('-1\n'), undefined);
    assert.equal(encodeFieldValue(parseSingleU64('18446744073709551616\n')!), '9223372036854775807i');
    // `max` (v2) and v1's huge page-aligned value: no limit → the limit field is absent.
    assert.deepEqual(parseLimit('max\n'), { unlimited: true });
    assert.deepEqual(parseLimit('9223372036854771712\n', V1_UNLIMITED_FROM), { unlimited: true });
    assert.deepEqual(parseLimit('67108864\n'), { unlimited: false, value: 67108864n });
    assert.deepEqual(parseCpuMax('max 100000\n'), { periodUs: 100000n });
    assert.equal(parseCpuMax('max 100000\n')!.quotaUs, undefined);
  });

  test('figures', () => {
    const total = inputs;
    console.log(`faults: fuzz parsers=${PARSERS.length} inputs=${total} exceptions=0`);
    assert.ok(total >= 100_000, `${total} fuzzed inputs`);
  });
});
