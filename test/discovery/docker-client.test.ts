import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { inspect } from 'node:util';
import { createDockerClients } from '../../src/discovery/docker-client.js';

test('the agents docker-modem inspects on every request describe themselves in one word, even holding a socket', async () => {
  const clients = createDockerClients('tcp://127.0.0.1:1', 1000);
  const agent = (clients.api as unknown as { modem: { agent: import('node:http').Agent } }).modem.agent;
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject).end();
    });
    // What docker-modem formats for its debug log before every request, log on or off.
    const text = inspect({ path: '/containers/json', agent }, { showHidden: true, depth: null });
    assert.ok(text.length < 200, `${text.length} characters`);
    assert.match(text, /\[http\.Agent\]/);
  } finally {
    clients.close();
    server.close();
  }
});

test('a burst of API calls leaves one idle connection to dockerd, not one per call of the burst', async () => {
  // A slow server so that the 8 calls overlap and the pool opens 8 connections.
  const server = createServer((_req, res) => setTimeout(() => res.end('[]'), 50));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const clients = createDockerClients(`tcp://127.0.0.1:${port}`, 5000);
  let opened = 0;
  server.on('connection', () => opened++);
  try {
    await Promise.all(Array.from({ length: 8 }, () => clients.api.listContainers()));
    await new Promise((r) => setImmediate(r));
    const agent = (clients.api as unknown as { modem: { agent: import('node:http').Agent } }).modem.agent;
    const idle = Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
    assert.equal(opened, 8, 'the calls ran at once');
    assert.equal(idle, 1);
  } finally {
    clients.close();
    server.close();
  }
});
