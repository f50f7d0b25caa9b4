import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/**
 * Test TLS and a small OpenID Connect provider for tests that run the web server as production
 * does (OIDC only, issuer and redirect over https). Nothing here is imported by src/.
 *
 * testTls(): a self-signed certificate for 127.0.0.1 (openssl), given to a child process as
 * NODE_EXTRA_CA_CERTS, the way a municipality gives its servers its internal CA.
 *
 * startOidcProvider(): discovery, /authorize (authorization code; the one test account is
 * signed in at once, as a provider with an existing single sign-on session does), /token
 * (client secret by Basic or form, PKCE S256 checked, the code used once), /jwks and RS256 ID
 * tokens with iss, aud, nonce, iat, exp and the account's claims.
 */

export interface TestTls {
  cert: string;
  key: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  remove(): void;
}

export function testTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'robot-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OidcAccount {
  sub: string;
  name: string;
  /** Claims beside sub and name, e.g. { roles: ['bistand-handlaggare'], organisation: 'trelleborg' }. */
  claims: Record<string, unknown>;
}

export interface OidcProvider {
  issuer: string;
  /** Authorization codes issued and tokens handed out, for assertions. */
  stats(): { authorizations: number; tokens: number };
  stop(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  challenge: string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function idToken(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${b64url(signature)}`;
}

export async function startOidcProvider(options: {
  tls: Pick<TestTls, 'cert' | 'key'>;
  client: { id: string; secret: string; redirectUri: string };
  account: OidcAccount;
}): Promise<OidcProvider> {
  const { client, account } = options;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  let issuer = '';
  let authorizations = 0;
  let tokens = 0;

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: ['openid', 'profile'],
      });
    }
    if (request.method === 'GET' && url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (request.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== client.id || q.get('redirect_uri') !== client.redirectUri) return json(400, { error: 'invalid_request' });
      if (q.get('response_type') !== 'code' || !q.get('scope')?.split(' ').includes('openid')) return json(400, { error: 'unsupported_response_type' });
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return json(400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { clientId: client.id, redirectUri: client.redirectUri, nonce: q.get('nonce') ?? undefined, challenge: q.get('code_challenge')! });
      authorizations++;
      const back = new URL(client.redirectUri);
      back.searchParams.set('code', code);
      if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
      response.writeHead(303, { location: back.href });
      return response.end();
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
        if (basic) {
          const [u, p] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
          id = decodeURIComponent(u ?? '');
          secret = decodeURIComponent(p ?? '');
        }
        if (id !== client.id || secret !== client.secret) return json(401, { error: 'invalid_client' });
        const pending = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (form.get('grant_type') !== 'authorization_code' || !pending || form.get('redirect_uri') !== pending.redirectUri) return json(400, { error: 'invalid_grant' });
        const verifier = form.get('code_verifier') ?? '';
        if (b64url(createHash('sha256').update(verifier).digest()) !== pending.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE' });
        tokens++;
        const now = Math.floor(Date.now() / 1000);
        return json(200, {
          access_token: randomBytes(24).toString('base64url'),
          token_type: 'Bearer',
          expires_in: 300,
          id_token: idToken(privateKey, kid, {
            iss: issuer,
            aud: client.id,
            sub: account.sub,
            name: account.name,
            ...account.claims,
            ...(pending.nonce !== undefined ? { nonce: pending.nonce } : {}),
            iat: now,
            exp: now + 300,
          }),
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    stats: () => ({ authorizations, tokens }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
