import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartupError } from '../startup-error.js';
import { registry } from './registry.js';

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** More Prometheus text appended to the registry's (the Temporal SDK's own metrics); '' when there is none. */
  appended?: () => Promise<string>;
}

/**
 * `GET /metrics` in Prometheus text format on a listener of its own (METRICS_HOST:METRICS_PORT), apart from
 * the API: it has no authentication, so it binds to loopback unless told otherwise. Anything else is a 404.
 *
 * @example const metrics = await serveMetrics({ host: '127.0.0.1', port: 9464 })
 */
export async function serveMetrics(opts: MetricsServerOptions) {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(path === '/metrics' ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end(path === '/metrics' ? 'GET only\n' : 'Not found: the metrics are at /metrics\n');
      return;
    }
    Promise.all([registry.metrics(), opts.appended?.() ?? Promise.resolve('')]).then(
      ([own, appended]) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : appended ? `${own}\n${appended}` : own);
      },
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('collecting the metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new StartupError(`metrics port ${opts.port} on ${opts.host} is already in use; set METRICS_PORT to a free port (each process needs its own)`) : err),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
