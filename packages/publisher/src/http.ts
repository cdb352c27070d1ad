/** /metrics (Prometheus), /healthz (process alive), /readyz (NATS connected and stream ensured). */
import { createServer } from 'node:http';
import type { Logger } from '@cc-slurm-bridge/shared';
import type { PublisherMetrics } from './metrics.js';

export interface HttpTarget {
  readonly metrics: PublisherMetrics;
  readonly ready: boolean;
  health(): { ok: boolean; detail: Record<string, unknown> };
}

export interface HttpServer {
  address: { host: string; port: number };
  close(): Promise<void>;
}

export function parseHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  const host = s.slice(0, i).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  return { host, port: Number(s.slice(i + 1)) };
}

export async function startHttpServer(listen: string, target: HttpTarget, logger: Logger): Promise<HttpServer> {
  const { host, port } = parseHostPort(listen);
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    void (async () => {
      try {
        if (url === '/metrics') {
          const body = await target.metrics.registry.metrics();
          res.writeHead(200, { 'content-type': target.metrics.registry.contentType });
          res.end(body);
        } else if (url === '/healthz') {
          const h = target.health();
          res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: h.ok ? 'ok' : 'stopping', ...h.detail }));
        } else if (url === '/readyz') {
          const ready = target.ready;
          res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ready }));
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found\n');
        }
      } catch (err) {
        logger.error({ err }, 'http handler failed');
        res.writeHead(500);
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
  const a = server.address();
  const bound = a && typeof a === 'object' ? { host, port: a.port } : { host, port };
  logger.info({ listen: `${bound.host}:${bound.port}` }, 'metrics and health on HTTP');
  return {
    address: bound,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
