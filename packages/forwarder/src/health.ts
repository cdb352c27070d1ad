/**
 * The forwarder's HTTP listener: `/metrics` (Prometheus), `/healthz` (the process runs), `/readyz`
 * (consuming and forwarding: connected to NATS and not paused) and `/status` (JSON snapshot of
 * the daemon's state, read by `cc-slurm-forwarder status`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthSource {
  metricsText(): Promise<string>;
  /** undefined when ready, else why not. */
  notReadyReason(): string | undefined;
  /** undefined when healthy, else why not (a fatal error). */
  unhealthyReason(): string | undefined;
  statusSnapshot(): unknown;
}

export interface HealthServer {
  /** `host:port` actually bound (port 0 resolved). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:\s]*):(\d{1,5})$/.exec(s);
  if (!m) throw new Error(`invalid host:port ${JSON.stringify(s)}`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host || '0.0.0.0', port: Number(m[2]) };
}

export async function startHealthServer(listen: string, src: HealthSource): Promise<HealthServer> {
  const { host, port } = parseHostPort(listen);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    switch (path) {
      case '/metrics':
        src.metricsText().then(
          (t) => send(200, t, 'text/plain; version=0.0.4; charset=utf-8'),
          (e: unknown) => send(500, `metrics failed: ${(e as Error).message}\n`),
        );
        return;
      case '/healthz': {
        const why = src.unhealthyReason();
        return why ? send(503, `unhealthy: ${why}\n`) : send(200, 'ok\n');
      }
      case '/readyz': {
        const why = src.notReadyReason();
        return why ? send(503, `not ready: ${why}\n`) : send(200, 'ready\n');
      }
      case '/status':
        return send(200, `${JSON.stringify(src.statusSnapshot())}\n`, 'application/json');
      default:
        return send(404, 'not found: try /metrics, /healthz, /readyz or /status\n');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
    port: a.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
