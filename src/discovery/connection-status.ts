// One clear log line when dockerd cannot be reached, not one per retry: logged again only when
// the reason changes or every `repeatMs` while it lasts, and once when the connection comes back.
import { statSync } from 'node:fs';
import type { Logger } from '../log.js';

/** Who this process is, for the permission hint; a parameter so tests can be anyone. */
export interface Identity {
  uid: number;
  groups: number[];
}

const self = (): Identity => ({ uid: process.getuid?.() ?? -1, groups: process.getgroups?.() ?? [] });

/**
 * EACCES on a unix socket: name the socket's group (its gid, as stat sees it here) that this
 * process lacks, and where each deployment adds it. The group differs per host, which is why
 * nothing in the image can know it in advance.
 */
export function permissionHint(socketPath: string | undefined, who: Identity = self()): string {
  const base = 'permission denied';
  if (!socketPath) return `${base} (run as root or as a member of the docker group)`;
  let st: { gid: number; mode: number };
  try {
    st = statSync(socketPath);
  } catch {
    return `${base} (run as root or as a member of the socket's group)`;
  }
  const gid = st.gid;
  const ids = `uid ${who.uid}, groups ${who.groups.length > 0 ? who.groups.join(',') : 'none'}`;
  if (who.groups.includes(gid)) {
    const mode = (st.mode & 0o777).toString(8);
    return `${base}: cgflux (${ids}) is in the socket's group ${gid}, but its mode ${mode} gives that group no read/write`;
  }
  return `${base}: the socket belongs to group ${gid} and cgflux (${ids}) is not in it; add group ${gid}: compose DOCKER_GID=${gid} in .env (sh scripts/init-env.sh writes it), docker run --group-add ${gid}, Kubernetes supplementalGroups: [${gid}], Swarm user: "10001:${gid}"`;
}

/** `socketPath`: the unix socket dialled, so a permission error can name its group. */
export function describeDockerError(err: unknown, socketPath?: string): string {
  const e = err as NodeJS.ErrnoException & { statusCode?: number };
  switch (e?.code) {
    case 'ENOENT':
      return 'the socket does not exist (is dockerd running? inside a container: is the socket mounted?)';
    case 'ECONNREFUSED':
      return 'nothing answers on it (dockerd stopped or restarting?)';
    case 'EACCES':
      return permissionHint(socketPath);
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
    /** The unix socket path, when the target is one (not tcp://). */
    private readonly socketPath?: string,
  ) {}

  get down(): boolean {
    return this.reason !== undefined;
  }

  /** The current reason dockerd cannot be reached, for messages. */
  get lastReason(): string | undefined {
    return this.reason;
  }

  failed(err: unknown): void {
    const reason = describeDockerError(err, this.socketPath);
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
