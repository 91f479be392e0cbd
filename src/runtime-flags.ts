// The flags node runs cgflux with: the image's ENTRYPOINT, `npm start` and the benchmark's daemon
// use NODE_FLAGS (test/runtime-flags.test.ts keeps them in step). They cannot be set from inside
// the process or through NODE_OPTIONS, so a cgflux started without them says so once.
//
// --min-semi-space-size=16: V8 shrinks the young generation to 1 MB while the process is idle,
// which it is for most of a 10 s interval. A tick allocates more than that, so it was scavenged
// mid-tick while its rows and lines were alive; they were promoted, and the old generation was
// marked and compacted every few ticks. Held at 16 MB, a tick's garbage dies young (figures in
// docs/performance.md).

export const YOUNG_SEMI_SPACE_MB = 16;
export const NODE_FLAGS: readonly string[] = [`--min-semi-space-size=${YOUNG_SEMI_SPACE_MB}`];

/**
 * True when node was started with a young-generation floor of at least YOUNG_SEMI_SPACE_MB. Read
 * from the command line: the heap's own size says nothing, as V8 grows the young generation
 * while a process starts and shrinks it only once it idles.
 */
export function youngGenerationPinned(execArgv: readonly string[] = process.execArgv): boolean {
  let mb: number | undefined;
  for (const arg of execArgv) {
    const m = /^--min[-_]semi[-_]space[-_]size=(\d+)$/.exec(arg);
    if (m) mb = Number(m[1]); // the last one wins, as in V8
  }
  return mb !== undefined && mb >= YOUNG_SEMI_SPACE_MB;
}
