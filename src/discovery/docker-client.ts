// dockerode clients for the configured socket (`/var/run/docker.sock`, `unix:///…`, `tcp://host:port`).
// Two clients: API calls get the configured timeout; the events stream must not (it is idle for
// long stretches and a socket timeout would cut it).
import { Agent } from 'node:http';
import { inspect } from 'node:util';
import Docker from 'dockerode';

/**
 * docker-modem formats the options of every request, agent included, with util.inspect (hidden
 * properties, unlimited depth) for its debug log, even when that log is off. An agent holding
 * sockets made that most of discovery's CPU; it now describes itself in one word.
 */
export function cheapToInspect<T extends object>(agent: T): T {
  Object.defineProperty(agent, inspect.custom, { value: () => '[http.Agent]', enumerable: false });
  return agent;
}

export interface DockerTarget {
  /** For messages: the socket path or tcp address. */
  description: string;
  options: Docker.DockerOptions;
}

export function dockerTarget(socket: string): DockerTarget {
  if (socket.startsWith('tcp://') || socket.startsWith('http://')) {
    const url = new URL(socket.replace(/^tcp:/, 'http:'));
    return { description: socket, options: { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' } };
  }
  const socketPath = socket.startsWith('unix://') ? socket.slice('unix://'.length) : socket;
  return { description: socketPath, options: { socketPath } };
}

export interface DockerClients {
  target: DockerTarget;
  api: Docker;
  events: Docker;
  /** Closes every pooled connection so the process can exit. */
  close(): void;
}

export function createDockerClients(socket: string, timeoutMs: number): DockerClients {
  const target = dockerTarget(socket);
  // Up to 8 calls at once (inspects after a burst of starts), but one idle connection kept between
  // bursts: the pool's default keeps every socket a burst opened, so the daemon's descriptors after
  // churn depended on its peak (1 to 8 idle connections to dockerd).
  const apiAgent = cheapToInspect(new Agent({ keepAlive: true, maxSockets: 8, maxFreeSockets: 1 }));
  const eventsAgent = cheapToInspect(new Agent({ keepAlive: false }));
  // `agent` is passed through to docker-modem although @types/dockerode does not list it.
  const api = new Docker({ ...target.options, timeout: timeoutMs, agent: apiAgent } as Docker.DockerOptions);
  const events = new Docker({ ...target.options, agent: eventsAgent } as Docker.DockerOptions);
  return {
    target,
    api,
    events,
    close() {
      apiAgent.destroy();
      eventsAgent.destroy();
    },
  };
}
