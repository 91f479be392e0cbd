// Integration tests use the real services started by scripts/test-env.sh. A missing service is a
// failure with a message that says how to start it, never a silent skip (CI must not go green
// without having tested anything).
import { existsSync } from 'node:fs';
import { request } from 'node:http';

export const DOCKER_SOCKET = process.env.CGFLUX_TEST_DOCKER_SOCKET ?? '/var/run/docker.sock';
export const INFLUX_V1_URL = process.env.CGFLUX_TEST_INFLUX_V1_URL ?? 'http://127.0.0.1:8086';
export const VICTORIA_URL = process.env.CGFLUX_TEST_VICTORIA_URL ?? 'http://127.0.0.1:8428';
export const TEST_IMAGE = 'cgflux-test/busybox:latest';
/** Label put on every container a test starts, so leftovers can be found and removed. */
export const TEST_LABEL = 'io.cgflux.test';

const HINT = 'start the test services with `bash scripts/test-env.sh` (as root)';

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 300);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function dockerPing(): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(DOCKER_SOCKET)) return resolve(false);
    const req = request({ socketPath: DOCKER_SOCKET, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Throws (fails the test) when dockerd does not answer on the socket. */
export async function requireDocker(): Promise<void> {
  if (!(await dockerPing())) throw new Error(`dockerd does not answer on ${DOCKER_SOCKET}: ${HINT}`);
}

export async function requireInfluxV1(): Promise<void> {
  if (!(await httpOk(`${INFLUX_V1_URL}/ping`))) throw new Error(`InfluxDB 1.x does not answer at ${INFLUX_V1_URL}: ${HINT}`);
}

export async function requireVictoria(): Promise<void> {
  if (!(await httpOk(`${VICTORIA_URL}/health`))) throw new Error(`VictoriaMetrics does not answer at ${VICTORIA_URL}: ${HINT}`);
}
