import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Scheduler, type Tick } from '../../src/daemon/scheduler.js';
import { MetricsRegistry } from '../../src/daemon/self-metrics.js';
import type { Logger } from '../../src/log.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function captureLog(): { log: Logger; lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const log: Logger = {
    debug: (msg) => lines.push({ level: 'debug', msg }),
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => lines.push({ level: 'error', msg }),
    child: () => log,
  };
  return { log, lines };
}

interface Seen extends Tick {
  atMs: number;
}

async function runFor(scheduler: Scheduler, ms: number, work?: (t: Tick) => Promise<void> | void): Promise<Seen[]> {
  const seen: Seen[] = [];
  scheduler.onTick(async (t) => {
    seen.push({ ...t, atMs: Date.now() });
    await work?.(t);
  });
  scheduler.start();
  await sleep(ms);
  await scheduler.stop();
  return seen;
}

function assertConsecutive(seen: Seen[], step: number): void {
  for (let i = 1; i < seen.length; i++) {
    assert.equal(seen[i].scheduledMs - seen[i - 1].scheduledMs, step, `tick ${i}: ${seen.map((s) => s.scheduledMs)}`);
    assert.equal(seen[i].seq, seen[i - 1].seq + 1);
  }
}

describe('Scheduler', () => {
  test('1 s interval over ~5 s: ~5 ticks on consecutive whole seconds, fired right after the slot', async () => {
    const s = new Scheduler({ interval: { every_ms: 1000, cron: null } });
    assert.equal(s.describe(), 'every 1000 ms aligned to multiples of the interval');
    const seen = await runFor(s, 5200);
    assert.ok(seen.length >= 4 && seen.length <= 6, `ticks: ${seen.length}`);
    assert.equal(seen[0].seq, 1);
    for (const t of seen) {
      assert.equal(t.scheduledMs % 1000, 0);
      const lag = t.atMs - t.scheduledMs;
      assert.ok(lag >= 0 && lag < 250, `lag ${lag} ms`);
    }
    assertConsecutive(seen, 1000);
    assert.equal(s.stats.ticks, seen.length);
    assert.equal(s.stats.lastTickMs, seen.at(-1)?.scheduledMs);
  });

  test('an interval cron cannot express (300 ms) aligns to multiples of the interval too', async () => {
    const s = new Scheduler({ interval: { every_ms: 300, cron: null } });
    const seen = await runFor(s, 1900);
    assert.ok(seen.length >= 5 && seen.length <= 7, `ticks: ${seen.length}`);
    for (const t of seen) {
      assert.equal(t.scheduledMs % 300, 0);
      const lag = t.atMs - t.scheduledMs;
      assert.ok(lag >= -2 && lag < 150, `lag ${lag} ms`);
    }
    assertConsecutive(seen, 300);
  });

  test('a tick that holds the event loop past the next slots: the latest slot runs, the passed ones are skipped and counted', async () => {
    const { log, lines } = captureLog();
    const s = new Scheduler({ interval: { every_ms: 100, cron: null }, log });
    const seen = await runFor(s, 1300, () => {
      const until = Date.now() + 330; // blocks the event loop: the next timer fires ~3 slots late
      while (Date.now() < until);
    });
    assert.ok(seen.length >= 3 && seen.length <= 5, `ran ${seen.length}`);
    for (const t of seen) {
      assert.equal(t.scheduledMs % 100, 0);
      const lag = t.atMs - t.scheduledMs;
      // Node timers may fire a millisecond before Date.now() reaches the slot.
      assert.ok(lag >= -2 && lag < 100, `lag ${lag} ms: the nominal time must be the slot just passed`);
    }
    let gaps = 0;
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].scheduledMs - seen[i - 1].scheduledMs >= 300);
      gaps += (seen[i].scheduledMs - seen[i - 1].scheduledMs) / 100 - 1;
    }
    // Every slot between two ticks that ran is counted as skipped (none is stacked up either).
    assert.equal(s.stats.ticksSkipped, gaps);
    const warns = lines.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1, JSON.stringify(lines));
    assert.match(warns[0].msg, /^\d+ ticks skipped since the last report \(latest \S+\): the previous tick held the event loop for 0\.3 s/);
  });

  test('cron expression is honoured as given (every 2 s, even seconds)', async () => {
    const s = new Scheduler({ interval: { every_ms: null, cron: '*/2 * * * * *' } });
    assert.equal(s.expectedIntervalMs(), 2000);
    const seen = await runFor(s, 4300);
    assert.ok(seen.length >= 2 && seen.length <= 3, `ticks: ${seen.length}`);
    for (const t of seen) {
      assert.equal(t.scheduledMs % 2000, 0);
      assert.ok(t.atMs - t.scheduledMs < 250);
    }
    assertConsecutive(seen, 2000);
  });

  test('a cron expression is read in the given time zone', () => {
    const s = new Scheduler({ interval: { every_ms: null, cron: '0 0 * * *' }, timeZone: 'Asia/Kolkata' });
    // Midnight in India (UTC+05:30) after noon UTC on 1 January is 18:30 UTC the same day.
    assert.equal(new Date(s['nextSlot'](Date.UTC(2026, 0, 1, 12, 0, 0))).toISOString(), '2026-01-01T18:30:00.000Z');
  });

  test('5-field cron expressions are accepted (minute resolution)', () => {
    const s = new Scheduler({ interval: { every_ms: null, cron: '*/5 * * * *' } });
    assert.equal(s.expectedIntervalMs(), 300_000);
    assert.equal(new Scheduler({ interval: { every_ms: 10_000, cron: null } }).expectedIntervalMs(), 10_000);
  });

  test('an invalid cron expression or no interval fails at construction with the expression in the message', () => {
    assert.throws(() => new Scheduler({ interval: { every_ms: null, cron: '61 * * * * *' } }), /^Error: interval: invalid cron expression '61 \* \* \* \* \*': /);
    assert.throws(() => new Scheduler({ interval: { every_ms: null, cron: null } }), /expected every_ms > 0 or a cron expression/);
  });

  test('a slow tick never overlaps the next: skips are counted, logged once, metrics updated', async () => {
    const { log, lines } = captureLog();
    const metrics = new MetricsRegistry();
    const s = new Scheduler({ interval: { every_ms: 100, cron: null }, log, metrics });
    let inFlight = 0;
    let maxInFlight = 0;
    const seen = await runFor(s, 1650, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(450);
      inFlight--;
    });
    assert.equal(maxInFlight, 1);
    // Ticks start at 0, ~500, ~1000, ~1500 ms: 4 ran, the ~12 slots in between were skipped.
    assert.ok(seen.length >= 3 && seen.length <= 4, `ran ${seen.length}`);
    const { ticks, ticksSkipped } = s.stats;
    assert.equal(ticks, seen.length);
    assert.ok(ticksSkipped >= 9 && ticksSkipped <= 14, `skipped ${ticksSkipped}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].scheduledMs - seen[i - 1].scheduledMs >= 500);
    const warns = lines.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1, JSON.stringify(lines));
    assert.match(warns[0].msg, /tick \S+ skipped: the previous tick is still running after 0\.\d s/);
    assert.match(metrics.renderPrometheus(), new RegExp(`^cgflux_ticks_skipped_total ${ticksSkipped}$`, 'm'));
    assert.match(metrics.renderPrometheus(), new RegExp(`^cgflux_ticks_total ${ticks}$`, 'm'));
  });

  test('skip reports after the first one summarise the count', async () => {
    const { log, lines } = captureLog();
    const s = new Scheduler({ interval: { every_ms: 50, cron: null }, log, skipLogEveryMs: 400 });
    await runFor(s, 1000, () => sleep(2000).then(() => undefined));
    const warns = lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    assert.ok(warns.length >= 2 && warns.length <= 3, JSON.stringify(warns));
    assert.match(warns[1], /^\d+ ticks skipped since the last report \(latest /);
  });

  test('errors thrown or rejected in a tick are logged and counted; ticks go on', async () => {
    const { log, lines } = captureLog();
    const s = new Scheduler({ interval: { every_ms: 100, cron: null }, log });
    const seen = await runFor(s, 650, (t) => {
      if (t.seq === 1) throw new Error('sync failure');
      if (t.seq === 2) return Promise.reject(new Error('async failure'));
    });
    assert.ok(seen.length >= 5, `ran ${seen.length}`);
    assert.equal(s.stats.tickErrors, 2);
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 2);
    assert.match(errors[0].msg, /^tick \S+ failed; the next tick runs as usual$/);
  });

  test('stop() waits for the running tick and no tick fires afterwards', async () => {
    const s = new Scheduler({ interval: { every_ms: 100, cron: null } });
    let finished = false;
    let count = 0;
    let started!: () => void;
    const firstTick = new Promise<void>((r) => (started = r));
    s.onTick(async () => {
      count++;
      started();
      await sleep(400);
      finished = true;
    });
    s.start();
    await firstTick;
    await s.stop();
    assert.equal(finished, true);
    assert.equal(s.stats.running, false);
    const after = count;
    await sleep(350);
    assert.equal(count, after);
  });

  for (const everyMs of [1000, 250]) {
    test(`after stop() the process exits by itself (${everyMs} ms, no timer left)`, async () => {
      const fixture = fileURLToPath(new URL('./fixtures/scheduler-exit.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, String(everyMs), '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`child did not exit after stop():\n${out}`));
        }, 8000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 0, out);
      const lines = out.trim().split('\n');
      assert.equal(lines[0], 'started');
      assert.match(lines[1], /^tick 1 \d+$/);
      assert.match(lines[2], /^tick 2 \d+$/);
      assert.deepEqual(lines.slice(3), ['tick done', 'stopped']);
    });
  }
});
