// Kubernetes "service links": for every Service in the pod's namespace the kubelet injects
// <NAME>_SERVICE_HOST, <NAME>_SERVICE_PORT[_<PORT NAME>], <NAME>_PORT and
// <NAME>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR], NAME being the service name upper-cased with
// "-" as "_". A Service named cgflux (or cgflux-…) so makes CGFLUX_* variables that are not
// settings. They are recognised by name AND value shape, so a mistyped setting still fails.

const PROTO = '(TCP|UDP|SCTP)';
const NAME = 'CGFLUX(?:_[A-Z0-9_]+?)?';
const IP = '(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[?[0-9A-Fa-f:]+\\]?)';
const PORT = '\\d{1,5}';

/** Variable name pattern → the shape of the value the kubelet gives it. */
const SHAPES: Array<[RegExp, RegExp]> = [
  [new RegExp(`^${NAME}_SERVICE_HOST$`), new RegExp(`^${IP}$`)],
  [new RegExp(`^${NAME}_SERVICE_PORT(?:_[A-Z0-9_]+)?$`), new RegExp(`^${PORT}$`)],
  [new RegExp(`^${NAME}_PORT$`), new RegExp(`^(tcp|udp|sctp)://${IP}:${PORT}$`)],
  [new RegExp(`^${NAME}_PORT_${PORT}_${PROTO}$`), new RegExp(`^(tcp|udp|sctp)://${IP}:${PORT}$`)],
  [new RegExp(`^${NAME}_PORT_${PORT}_${PROTO}_PROTO$`), /^(tcp|udp|sctp)$/],
  [new RegExp(`^${NAME}_PORT_${PORT}_${PROTO}_PORT$`), new RegExp(`^${PORT}$`)],
  [new RegExp(`^${NAME}_PORT_${PORT}_${PROTO}_ADDR$`), new RegExp(`^${IP}$`)],
];

/** True when `name=value` is a variable Kubernetes injects for a Service, not a cgflux setting. */
export function isServiceLink(name: string, value: string): boolean {
  return SHAPES.some(([n, v]) => n.test(name) && v.test(value));
}
