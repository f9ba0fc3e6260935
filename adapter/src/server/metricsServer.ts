import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { handleHealth, type HealthProbe } from './health';

/**
 * Plain-HTTP listener for Prometheus scrapes and kubelet probes, kept apart from the HTTPS API so a
 * scrape never needs client credentials.
 */
export function createMetricsServer(registry: Registry, probe: HealthProbe): Server {
  return createServer((req, res) => {
    if (handleHealth(req, res, probe)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`collecting metrics failed: ${err.message}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  });
}
