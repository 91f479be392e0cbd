// `cgflux config check`: the effective configuration, or every problem with where to fix it.
import { ConfigError, formatIssue } from './errors.js';
import { loadConfig, type LoadOptions } from './load.js';
import { renderEffectiveConfig } from './render.js';

export interface ConfigCheckOptions extends LoadOptions {
  /** Receives complete chunks, each ending in a newline (like process.stdout.write). */
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** 0 and the effective config on stdout; 2 and one line per problem plus a hint on stderr. */
export function runConfigCheck(opts: ConfigCheckOptions): number {
  try {
    const config = loadConfig(opts);
    opts.stdout(renderEffectiveConfig(config));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) opts.stderr(formatIssue(issue) + '\n');
    const n = err.issues.length;
    opts.stderr(`${n} problem${n === 1 ? '' : 's'} in the configuration; fix ${n === 1 ? 'it' : 'them'} and run "cgflux config check" again (config/cgflux.yaml lists every option with its default)\n`);
    return 2;
  }
}
