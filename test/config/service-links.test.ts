// The variables Kubernetes injects for a Service named cgflux are not settings: cgflux starts
// with them, and still rejects a mistyped real option (or a link-shaped name with a wrong value).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { isServiceLink } from '../../src/config/service-links.js';
import { envVariables } from '../../src/config/env.js';
import { issuesOf } from './issues-of.js';

/** What the kubelet sets for `Service cgflux` (port 9273 named "http", port 8125/UDP unnamed)
 *  and `Service cgflux-influxdb` (port 8086) in the pod's namespace. */
const INJECTED: Record<string, string> = {
  CGFLUX_SERVICE_HOST: '10.96.12.7',
  CGFLUX_SERVICE_PORT: '9273',
  CGFLUX_SERVICE_PORT_HTTP: '9273',
  CGFLUX_PORT: 'tcp://10.96.12.7:9273',
  CGFLUX_PORT_9273_TCP: 'tcp://10.96.12.7:9273',
  CGFLUX_PORT_9273_TCP_PROTO: 'tcp',
  CGFLUX_PORT_9273_TCP_PORT: '9273',
  CGFLUX_PORT_9273_TCP_ADDR: '10.96.12.7',
  CGFLUX_PORT_8125_UDP: 'udp://10.96.12.7:8125',
  CGFLUX_PORT_8125_UDP_PROTO: 'udp',
  CGFLUX_INFLUXDB_SERVICE_HOST: 'fd00:10:96::1f',
  CGFLUX_INFLUXDB_SERVICE_PORT: '8086',
  CGFLUX_INFLUXDB_PORT: 'tcp://[fd00:10:96::1f]:8086',
  CGFLUX_INFLUXDB_PORT_8086_TCP_ADDR: 'fd00:10:96::1f',
};

describe('Kubernetes service-link variables', () => {
  test('every variable the kubelet injects for a cgflux Service is recognised', () => {
    for (const [name, value] of Object.entries(INJECTED)) assert.ok(isServiceLink(name, value), `${name}=${value}`);
  });

  test('cgflux starts with them in its environment, beside real settings', () => {
    const config = loadConfig({ env: { ...INJECTED, CGFLUX_LOG_LEVEL: 'debug' }, hostname: 'node-a' });
    assert.equal(config.log.level, 'debug');
  });

  test('a mistyped option is still an error, and so is a link-shaped name with a value no kubelet gives', () => {
    assert.deepEqual(issuesOf(() => loadConfig({ env: { ...INJECTED, CGFLUX_LOG_LEVL: 'debug', CGFLUX_PORT: '9273', CGFLUX_SERVICE_HOST: 'yes' }, hostname: 'h' })), [
      'env CGFLUX_LOG_LEVL: unknown variable (did you mean CGFLUX_LOG_LEVEL?); settings are CGFLUX_<SECTION>_<KEY> like CGFLUX_LOG_LEVEL, outputs CGFLUX_OUTPUTS_<NAME>_<KEY>',
      'env CGFLUX_PORT: unknown variable; settings are CGFLUX_<SECTION>_<KEY> like CGFLUX_LOG_LEVEL, outputs CGFLUX_OUTPUTS_<NAME>_<KEY>',
      'env CGFLUX_SERVICE_HOST: unknown variable; settings are CGFLUX_<SECTION>_<KEY> like CGFLUX_LOG_LEVEL, outputs CGFLUX_OUTPUTS_<NAME>_<KEY>',
    ]);
  });

  test('no settings variable has a link\'s name, and a link-shaped output key still fails', () => {
    // Settings are matched first anyway; this keeps a future option from ever being both.
    for (const name of [...envVariables().keys(), 'CGFLUX_OUTPUTS_INFLUXDB_URL']) {
      for (const value of ['9273', 'tcp://10.0.0.1:9273', '10.0.0.1', 'tcp']) assert.equal(isServiceLink(name, value), false, `${name}=${value}`);
    }
    const config = loadConfig({ env: { CGFLUX_HTTP_LISTEN: '127.0.0.1:9999', CGFLUX_PORT: 'tcp://10.0.0.1:9273' }, hostname: 'h' });
    assert.equal(config.http.listen, '127.0.0.1:9999');
    assert.throws(() => loadConfig({ env: { CGFLUX_OUTPUTS_INFLUXDB_PORT: 'tcp://10.0.0.1:8086' }, hostname: 'h' }), /no output matches|unknown key/);
  });
});
