// Credentials in URLs (`http://user:password@host`) never reach a log line, an error or
// `config check` output: every place that shows a URL masks them the same way.

export const MASK = '***';

/** `http://user:pass@host/x` → `http://***@host/x`; also `user:pass@host` without a scheme. */
export function maskUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/?#]*@/i, `$1${MASK}@`);
}
