import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBasics } from '../../src/cli/daemon.js';
import { AttemptFailure } from '../../src/registers/retry.js';
import { fetchWithDeadline, sendWithDeadline, useClientTls } from '../../src/registers/transport.js';
import { rejectionOf } from '../support/netSpy.js';

/**
 * The exchange the register clients make in production (undici, no injected fetch), against
 * real loopback servers: the whole reply, a deadline that covers the body too, a cut reply, a
 * refused connection, and kept-alive connections.
 */
let server: Server | undefined;
const sockets = new Set<Socket>();

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const s = server;
  server = undefined;
  sockets.clear();
  if (s) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function failure(promise: Promise<unknown>): Promise<AttemptFailure> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(AttemptFailure);
  return error as AttemptFailure;
}

const POST = (body: string) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body });

describe('sendWithDeadline (undici, as in production)', () => {
  it('sends method, path, query, headers and body, and gives the status and the whole body as text', async () => {
    const seen: Array<{ method?: string; url?: string; type?: string; length?: string; body: string }> = [];
    const base = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], length: req.headers['content-length'], body });
        res.writeHead(422, { 'content-type': 'application/json' });
        // Written in two parts, with a character of two bytes across nothing in particular.
        res.write('{"svar":"Försäkringskassan", ');
        res.end('"n":1}');
      });
    });
    const reply = await sendWithDeadline(`${base}/kir/v1/household?v=2`, POST('{"a":"å"}'), 2000);
    expect(reply).toEqual({ status: 422, text: '{"svar":"Försäkringskassan", "n":1}' });
    expect(seen).toEqual([{ method: 'POST', url: '/kir/v1/household?v=2', type: 'application/json', length: String(Buffer.byteLength('{"a":"å"}')), body: '{"a":"å"}' }]);
  });

  it('keeps the connection open between calls', async () => {
    const base = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    for (let i = 0; i < 20; i++) expect((await sendWithDeadline(`${base}/x`, POST('{}'), 2000)).text).toBe('ok');
    // One call after another: a connection each would be 20.
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it('cuts a call that does not answer in time, as a retryable timeout', async () => {
    const base = await serve((req) => req.resume());
    const started = Date.now();
    const error = await failure(sendWithDeadline(`${base}/hang`, POST('{}'), 150));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.outcome).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('inget svar inom 150 ms');
  });

  it('counts the body in the deadline: headers in time and a body that stalls is a timeout', async () => {
    const base = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"half":');
    });
    const error = await failure(sendWithDeadline(`${base}/slow`, POST('{}'), 150));
    expect(error.outcome).toBe('timeout');
  });

  it('takes a reply cut off before its end as a network failure, never as a short answer', async () => {
    const base = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"half":', () => res.socket?.destroy());
    });
    const error = await failure(sendWithDeadline(`${base}/cut`, POST('{}'), 2000));
    expect(error.outcome).toBe('network');
    expect(error.retryable).toBe(true);
  });

  it('takes a refused connection as a network failure and drops the transport words', async () => {
    const base = await serve(() => undefined);
    const s = server!;
    server = undefined;
    await new Promise((resolve) => s.close(resolve));
    const error = await failure(sendWithDeadline(`${base}/gone`, POST('{"personalNumber":"198504129803"}'), 2000));
    expect(error.outcome).toBe('network');
    expect(error.message).toBe('anslutningen misslyckades');
    expect(JSON.stringify(error)).not.toMatch(/ECONNREFUSED|198504129803/);
    expect(error.cause).toBeUndefined();
  });

  it('goes the same way without an injected fetch', async () => {
    const base = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.end('same'));
    });
    expect(await fetchWithDeadline(undefined, `${base}/y`, POST('{}'), 2000)).toEqual({ status: 200, text: 'same' });
  });
});

/**
 * SSBTEK asks for the organisation's certificate (mutual TLS). A throwaway CA made with openssl
 * signs the server's certificate (for 127.0.0.1) and the organisation's; the server trusts only
 * that CA and refuses a caller without a certificate.
 */
describe('the organisation certificate over HTTPS (useClientTls)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'client-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  let httpsServer: HttpsServer | undefined;
  let origin = '';
  const seenBy: string[] = [];

  beforeAll(async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Testets CA');
    for (const [name, subject, extension] of [
      ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
      ['org', '/CN=Trelleborgs kommun', 'extendedKeyUsage=clientAuth'],
      ['other', '/CN=Okänd', 'extendedKeyUsage=clientAuth'],
    ] as const) {
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      writeFileSync(file(`${name}.ext`), `${extension}\n`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
    }
    httpsServer = createHttpsServer(
      { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')), ca: readFileSync(file('ca.crt')), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        seenBy.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
        req.resume();
        req.on('end', () => res.end('svar'));
      },
    );
    await new Promise<void>((resolve) => httpsServer!.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    useClientTls({});
    if (httpsServer) {
      httpsServer.closeAllConnections();
      await new Promise((resolve) => httpsServer!.close(resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const pem = (name: string) => readFileSync(file(name), 'utf8');

  it("is refused without the organisation's certificate, and answered with it; the CA is trusted besides Node's own", async () => {
    useClientTls({ ca: pem('ca.crt') });
    expect((await failure(sendWithDeadline(`${origin}/ssbtek`, POST('<x/>'), 2000))).outcome).toBe('network');
    useClientTls({ cert: pem('org.crt'), key: pem('org.key'), ca: pem('ca.crt') });
    expect(await sendWithDeadline(`${origin}/ssbtek`, POST('<x/>'), 2000)).toEqual({ status: 200, text: 'svar' });
    expect(seenBy).toEqual(['Trelleborgs kommun']);
  });

  it("does not trust the register's certificate without its CA", async () => {
    useClientTls({ cert: pem('org.crt'), key: pem('org.key') });
    expect((await failure(sendWithDeadline(`${origin}/ssbtek`, POST('<x/>'), 2000))).outcome).toBe('network');
  });

  it('is set up at start from CLIENT_TLS_*: a start with a key that is not the certificate’s stops, in words, without the key', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(loadBasics({ CLIENT_TLS_CERT_FILE: file('org.crt'), CLIENT_TLS_KEY_FILE: file('other.key'), CLIENT_TLS_CA_FILE: file('ca.crt') })).toBe(2);
      const said = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(said).toMatch(/CLIENT_TLS_\*: certifikatfilerna kunde inte läsas eller användas/);
      expect(said).not.toContain('PRIVATE KEY');
    } finally {
      stderr.mockRestore();
    }
    const basics = loadBasics({ CLIENT_TLS_CERT_FILE: file('org.crt'), CLIENT_TLS_KEY_FILE: file('org.key'), CLIENT_TLS_CA_FILE: file('ca.crt'), LOG_LEVEL: 'silent' });
    expect(typeof basics).toBe('object');
    seenBy.length = 0;
    expect((await sendWithDeadline(`${origin}/ssbtek`, POST('<x/>'), 2000)).text).toBe('svar');
    expect(seenBy).toEqual(['Trelleborgs kommun']);
  });

  it('refuses at once a key that is not the certificate’s, rather than at the first look-up', () => {
    expect(() => useClientTls({ cert: pem('org.crt'), key: pem('other.key'), ca: pem('ca.crt') })).toThrow();
    expect(() => useClientTls({ cert: 'inte ett certifikat', key: pem('org.key') })).toThrow();
  });
});
