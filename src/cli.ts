#!/usr/bin/env node
// The `cgflux` executable. The logic is in main.ts so tests can call it in-process.
import { routeLibraryLogs } from './library-logs.js';
import { main } from './main.js';

routeLibraryLogs();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cgflux: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
