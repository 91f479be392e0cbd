// Properties of the parsers: arbitrary input never throws, and well-formed input reads back exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFlatKeyed, wantedKeys } from '../../../src/sampler/parsers/flat-keyed.js';
import { parseLimit, parseSingleU64, parseU64List } from '../../../src/sampler/parsers/single-value.js';
import { parseCpuMax } from '../../../src/sampler/parsers/cpu-max.js';
import { countCpuList } from '../../../src/sampler/parsers/cpu-list.js';
import { parsePsi } from '../../../src/sampler/parsers/psi.js';
import { parseProcStat } from '../../../src/sampler/parsers/proc-stat.js';
import { parseMeminfo } from '../../../src/sampler/parsers/meminfo.js';
import { parsePidStat } from '../../../src/sampler/parsers/proc-pid-stat.js';
import { parseVmRssBytes } from '../../../src/sampler/parsers/proc-pid-status.js';
import { formatCmdline } from '../../../src/sampler/parsers/cmdline.js';

const KEYS = ['anon', 'file', 'pgfault', 'total_rss', 'oom_kill'] as const;
const WANTED = wantedKeys(KEYS);
// Text made of the characters kernel files are made of, so the parsers get deep, not only rejected.
const kernelish = fc.stringMatching(/^[a-z0-9_ .=:\-,\n\t]{0,200}$/);
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('parsers on arbitrary input', () => {
  test('never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), kernelish), (text) => {
        parseFlatKeyed(text, WANTED);
        parseSingleU64(text);
        parseLimit(text, 1n << 62n);
        parseU64List(text);
        parseCpuMax(text);
        countCpuList(text);
        parsePsi(text);
        parseProcStat(text);
        parseMeminfo(text, new Set(['MemTotal']));
        parsePidStat(text);
        parseVmRssBytes(text);
        const line = formatCmdline(Buffer.from(text, 'latin1'), 50);
        assert.ok(line.length <= 50 && !/[\u0000-\u001f]/.test(line));
      }),
      { numRuns: 3000 },
    );
  });

  test('/proc/<pid>/stat: any comm (parentheses, spaces, any byte but NUL) reads back with the fields after it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 15 }).map((b) => Buffer.from(b.map((x) => x || 1)).toString('latin1')), fc.nat(), fc.nat(), (comm, utime, rss) => {
        const text = `77 (${comm}) S 1 77 77 0 -1 0 1 0 2 0 ${utime} 3 0 0 20 0 1 0 9 100 ${rss} 0 0\n`;
        const s = parsePidStat(text);
        assert.equal(s?.utimeTicks, BigInt(utime));
        assert.equal(s?.rssPages, BigInt(rss));
        assert.equal(s?.comm, Buffer.from(comm, 'latin1').toString('utf8'));
      }),
    );
  });

  test('flat keyed: written values read back exactly, other keys ignored, in any order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...KEYS, 'other', 'total_rss_huge', 'anon_thp'), { maxLength: 8 }),
        fc.array(u64, { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        (keys, values, finalNewline) => {
          const text = keys.map((k, i) => `${k} ${values[i]}`).join('\n') + (finalNewline ? '\n' : '');
          const expected: Record<string, bigint> = {};
          keys.forEach((k, i) => {
            if ((KEYS as readonly string[]).includes(k)) expected[k] = values[i];
          });
          assert.deepEqual(parseFlatKeyed(text, WANTED), { values: expected, malformed: 0 });
        },
      ),
    );
  });

  test('cpu lists: the count of a generated list of disjoint ranges', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { minLength: 1, maxLength: 6 }), (parts) => {
        let next = 0;
        let count = 0;
        const items = parts.map(([gap, width]) => {
          const from = next + gap;
          const to = from + width;
          next = to + 2;
          count += width + 1;
          return width === 0 ? `${from}` : `${from}-${to}`;
        });
        assert.equal(countCpuList(`${items.join(',')}\n`), count);
      }),
    );
  });

  test('single values and limits: any u64 reads back; max/-1 are no limit', () => {
    fc.assert(
      fc.property(u64, (v) => {
        assert.equal(parseSingleU64(`${v}\n`), v);
        assert.deepEqual(parseLimit(`${v}\n`), { unlimited: false, value: v });
      }),
    );
  });
});
