// GET /healthz (for orchestrators and humans), GET /metrics (Prometheus text) and the REST API
// (GET /api/v1/…, see api/api.ts) on a local port.
// The server only renders what its providers hand it; it never reads the config, so it cannot
// leak a token or password.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen, type ListenAddress } from '../listen.js';
import { logger as makeLogger, type Logger } from '../log.js';

export interface OutputHealth {
  /** ms since the epoch of the last accepted write, or null when none yet. */
  lastSuccessMs: number | null;
  /** The last failure, already free of secrets (the output redacts its own messages). */
  lastError: { atMs: number; message: string } | null;
  spoolBytes: number;
}

export interface HealthSnapshot {
  /** False until the first tick finished and the outputs are set up. */
  ready: boolean;
  /** Nominal time of the last finished tick, or null. */
  lastTickMs: number | null;
  /** Nominal gap between ticks, for the staleness rule (stale after 3 intervals). */
  intervalMs: number;
  outputs: Record<string, OutputHealth>;
  /** Why dockerd cannot be reached right now ("cannot reach dockerd at …: …"); absent when it can. */
  dockerProblem?: string;
}

export interface HealthBody {
  status: 'ok' | 'degraded' | 'starting';
  ready: boolean;
  last_tick: string | null;
  last_tick_age_s: number | null;
  /** Why the status is not `ok`, one sentence each, for the human reading the JSON. */
  reasons: string[];
  outputs: Record<string, { last_success: string | null; last_error: string | null; last_error_at: string | null; spool_bytes: number }>;
}

export interface HttpServerOptions {
  /** `host:port`, `[v6]:port` or `:port`; port 0 picks a free one. */
  listen: string;
  health: () => HealthSnapshot;
  metrics: () => string;
  /** The REST API's answer for a path below /api/, or undefined for a 404. */
  api?: (path: string, search: URLSearchParams) => { code: number; body: unknown } | undefined;
  log?: Logger;
  now?: () => number;
}

export const STALE_AFTER_INTERVALS = 3;

/** `http.listen` → host and port; throws with the value and what was expected. */
export function listenAddress(listen: string): ListenAddress {
  const parsed = parseListen(listen);
  if ('error' in parsed) throw new Error(`http.listen ${JSON.stringify(listen)}: ${parsed.error}`);
  return parsed;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The /healthz body and HTTP status for a snapshot; pure, for tests and for `cgflux status`. */
export function evaluateHealth(snap: HealthSnapshot, nowMs: number): { code: number; body: HealthBody } {
  const reasons: string[] = [];
  const age = snap.lastTickMs === null ? null : Math.max(0, Math.round((nowMs - snap.lastTickMs) / 100) / 10);
  const staleAfterS = (STALE_AFTER_INTERVALS * snap.intervalMs) / 1000;
  const stale = snap.ready && age !== null && age > staleAfterS;
  if (!snap.ready) reasons.push('starting: no tick has finished yet');
  if (stale) reasons.push(`last tick ${age} s ago, more than ${STALE_AFTER_INTERVALS} intervals (${staleAfterS} s): sampling is stuck or too slow`);
  // Degraded, not 503: discovery retries by itself, and a restart fixes no socket permission.
  if (snap.dockerProblem) reasons.push(`${snap.dockerProblem} (discovery retries in the background)`);
  const outputs: HealthBody['outputs'] = {};
  for (const [name, o] of Object.entries(snap.outputs)) {
    outputs[name] = {
      last_success: iso(o.lastSuccessMs),
      last_error: o.lastError?.message ?? null,
      last_error_at: iso(o.lastError?.atMs ?? null),
      spool_bytes: o.spoolBytes,
    };
    if (o.lastError && (o.lastSuccessMs === null || o.lastError.atMs > o.lastSuccessMs)) {
      reasons.push(`output ${name} failing since ${iso(o.lastError.atMs)}: ${o.lastError.message} (data kept in the spool)`);
    }
  }
  // A failing output degrades but stays 200: restarting cgflux would not bring InfluxDB back, and
  // the spool keeps the data. A stuck tick or a daemon not yet ready is a 503.
  const code = !snap.ready || stale ? 503 : 200;
  const status: HealthBody['status'] = !snap.ready ? 'starting' : reasons.length > 0 ? 'degraded' : 'ok';
  return { code, body: { status, ready: snap.ready, last_tick: iso(snap.lastTickMs), last_tick_age_s: age, reasons, outputs } };
}

export class HttpServer {
  private readonly log: Logger;
  private server: Server | null = null;

  constructor(private readonly options: HttpServerOptions) {
    this.log = options.log ?? makeLogger('http');
  }

  /** Binds and resolves with the bound address (the real port when 0 was asked). */
  async start(): Promise<{ host: string; port: number }> {
    const { host, port } = listenAddress(this.options.listen);
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(new Error(listenErrorMessage(this.options.listen, err)));
      };
      server.once('error', onError);
      server.listen({ host, port }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error('HTTP server error', { error: err }));
    this.server = server;
    const addr = server.address() as AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const isApi = path.startsWith('/api/') && this.options.api !== undefined;
    const known = path === '/healthz' || path === '/metrics' || isApi;
    if (!known) return this.send(req, res, 404, 'text/plain; charset=utf-8', `not found: try /healthz${this.options.api ? ', /metrics or /api/v1/containers' : ' or /metrics'}\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return this.send(req, res, 405, 'text/plain; charset=utf-8', `method ${req.method} not allowed: use GET or HEAD\n`);
    }
    try {
      if (isApi) {
        const answer = this.options.api!(path, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
        const { code, body } = answer ?? { code: 404, body: { error: `no such endpoint ${path}: try /api/v1/containers` } };
        this.send(req, res, code, 'application/json; charset=utf-8', JSON.stringify(body) + '\n');
      } else if (path === '/metrics') {
        this.send(req, res, 200, 'text/plain; version=0.0.4; charset=utf-8', this.options.metrics());
      } else {
        const { code, body } = evaluateHealth(this.options.health(), (this.options.now ?? Date.now)());
        this.send(req, res, code, 'application/json; charset=utf-8', JSON.stringify(body) + '\n');
      }
    } catch (err) {
      this.log.error(`GET ${path} failed`, { error: err });
      this.send(req, res, 500, 'text/plain; charset=utf-8', 'internal error; see the cgflux log\n');
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, code: number, type: string, body: string): void {
    res.statusCode = code;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function listenErrorMessage(listen: string, err: NodeJS.ErrnoException): string {
  const base = `cannot listen on ${listen} for /healthz and /metrics`;
  const fix = 'change http.listen, or set http.enabled: false';
  if (err.code === 'EADDRINUSE') return `${base}: the address is already in use (another cgflux?); ${fix}`;
  if (err.code === 'EADDRNOTAVAIL') return `${base}: no such local address on this host; ${fix}`;
  if (err.code === 'EACCES') return `${base}: permission denied (ports below 1024 need privileges); ${fix}`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `${base}: the host name does not resolve; ${fix}`;
  return `${base}: ${err.message}; ${fix}`;
}
