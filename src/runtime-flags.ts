// The flags node runs cgflux with: the image's ENTRYPOINT, `npm start` and the benchmark's daemon
// use NODE_FLAGS (test/runtime-flags.test.ts keeps them in step). They cannot be set from inside
// the process or through NODE_OPTIONS, so a cgflux started without them says so once.
//
// --min-semi-space-size=16: V8 shrinks the young generation to 1 MB while the process is idle,
// which it is for most of a 10 s interval. A tick allocates more than that, so it was scavenged
// mid-tick while its rows and lines were alive; they were promoted, and the old generation was
// marked and compacted every few ticks. Held at 16 MB, a tick's garbage dies young.
//
// --interrupt-budget=16896 (a quarter of V8's default): V8 optimises a function after it has run
// enough bytecode, counted in calls, not time. A 10 s daemon calls its per-container code once
// per container per tick, so it took ~80 ticks (13 minutes) to get it optimised; with a quarter
// of the budget it settles in ~25 ticks at the same steady cost (figures in docs/performance.md).

export const YOUNG_SEMI_SPACE_MB = 16;
export const INTERRUPT_BUDGET = 16_896;
export const NODE_FLAGS: readonly string[] = [`--min-semi-space-size=${YOUNG_SEMI_SPACE_MB}`, `--interrupt-budget=${INTERRUPT_BUDGET}`];

/** The last value of a V8 flag on the command line (V8 takes the last; `-` and `_` are one). */
function flagValue(execArgv: readonly string[], name: string): number | undefined {
  const pattern = new RegExp(`^--${name.replace(/-/g, '[-_]')}=(\\d+)$`);
  let value: number | undefined;
  for (const arg of execArgv) {
    const m = pattern.exec(arg);
    if (m) value = Number(m[1]);
  }
  return value;
}

/**
 * True when node was started with a young-generation floor of at least YOUNG_SEMI_SPACE_MB. Read
 * from the command line: the heap's own size says nothing, as V8 grows the young generation
 * while a process starts and shrinks it only once it idles.
 */
export function youngGenerationPinned(execArgv: readonly string[] = process.execArgv): boolean {
  const mb = flagValue(execArgv, 'min-semi-space-size');
  return mb !== undefined && mb >= YOUNG_SEMI_SPACE_MB;
}

/** True when V8 tiers up at least as early as INTERRUPT_BUDGET makes it. */
export function earlyTierUp(execArgv: readonly string[] = process.execArgv): boolean {
  const budget = flagValue(execArgv, 'interrupt-budget');
  return budget !== undefined && budget > 0 && budget <= INTERRUPT_BUDGET;
}

/** What a node started with `execArgv` lacks of NODE_FLAGS, in words for the log; empty when nothing. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const missing: string[] = [];
  if (!youngGenerationPinned(execArgv)) missing.push('the default young generation');
  if (!earlyTierUp(execArgv)) missing.push("V8's default tier-up budget");
  return missing;
}
