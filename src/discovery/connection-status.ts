// One clear log line when dockerd cannot be reached, not one per retry: logged again only when
// the reason changes or every `repeatMs` while it lasts, and once when the connection comes back.
import type { Logger } from '../log.js';

export function describeDockerError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { statusCode?: number };
  switch (e?.code) {
    case 'ENOENT':
      return 'the socket does not exist (is dockerd running? inside a container: is the socket mounted?)';
    case 'ECONNREFUSED':
      return 'nothing answers on it (dockerd stopped or restarting?)';
    case 'EACCES':
      return 'permission denied (run as root or as a member of the docker group)';
    case 'ECONNRESET':
      return 'dockerd closed the connection';
    default:
      return e?.message ?? String(err);
  }
}

export class ConnectionStatus {
  private reason: string | undefined;
  private lastLogged = 0;
  private everConnected = false;

  constructor(
    private readonly log: Logger,
    private readonly target: string,
    private readonly repeatMs = 5 * 60_000,
  ) {}

  get down(): boolean {
    return this.reason !== undefined;
  }

  /** The current reason dockerd cannot be reached, for messages. */
  get lastReason(): string | undefined {
    return this.reason;
  }

  failed(err: unknown): void {
    const reason = describeDockerError(err);
    const now = Date.now();
    if (reason !== this.reason || now - this.lastLogged >= this.repeatMs) {
      this.log.warn(`cannot reach dockerd at ${this.target}: ${reason}; retrying in the background`);
      this.lastLogged = now;
    }
    this.reason = reason;
  }

  ok(): void {
    if (this.reason !== undefined) this.log.info(`connected to dockerd at ${this.target} again`);
    else if (!this.everConnected) this.log.debug(`connected to dockerd at ${this.target}`);
    this.reason = undefined;
    this.everConnected = true;
  }
}
