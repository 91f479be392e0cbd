// The answers of InfluxDB 1.x, 2.x and 3.x as observed or documented (test/fixtures/influx-errors):
// line-level rejections are dropped by reason, request-level refusals keep the batch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { HttpError } from '@influxdata/influxdb-client';
import { classifyError } from '../../src/output/classify.js';
import { lineReasonOf } from '../../src/output/line-rejections.js';

interface Case {
  what: string;
  status: number;
  body: string;
  expect: { kind: string; reason?: string; dropped?: number; othersWritten?: boolean; named?: [number, string][] };
}

const ctx = { notFound: (_msg: string, status: number) => (status === 404 ? 'the bucket does not exist' : undefined), timedOut: false, timeoutMs: 1000 };

for (const file of ['influxdb-v1', 'influxdb-v2', 'influxdb-v3', 'request-level']) {
  const cases = JSON.parse(readFileSync(new URL(`../fixtures/influx-errors/${file}.json`, import.meta.url), 'utf8')) as Case[];
  describe(`classify: ${file} answers`, () => {
    for (const c of cases) {
      test(c.what, () => {
        const outcome = classifyError(new HttpError(c.status, 'status', c.body, undefined, 'application/json'), ctx);
        assert.equal(outcome.kind, c.expect.kind);
        if (outcome.kind !== 'rejected') return;
        assert.equal(outcome.reason, c.expect.reason);
        assert.equal(outcome.dropped, c.expect.dropped);
        if (c.expect.othersWritten !== undefined) assert.equal(outcome.othersWritten, c.expect.othersWritten);
        if (c.expect.named) assert.deepEqual(outcome.named?.map((n) => [n.index, n.reason]), c.expect.named);
        else assert.equal(outcome.named, undefined);
        assert.match(outcome.message, new RegExp(`^HTTP ${c.status}`));
      });
    }
  });
}

describe('line reasons', () => {
  test('a missing retention policy or database is not a line-level rejection', () => {
    assert.equal(lineReasonOf('retention policy not found: rp1'), undefined);
    assert.equal(lineReasonOf('database not found: "db"'), undefined);
    assert.equal(lineReasonOf('invalid precision; valid precision units are ns, us, ms, and s'), undefined);
  });
  test('a tag/field clash is a column conflict, a field of another type a type conflict', () => {
    assert.equal(lineReasonOf("invalid column type for column 'pid', expected iox::column_type::tag, got iox::column_type::field::integer"), 'column_conflict');
    assert.equal(lineReasonOf('Unable to insert iox::column_type::field::integer type into a column of iox::column_type::tag'), 'column_conflict');
    assert.equal(lineReasonOf("invalid column type for column 'v', expected iox::column_type::field::integer, got iox::column_type::field::string"), 'type_conflict');
  });
});
