// A Docker socket cgflux may not open: the log line names the socket's group (as stat sees it)
// and where each deployment adds it, once, however often discovery retries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/log.js';
import { ConnectionStatus, describeDockerError, permissionHint } from '../../src/discovery/connection-status.js';

const GROUP = 4242;
const eacces = () => Object.assign(new Error('connect EACCES'), { code: 'EACCES' });

describe('permission denied on the Docker socket', () => {
  let dir = '';
  let socket = '';
  let server: Server;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cgflux-sockperm-'));
    socket = join(dir, 'docker.sock');
    server = createServer((c) => c.end());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    // A group that is not 999 nor the shared socket's: the hint must come from stat, not a default.
    chownSync(socket, process.getuid?.() ?? 0, GROUP);
    chmodSync(socket, 0o660);
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('names the socket\'s group, the process\'s own ids, and how to add the group', () => {
    const hint = permissionHint(socket, { uid: 10001, groups: [10001] });
    assert.equal(
      hint,
      `permission denied: the socket belongs to group ${GROUP} and cgflux (uid 10001, groups 10001) is not in it; add group ${GROUP}: ` +
        `compose DOCKER_GID=${GROUP} in .env (sh scripts/init-env.sh writes it), docker run --group-add ${GROUP}, Kubernetes supplementalGroups: [${GROUP}], Swarm user: "10001:${GROUP}"`,
    );
    assert.equal(describeDockerError(eacces(), socket), permissionHint(socket));
  });

  test('in the group but the mode shuts it out: says the mode, not to add the group', () => {
    chmodSync(socket, 0o600);
    try {
      assert.equal(permissionHint(socket, { uid: 10001, groups: [10001, GROUP] }), `permission denied: cgflux (uid 10001, groups 10001,${GROUP}) is in the socket's group ${GROUP}, but its mode 600 gives that group no read/write`);
    } finally {
      chmodSync(socket, 0o660);
    }
  });

  test('a tcp target or a socket that cannot be stat-ed still gives a plain hint', () => {
    assert.match(describeDockerError(eacces()), /^permission denied \(run as root or as a member of the docker group\)$/);
    assert.match(permissionHint(join(dir, 'gone.sock')), /^permission denied \(run as root or as a member of the socket's group\)$/);
  });

  test('one warning over many retries, with the group in it', () => {
    const lines: string[] = [];
    const log: Logger = { debug: () => {}, info: (m) => void lines.push(`info ${m}`), warn: (m) => void lines.push(`warn ${m}`), error: (m) => void lines.push(`error ${m}`), child: () => log };
    const status = new ConnectionStatus(log, socket, 60_000, socket);
    for (let i = 0; i < 20; i++) status.failed(eacces());
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', new RegExp(`^warn cannot reach dockerd at ${socket}: permission denied: the socket belongs to group ${GROUP} .*; retrying in the background$`));
    assert.equal(status.down, true);
  });
});
