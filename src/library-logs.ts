// Libraries that write on the console by themselves are pointed at cgflux's logger, so that every
// line on stderr has cgflux's shape (level, component, JSON when asked) and obeys the log level.
// npm `cron` is not among them: the scheduler uses only its CronTime, which does not log.
import { setLogger } from '@influxdata/influxdb-client';
import { logger } from './log.js';

let routed = false;

export function routeLibraryLogs(): void {
  if (routed) return;
  routed = true;
  const influx = logger('influxdb-client');
  const fields = (error: unknown) => (error === undefined || error === '' ? undefined : { error });
  setLogger({
    error: (message, error) => influx.error(message, fields(error)),
    warn: (message, error) => influx.warn(message, fields(error)),
  });
  // Node's own warnings (and libraries' process.emitWarning) instead of "(node:PID) Warning: …".
  const node = logger('node');
  process.removeAllListeners('warning');
  process.on('warning', (w) => node.warn(w.message, { warning: w.name }));
}
