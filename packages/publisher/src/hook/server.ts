/** The daemon's end of the hook channel: a Unix or TCP socket reading newline-terminated JSON messages. */
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, lstatSync, mkdirSync, unlinkSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '@cc-slurm-bridge/shared';
import { parseSockAddress, type SockAddress } from './address.js';
import { parseHookMessage, type HookMessage } from './message.js';

const MAX_LINE = 64 * 1024;

export interface HookServer {
  readonly address: SockAddress;
  close(): Promise<void>;
}

export async function startHookServer(listen: string, onMessage: (m: HookMessage) => void, logger: Logger): Promise<HookServer> {
  const addr = parseSockAddress(listen);
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        const m = parseHookMessage(line);
        if (m) onMessage(m);
        else logger.warn({ line: line.slice(0, 200) }, 'ignored a malformed hook message');
      }
      if (buf.length > MAX_LINE) {
        logger.warn('hook connection sent an over-long line; closing it');
        sock.destroy();
      }
    });
    sock.on('end', () => {
      const line = buf.trim();
      if (line) {
        const m = parseHookMessage(line);
        if (m) onMessage(m);
      }
      buf = '';
    });
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
  });
  if (addr.kind === 'unix') {
    mkdirSync(dirname(addr.path), { recursive: true });
    if (existsSync(addr.path)) {
      if (lstatSync(addr.path).isSocket()) unlinkSync(addr.path); // stale socket of a previous run
      else throw new Error(`prepSockListenPath ${addr.path} exists and is not a socket`);
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (addr.kind === 'unix') server.listen({ path: addr.path }, () => resolve());
    else server.listen({ host: addr.host, port: addr.port }, () => resolve());
  });
  server.on('error', (err) => logger.error({ err }, 'hook socket error'));
  let bound: SockAddress = addr;
  if (addr.kind === 'unix') {
    // slurmctld runs the hook as SlurmUser: let the group (and the owner) connect.
    try {
      chmodSync(addr.path, 0o660);
    } catch {
      // not fatal
    }
  } else {
    const a = server.address();
    if (a && typeof a === 'object') bound = { kind: 'tcp', host: addr.host, port: a.port };
  }
  logger.info({ listen }, 'listening for hook messages');
  return {
    address: bound,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      if (addr.kind === 'unix') {
        try {
          unlinkSync(addr.path);
        } catch {
          // already gone
        }
      }
    },
  };
}
