import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildDashboards, render } from '../../grafana/build-dashboards.js';
import { REPO_ROOT, allPanels, extractQueries, hasUnexpandedMacro, loadDashboards, substituteMacros } from './queries.js';

const dashboards = loadDashboards();
const queries = dashboards.flatMap(extractQueries);

function provisionedDatasources(): Array<{ uid: string; type: string; jsonData: Record<string, unknown>; secureJsonData: Record<string, unknown> }> {
  const file = join(REPO_ROOT, 'grafana', 'provisioning', 'datasources', 'influxdb.yaml');
  return parse(readFileSync(file, 'utf8')).datasources;
}

describe('committed dashboards', () => {
  test('there are the four dashboards, and each one parses with a uid and a title', () => {
    assert.deepEqual(
      dashboards.map((d) => d.file),
      ['capacity.json', 'container-detail.json', 'hosts-overview.json', 'rates.json'],
    );
    for (const d of dashboards) {
      assert.match(d.json.uid, /^[a-z0-9-]{1,40}$/, `${d.file}: uid`);
      assert.ok(d.json.title.startsWith('cgflux / '), `${d.file}: title "${d.json.title}"`);
    }
  });

  test('dashboard uids and titles are unique', () => {
    const uids = dashboards.map((d) => d.json.uid);
    assert.equal(new Set(uids).size, uids.length, `duplicate uid in ${uids.join(', ')}`);
    const titles = dashboards.map((d) => d.json.title);
    assert.equal(new Set(titles).size, titles.length);
  });

  test('the committed JSON is what grafana/build-dashboards.ts generates (rebuild after editing grafana/src)', () => {
    const built = buildDashboards();
    for (const d of dashboards) {
      const expected = built[d.file];
      assert.ok(expected, `${d.file} is not produced by the generator`);
      const committed = readFileSync(join(REPO_ROOT, 'grafana', 'dashboards', d.file), 'utf8');
      assert.equal(committed, render(expected), `${d.file} is stale: run node --import tsx grafana/build-dashboards.ts`);
    }
  });

  test('every datasource uid used by a panel, target, variable or annotation is provisioned', () => {
    const provisioned = new Set(provisionedDatasources().map((d) => d.uid));
    assert.deepEqual([...provisioned].sort(), ['cgflux-influxdb', 'cgflux-influxdb-downsampled']);
    let checked = 0;
    for (const d of dashboards) {
      for (const p of allPanels(d.json)) {
        if (p.type === 'row') continue;
        assert.ok(provisioned.has(p.datasource?.uid), `${d.file} panel "${p.title}": datasource ${JSON.stringify(p.datasource)}`);
        checked++;
      }
      for (const v of d.json.templating.list) assert.ok(provisioned.has(v.datasource?.uid), `${d.file} variable ${v.name}`);
    }
    for (const q of queries) {
      assert.ok(provisioned.has(q.datasourceUid as string), `${q.file} ${q.where}: datasource uid ${q.datasourceUid}`);
    }
    assert.ok(checked > 40, `only ${checked} panels checked`);
  });

  test('the capacity dashboard reads only the downsampled datasource, the others only the raw one', () => {
    for (const q of queries) {
      const expected = q.file === 'capacity.json' ? 'cgflux-influxdb-downsampled' : 'cgflux-influxdb';
      assert.equal(q.datasourceUid, expected, `${q.file} ${q.where}`);
    }
  });

  test('the datasources are InfluxQL against InfluxDB 2 with a token header from the environment', () => {
    for (const ds of provisionedDatasources()) {
      assert.equal(ds.type, 'influxdb');
      assert.equal(ds.jsonData.httpHeaderName1, 'Authorization');
      assert.equal(ds.secureJsonData.httpHeaderValue1, 'Token ${INFLUXDB_TOKEN}');
      assert.match(String(ds.jsonData.dbName), /^\$\{INFLUXDB_(DOWNSAMPLED_)?BUCKET\}$/);
      assert.equal(ds.jsonData.version, undefined, 'version Flux would switch the datasource off InfluxQL');
    }
  });

  test('every target is a raw InfluxQL query bounded by the dashboard time range', () => {
    const panelQueries = queries.filter((q) => q.kind === 'panel');
    assert.ok(panelQueries.length > 60, `only ${panelQueries.length} panel queries`);
    for (const q of queries) {
      const at = `${q.file} ${q.where}: ${q.query}`;
      assert.equal(q.rawQuery, true, at);
      assert.match(q.query, /^(SELECT|SHOW TAG VALUES) /, at);
      assert.doesNotMatch(q.query, /from\(bucket:|\|>/, `${at} looks like Flux`);
      if (q.kind !== 'variable') assert.match(q.query, /\$timeFilter/, at);
    }
  });

  test('counter rates are per second and time-grouped queries never fill gaps with zeros', () => {
    for (const q of queries) {
      const at = `${q.file} ${q.where}: ${q.query}`;
      const calls = q.query.split('non_negative_derivative(').length - 1;
      const wellFormed = [...q.query.matchAll(/non_negative_derivative\((max|last)\("\w+"\), 1s\)/g)].length;
      assert.equal(wellFormed, calls, `${at}: want non_negative_derivative(max|last("field"), 1s)`);
      const grouped = q.query.split('GROUP BY time(').length - 1;
      const filled = [...q.query.matchAll(/GROUP BY time\([^)]*\)(, "\w+")* fill\(none\)/g)].length;
      assert.equal(filled, grouped, `${at}: every GROUP BY time(…) needs fill(none)`);
    }
  });

  test('every variable a query uses is defined in its dashboard', () => {
    for (const d of dashboards) {
      const defined = new Set<string>(d.json.templating.list.map((v: { name: string }) => v.name));
      for (const q of extractQueries(d)) {
        for (const m of q.query.matchAll(/\$(\w+)/g)) {
          const name = m[1] as string;
          if (name === 'timeFilter' || name.startsWith('__')) continue;
          assert.ok(defined.has(name), `${d.file} ${q.where} uses $${name}, not a variable of the dashboard`);
        }
      }
    }
  });

  test('panels fit the 24-column grid and do not overlap', () => {
    for (const d of dashboards) {
      const taken = new Set<string>();
      for (const p of d.json.panels) {
        const { x, y, w, h } = p.gridPos;
        assert.ok(x >= 0 && x + w <= 24, `${d.file} "${p.title}" x=${x} w=${w}`);
        for (let i = x; i < x + w; i++) {
          for (let j = y; j < y + h; j++) {
            const cell = `${i},${j}`;
            assert.ok(!taken.has(cell), `${d.file} "${p.title}" overlaps another panel at ${cell}`);
            taken.add(cell);
          }
        }
      }
      const ids = d.json.panels.map((p: { id: number }) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${d.file}: duplicate panel id`);
    }
  });
});

describe('substituteMacros', () => {
  test('expands time filter, interval and variables into plain InfluxQL', () => {
    const q = 'SELECT non_negative_derivative(max("rx_bytes"), 1s) FROM "docker_container_net" WHERE "host" =~ /^$host$/ AND "container_name" =~ /^${container}$/ AND $timeFilter GROUP BY time($__interval) fill(none) LIMIT $__interval_ms';
    assert.equal(
      substituteMacros(q, { vars: { host: 'web-1' }, interval: '1m', timeFilter: "time > '2026-01-01T00:00:00Z'" }),
      'SELECT non_negative_derivative(max("rx_bytes"), 1s) FROM "docker_container_net" WHERE "host" =~ /^web-1$/ AND "container_name" =~ /^.*$/ AND time > \'2026-01-01T00:00:00Z\' GROUP BY time(1m) fill(none) LIMIT 60000',
    );
  });

  test('leaves no macro behind in any dashboard query', () => {
    for (const q of queries) {
      const expanded = substituteMacros(q.query);
      assert.equal(hasUnexpandedMacro(expanded), false, `${q.file} ${q.where}: ${expanded}`);
      assert.match(expanded, q.kind === 'variable' ? /^SHOW/ : /time > now\(\) - 1h/);
    }
  });
});
