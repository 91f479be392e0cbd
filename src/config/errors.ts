// Configuration problems, each pinned to where the operator can fix it: a file position, an
// environment variable or a command-line flag.

export interface ConfigIssue {
  /** `config/cgflux.yaml`, `env CGFLUX_INTERVAL` or `flag --interval`. */
  source: string;
  line?: number;
  col?: number;
  /** Path in the YAML shape, e.g. `outputs[0].url`; empty when the issue is about the whole source. */
  path: string;
  message: string;
}

/** One issue as one line: `file:12:5: outputs[0].url: expected …` or `env CGFLUX_INTERVAL: expected …`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${issue.source}:${issue.line}:${issue.col ?? 1}` : issue.source;
  // An environment variable or flag already names the setting; repeating the path adds noise.
  const namesItself = issue.line === undefined && /^(env|flag) /.test(issue.source);
  const path = issue.path && !namesItself ? `${issue.path}: ` : '';
  return `${where}: ${path}${oneLine(issue.message)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Where a value came from, so later cross-checks can point at it. */
export interface Origin {
  source: string;
  line?: number;
  col?: number;
}

/** Collects issues in the order found, so all of them are reported at once. */
export class IssueList {
  readonly items: ConfigIssue[] = [];

  add(origin: Origin, path: string, message: string): void {
    this.items.push({ ...origin, path, message });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** JSON-quotes what the operator wrote so empty strings and spaces stay visible. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
