import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHttpTransport, TransportError } from './httpTransport';

/**
 * A server that answers the first `answered` requests on each connection and then drops the connection
 * at the next request without a word, as a server whose keep-alive timeout closed an idle socket does.
 */
async function server(
  answered: number,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const served = new Map<Socket, number>();
  let connections = 0;
  const s = http.createServer((req, res) => {
    const n = served.get(req.socket) ?? 0;
    served.set(req.socket, n + 1);
    if (n >= answered) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => res.end('{"status":"success"}'));
  });
  s.on('connection', () => connections++);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () => new Promise((resolve) => s.close(() => resolve())),
  };
}

describe('createHttpTransport', () => {
  test('a kept-alive socket the server dropped is retried once on a fresh one', async () => {
    const backend = await server(1);
    const transport = createHttpTransport(backend.url);
    try {
      expect((await transport.post('/api/v1/query', 'query=up', {}, 5000)).status).toBe(200);
      // The kept-alive socket is reused and dropped; the request goes again on a new connection.
      expect((await transport.post('/api/v1/query', 'query=up', {}, 5000)).body.toString()).toBe(
        '{"status":"success"}',
      );
      expect(backend.connections()).toBe(2);
    } finally {
      transport.close();
      await backend.close();
    }
  });

  test('a fresh socket dropped is a network failure, not retried', async () => {
    const backend = await server(0);
    const transport = createHttpTransport(backend.url);
    try {
      const failure = transport.post('/api/v1/query', 'query=up', {}, 5000);
      await expect(failure).rejects.toBeInstanceOf(TransportError);
      await expect(failure).rejects.toMatchObject({ kind: 'network' });
      expect(backend.connections()).toBe(1);
    } finally {
      transport.close();
      await backend.close();
    }
  });
});
