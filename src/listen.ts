// `host:port` of the HTTP endpoint, read the same way by config validation and by the server.

export type ListenAddress = { host: string; port: number };

/**
 * Parses `127.0.0.1:9273`, `[::1]:9273`, `localhost:9273` or `:9273` (all interfaces); port 0
 * (any free port) is accepted here, config validation asks for 1-65535. Returns an error in words.
 */
export function parseListen(listen: string): ListenAddress | { error: string } {
  const text = listen.trim();
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:([^:]*)$/.exec(text);
  const plain = /^([A-Za-z0-9.-]*):([^:]*)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) {
    if (text.startsWith('[')) return { error: 'expected [ipv6]:port, e.g. [::1]:9273' };
    return { error: 'expected host:port (e.g. 127.0.0.1:9273, [::1]:9273 or :9273)' };
  }
  const portText = match[2]!;
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) return { error: `port ${JSON.stringify(portText)} is not a number from 0 to 65535` };
  return { host: match[1] === '' ? '::' : match[1]!, port };
}
