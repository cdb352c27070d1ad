/**
 * Socket addresses of the hook channel: a Unix socket path, or `tcp:<host>:<port>` (the forms the
 * Go cc-slurm-adapter accepts). No imports beyond node: the hook path must start fast.
 */
export type SockAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export function parseSockAddress(s: string): SockAddress {
  if (s.startsWith('tcp:')) {
    const rest = s.slice(4);
    const i = rest.lastIndexOf(':');
    const host = rest.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    const port = Number(rest.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid address ${JSON.stringify(s)}: expected tcp:<host>:<port>`);
    return { kind: 'tcp', host, port };
  }
  if (!s) throw new Error('empty socket path');
  return { kind: 'unix', path: s };
}

export function formatSockAddress(a: SockAddress): string {
  return a.kind === 'unix' ? a.path : `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

/** Default connect/listen path of the hook channel. */
export const DEFAULT_PREP_SOCK = '/run/cc-slurm-publisher/prep.sock';
/** Environment variable that overrides the hook's connect path. */
export const PREP_SOCK_ENV = 'CC_SLURM_PUBLISHER_SOCK';
