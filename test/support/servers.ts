// Servers the output tests own: PRIVATE VictoriaMetrics and influxd instances (own loopback ports,
// own data dirs) that a test may stop and start for outage scenarios, and a scripted HTTP server on
// 127.0.0.1 that answers each request as the test says (status codes, Retry-After, slowness).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function httpGet(url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface VictoriaExportSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** A private VictoriaMetrics: `stop()` and `start()` keep port and data dir; `remove()` deletes both. */
/** SIGTERM a server we started and wait until it has exited (both servers flush on SIGTERM). */
async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export class PrivateVictoria {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `extraArgs`: more victoria-metrics flags, e.g. `-influxMeasurementFieldSeparator=.`. */
  static async create(extraArgs: string[] = []): Promise<PrivateVictoria> {
    const vm = new PrivateVictoria(await freePort(), mkdtempSync(join(tmpdir(), 'cgflux-vm-')), extraArgs);
    await vm.start();
    return vm;
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.child = spawn(
      'victoria-metrics',
      [`-httpListenAddr=127.0.0.1:${this.port}`, `-storageDataPath=${this.dataDir}`, '-retentionPeriod=100y', '-search.latencyOffset=0s', '-search.disableCache', '-loggerLevel=ERROR', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    const child = this.child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitUntil(`VictoriaMetrics on port ${this.port}`, 30_000, async () => (await httpGet(`${this.url}/health`)).status === 200);
  }

  /** SIGTERM and wait for the exit (VictoriaMetrics flushes on SIGTERM). */
  async stop(): Promise<void> {
    await terminate(this.child);
    this.child = undefined;
  }

  /** Every series whose name matches `selector` (a PromQL series selector). */
  async export(selector: string): Promise<VictoriaExportSeries[]> {
    const res = await httpGet(`${this.url}/api/v1/export`, `match[]=${encodeURIComponent(selector)}`);
    if (res.status !== 200) throw new Error(`export failed: ${res.status} ${res.text}`);
    return res.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as VictoriaExportSeries);
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A private InfluxDB 1.x (influxd) with its own ports, config and data dir. */
export class PrivateInfluxd {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateInfluxd> {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-influxd-'));
    const [port, rpcPort] = [await freePort(), await freePort()];
    writeFileSync(
      join(dir, 'influxdb.conf'),
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${rpcPort}"`,
        `[meta]\n  dir = "${dir}/meta"`,
        `[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"\n  query-log-enabled = false`,
        `[http]\n  bind-address = "127.0.0.1:${port}"\n  log-enabled = false`,
        '[monitor]\n  store-enabled = false',
        '[continuous_queries]\n  enabled = false',
      ].join('\n'),
    );
    const influxd = new PrivateInfluxd(port, dir);
    await influxd.start();
    return influxd;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('influxd', ['-config', join(this.dir, 'influxdb.conf')], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitUntil(`influxd on port ${this.port}`, 30_000, async () => (await httpGet(`${this.url}/ping`)).status === 204);
  }

  async stop(): Promise<void> {
    await terminate(this.child);
    this.child = undefined;
  }

  /** Runs an InfluxQL statement (POST /query). */
  query(q: string, db?: string): Promise<{ status: number; text: string }> {
    return httpGet(`${this.url}/query${db ? `?db=${encodeURIComponent(db)}` : ''}`, `q=${encodeURIComponent(q)}`);
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Body, gunzipped when it was sent gzip-encoded. */
  body: string;
  atMs: number;
}

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this many ms. */
  delayMs?: number;
}

/** Decides the answer to each request (index counts from 0). */
export type Script = (req: RecordedRequest, index: number) => ScriptedReply;

export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  /** Most requests open at the same time (the outputs promise one in flight). */
  maxConcurrent = 0;
  /** Distinct client sockets seen (keep-alive reuses one). */
  readonly sockets = new Set<string>();
  private open = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(script: Script): Promise<ScriptedServer> {
    let self: ScriptedServer | undefined;
    const server = createServer((req, res) => {
      const s = self!;
      s.open++;
      s.maxConcurrent = Math.max(s.maxConcurrent, s.open);
      s.sockets.add(`${req.socket.remotePort}`);
      res.on('close', () => s.open--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, atMs: Date.now() };
        const reply = script(recorded, s.requests.length);
        s.requests.push(recorded);
        const send = (): void => {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new ScriptedServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
