import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real OpenID Connect provider for the login tests: `oidc-provider` (the certified
 * implementation by the author of openid-client) on a loopback port, with its own login form
 * (devInteractions: any user name and password; the accounts' claims come from `accounts`).
 *
 * `tamper` lets a test change the ID token in the token endpoint's reply, as a provider mix-up
 * or a token meant for another client would look: the claim is changed and the token signed
 * again with the provider's own key, so only our side's claim checks can refuse it.
 *
 * `tls` serves it over https (issuer https://…), as a municipality's provider is; `signedIn`
 * names an account that is signed in at once, as with an existing single sign-on session: the
 * login interaction is finished for it (oidc-provider's interactionFinished) instead of showing
 * the form, so a client that only follows redirects can log in.
 */

export interface TestAccount {
  name: string;
  roles: string[];
  organisation: string;
}

export type IdTokenTamper = (claims: Record<string, unknown>) => Record<string, unknown>;

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Set to change the next ID tokens the token endpoint hands out; undefined: as issued. */
  tamper: IdTokenTamper | undefined;
  /** The token endpoint replies that were changed. */
  tampered: number;
  /** Authorisations answered with a code, and codes exchanged for tokens, for assertions. */
  stats(): { authorizations: number; tokens: number };
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function resign(token: string, key: KeyObject, change: IdTokenTamper): string {
  const [header, payload] = token.split('.');
  const claims = change(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>);
  const input = `${header}.${b64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Replaces the ID token in the JSON body Koa is about to send, before the headers go out. */
function interceptTokenReply(res: ServerResponse, change: (idToken: string) => string, done: () => void): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : typeof chunk === 'string' ? chunk : '';
    let body = text;
    try {
      const json = JSON.parse(text) as { id_token?: string };
      if (typeof json.id_token === 'string') {
        json.id_token = change(json.id_token);
        body = JSON.stringify(json);
        done();
      }
    } catch {
      // not JSON: an error reply, passed on unchanged
    }
    if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(body));
    return end(body);
  }) as typeof res.end;
}

export async function startTestProvider(options: {
  redirectUri: string;
  postLogoutRedirectUri: string;
  accounts: Record<string, TestAccount>;
  tls?: { cert: string; key: string };
  signedIn?: string;
}): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const clientId = 'bistandsrobot';
  const clientSecret = randomBytes(24).toString('base64url');
  let handler: ((req: Parameters<Server['emit']>[1], res: ServerResponse) => void) | undefined;
  const state = { tamper: undefined as IdTokenTamper | undefined, tampered: 0 };
  const stats = { authorizations: 0, tokens: 0 };
  let provider: Provider | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (options.signedIn !== undefined && req.method === 'GET' && req.url?.startsWith('/interaction/')) {
      provider!.interactionFinished(req, res, { login: { accountId: options.signedIn } }, { mergeWithLastSubmission: false }).catch(() => {
        res.statusCode = 400;
        res.end();
      });
      return;
    }
    const change = state.tamper;
    if (change && req.method === 'POST' && req.url?.startsWith('/token')) {
      interceptTokenReply(res, (idToken) => resign(idToken, privateKey, change), () => state.tampered++);
    }
    handler!(req as never, res);
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as { port: number }).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'roles', 'organisation'] },
    // The robot reads role and organisation from the ID token, as the municipality's provider is set up to give them.
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: true },
      // The provider's own confirmation page, written out: its default prints a NOTICE on every logout.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = `<!doctype html><html lang="en"><head><title>Sign out</title></head><body>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button><button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
        },
      },
    },
    // Explicit lifetimes (seconds) as a real provider is set up with; unset, each prints a NOTICE.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => {
        const account = options.accounts[sub];
        return account ? { sub, name: account.name, roles: account.roles, organisation: account.organisation } : { sub };
      },
    }),
    // The robot is the municipality's own application: no consent screen (oidc-provider's documented recipe).
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  };
  provider = new Provider(issuer, configuration);
  provider.on('authorization.success', () => stats.authorizations++);
  provider.on('grant.success', () => stats.tokens++);
  handler = provider.callback() as never;

  return {
    issuer,
    clientId,
    clientSecret,
    get tamper() {
      return state.tamper;
    },
    set tamper(value) {
      state.tamper = value;
    },
    get tampered() {
      return state.tampered;
    },
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
