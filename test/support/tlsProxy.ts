import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * What stands in front of the web server in a deployment: a reverse proxy that ends TLS and
 * forwards to the web over plain HTTP with X-Forwarded-Proto: https (the web trusts the proxy in
 * production, so its cookies are Secure and its redirects https). Test use only.
 */
export interface TlsProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startTlsProxy(tls: { cert: string; key: string }, target: { host: string; port: number }): Promise<TlsProxy> {
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (incoming, outgoing) => {
    const upstream = httpRequest(
      {
        host: target.host,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, 'x-forwarded-proto': 'https', 'x-forwarded-for': incoming.socket.remoteAddress ?? '127.0.0.1' },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
