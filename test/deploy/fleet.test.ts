// The fleet manifests: the Swarm stack validates with docker-compose and runs cgflux on every
// node; the Kubernetes DaemonSet mounts the host read-only and its config loads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { REPO_ROOT } from '../grafana/queries.js';

const run = promisify(execFile);
const STACK = join(REPO_ROOT, 'deploy', 'swarm', 'docker-stack.yml');
const DAEMONSET = join(REPO_ROOT, 'deploy', 'kubernetes', 'daemonset.yaml');
const HOST_MOUNTS: Record<string, string> = {
  '/proc': '/host/proc',
  '/sys/fs/cgroup': '/host/sys/fs/cgroup',
  '/sys': '/host/sys',
  '/var/run/docker.sock': '/var/run/docker.sock',
};

describe('Swarm stack', async () => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', INFLUXDB_URL: 'http://influx.test:8086', INFLUXDB_TOKEN: 'stack-token', DOCKER_GID: '107' };
  const { stdout } = await run('docker-compose', ['-f', STACK, 'config'], { env }).catch((err) => {
    throw new Error(`docker-compose rejected ${STACK}: ${err.stderr ?? err.message}`);
  });
  const svc = parse(stdout).services.cgflux;

  test('one cgflux task per node, as uid 10001 in the Docker socket group, named after the node', () => {
    assert.equal(svc.deploy.mode, 'global');
    assert.equal(svc.user, '10001:107');
    assert.equal(svc.environment.CGFLUX_HOST_HOSTNAME, '{{.Node.Hostname}}');
    assert.equal(svc.environment.CGFLUX_OUTPUTS_INFLUXDB_URL, 'http://influx.test:8086');
    assert.equal(svc.environment.CGFLUX_OUTPUTS_INFLUXDB_TOKEN, 'stack-token');
    assert.equal(svc.read_only, true);
  });

  test('no pid: host (Swarm services cannot join the host pid namespace), and the file says what stands in', () => {
    assert.equal(svc.pid, undefined, 'docker stack deploy would only print "Ignoring unsupported options: pid"');
    const text = readFileSync(STACK, 'utf8');
    assert.match(text, /Ignoring unsupported options: pid/);
    assert.match(text, /scanning the host's \/proc mounted at \/host\/proc/);
    assert.match(readFileSync(join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8'), /docker\/cli.*UnsupportedProperties|UnsupportedProperties.*docker\/cli/);
  });

  test('the host is mounted read-only at the paths cgflux is told, the spool on a volume', () => {
    for (const [source, target] of Object.entries(HOST_MOUNTS)) {
      const m = svc.volumes.find((v: any) => v.source === source);
      assert.ok(m, `no mount of ${source}`);
      assert.equal(m.target, target);
      assert.equal(m.read_only, true, `${source} must be read-only`);
    }
    assert.ok(svc.volumes.some((v: any) => v.type === 'volume' && v.target === '/var/lib/cgflux'));
    assert.equal(svc.environment.CGFLUX_HOST_PROC_ROOT, '/host/proc');
    assert.equal(svc.environment.CGFLUX_HOST_CGROUP_ROOT, '/host/sys/fs/cgroup');
    assert.equal(svc.environment.CGFLUX_HOST_SYS_ROOT, '/host/sys');
  });

  test('without the InfluxDB URL the stack refuses to deploy', async () => {
    const { INFLUXDB_URL: _omit, ...rest } = env;
    const failed = await run('docker-compose', ['-f', STACK, 'config'], { env: rest }).then(() => null, (err) => err);
    assert.ok(failed, 'docker-compose accepted the stack without INFLUXDB_URL');
    assert.match(String(failed.stderr), /set INFLUXDB_URL to an InfluxDB every node can reach/);
  });
});

describe('Kubernetes DaemonSet', () => {
  const docs = parseAllDocuments(readFileSync(DAEMONSET, 'utf8')).map((d) => d.toJS());
  const kinds = docs.map((d) => d.kind);
  const ds = docs.find((d) => d.kind === 'DaemonSet');
  const pod = ds.spec.template.spec;
  const container = pod.containers[0];

  test('has a namespace, service account, config map and daemon set', () => {
    assert.deepEqual(kinds, ['Namespace', 'ServiceAccount', 'ConfigMap', 'DaemonSet']);
    // cgroup.procs lists pids of the reader's namespace: the node's is where they are.
    assert.equal(pod.hostPID, true);
    // A Service named cgflux would inject CGFLUX_PORT…; cgflux tolerates them, but none is wanted.
    assert.equal(pod.enableServiceLinks, false);
    // hostPID and hostPath are outside the baseline Pod Security level.
    assert.equal(docs[0].metadata.labels['pod-security.kubernetes.io/enforce'], 'privileged');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.runAsUser, 10001);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  });

  test('mounts every host path read-only except the spool, at the paths the config names', () => {
    const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
    for (const [hostPath, mountPath] of Object.entries(HOST_MOUNTS)) {
      const volume = pod.volumes.find((v: any) => v.hostPath?.path === hostPath);
      assert.ok(volume, `no hostPath volume for ${hostPath}`);
      const mount = container.volumeMounts.find((m: any) => m.name === volume.name);
      assert.equal(mount?.mountPath, mountPath);
      assert.equal(mount?.readOnly, true, `${hostPath} must be read-only`);
    }
    const spool = container.volumeMounts.find((m: any) => m.mountPath === '/var/lib/cgflux');
    assert.equal(volumes.get(spool.name)?.hostPath?.path, '/var/lib/cgflux');
    assert.equal(volumes.get('docker-socket')?.hostPath?.type, 'Socket');
  });

  test('its config loads, with the node name as host tag and the token from a secret', () => {
    const env = new Map<string, any>(container.env.map((e: any) => [e.name, e]));
    assert.equal(env.get('CGFLUX_HOST_HOSTNAME')?.valueFrom?.fieldRef?.fieldPath, 'spec.nodeName');
    assert.deepEqual(env.get('CGFLUX_OUTPUTS_INFLUXDB_TOKEN')?.valueFrom?.secretKeyRef, { name: 'cgflux-influxdb', key: 'token' });
    const configMap = docs.find((d) => d.kind === 'ConfigMap');
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-k8s-'));
    try {
      const file = join(dir, 'cgflux.yaml');
      writeFileSync(file, configMap.data['cgflux.yaml']);
      // With service links on (the Kubernetes default) and a Service named cgflux, these come too.
      const links = { CGFLUX_SERVICE_HOST: '10.96.0.12', CGFLUX_SERVICE_PORT: '9273', CGFLUX_PORT: 'tcp://10.96.0.12:9273', CGFLUX_PORT_9273_TCP_ADDR: '10.96.0.12' };
      const config = loadConfig({ file, env: { ...links, CGFLUX_HOST_HOSTNAME: 'node-a', CGFLUX_OUTPUTS_INFLUXDB_TOKEN: 'secret' }, flags: {} });
      assert.equal(config.host.proc_root, '/host/proc');
      assert.equal(config.host.cgroup_root, '/host/sys/fs/cgroup');
      assert.equal(config.host.sys_root, '/host/sys');
      assert.equal(config.host.hostname, 'node-a');
      const out = config.outputs[0];
      assert.ok(out?.type === 'influxdb_v2');
      assert.equal(out.token, 'secret');
      assert.equal(config.http.listen, '127.0.0.1:9273');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(container.args, ['run', '--config', '/etc/cgflux/cgflux.yaml']);
  });

  test('says that discovery is Docker-only and what containerd would need', () => {
    const text = readFileSync(DAEMONSET, 'utf8');
    assert.match(text, /discovery is Docker-only today/);
    assert.match(text, /containerd\.sock/);
    assert.ok(existsSync(join(REPO_ROOT, 'docs', 'deploy.md')));
  });
});
