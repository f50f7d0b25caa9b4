import * as client from 'openid-client';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';
import type { OidcSettings } from '../../config.js';
import type { Role, WebUser } from './user.js';

/**
 * OpenID Connect for production: authorization code flow with PKCE, state and nonce, against
 * the municipality's identity provider (settings: OidcSettings in src/config.ts). The token
 * response is checked by openid-client: issuer, audience, nonce, expiry, state and PKCE; a
 * mismatch throws and nobody is signed in.
 */

export type ClaimsMapping = { ok: true; user: WebUser } | { ok: false; problem: string };

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * From ID-token claims to the signed-in user, or a refusal in words (for the log and the
 * login page; never with a claim's value). Refused: no id, an id shaped like a personal
 * number (it would land in the audit log), no known role or more than one, an unknown
 * organisation.
 */
export function userFromClaims(claims: Record<string, unknown>, settings: Pick<OidcSettings, 'idClaim' | 'nameClaim' | 'roleClaim' | 'organisationClaim' | 'roleValues' | 'organisations'>): ClaimsMapping {
  const id = claims[settings.idClaim];
  if (typeof id !== 'string' || id.trim() === '') return { ok: false, problem: `claim ${settings.idClaim} saknas` };
  if (looksLikePersonalNumber(id)) {
    return { ok: false, problem: `claim ${settings.idClaim} ser ut som ett personnummer; välj ett annat användar-id (OIDC_ID_CLAIM)` };
  }
  // Own keys only: a claim value like "constructor" or "__proto__" must not find Object's.
  const own = <T>(map: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);
  const roles = [...new Set(strings(claims[settings.roleClaim]).map((v) => own(settings.roleValues, v)).filter((r): r is Role => r !== undefined))];
  if (roles.length === 0) return { ok: false, problem: `ingen känd roll i claim ${settings.roleClaim}` };
  if (roles.length > 1) return { ok: false, problem: `mer än en roll i claim ${settings.roleClaim}; ett konto har en roll` };
  const organisation = strings(claims[settings.organisationClaim])[0]?.toLowerCase();
  const municipalities = organisation !== undefined ? own(settings.organisations, organisation) : undefined;
  if (organisation === undefined || municipalities === undefined) {
    return { ok: false, problem: `okänd eller saknad organisation i claim ${settings.organisationClaim}` };
  }
  const name = claims[settings.nameClaim];
  return {
    ok: true,
    user: {
      id,
      displayName: typeof name === 'string' && name.trim() !== '' ? name : id,
      role: roles[0]!,
      organisation,
      municipalities: [...municipalities],
    },
  };
}

/** What the login cookie keeps between the redirect to the provider and the callback (loginFlow.ts). */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

export interface OidcClient {
  /** The provider's login URL, and what to keep in the login cookie until the callback. */
  start(next: string): Promise<{ url: string; pending: OidcPending }>;
  /**
   * Exchanges the code and maps the ID token's claims.
   * @throws openid-client's errors when state, PKCE, issuer, audience, nonce or expiry do not fit.
   */
  finish(callbackUrl: URL, pending: OidcPending): Promise<ClaimsMapping>;
  /**
   * The provider's end-session URL (RP-initiated logout, by client_id: the ID token is not kept,
   * as it may carry the employee's personal data), or undefined when the provider has none.
   */
  logoutUrl(): Promise<string | undefined>;
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  let configuration: Promise<client.Configuration> | undefined;
  // Plain http only reaches here outside production (src/config.ts refuses it there): the
  // browser tests' provider on loopback.
  const insecure = new URL(settings.issuer).protocol === 'http:';
  const config = () => {
    configuration ??= client
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };
  return {
    async start(next) {
      const pending: OidcPending = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        next,
      };
      const url = client.buildAuthorizationUrl(await config(), {
        redirect_uri: settings.redirectUri,
        scope: 'openid profile',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, pending };
    },
    async finish(callbackUrl, pending) {
      const tokens = await client.authorizationCodeGrant(await config(), callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) return { ok: false, problem: 'inget ID-token från identitetsleverantören' };
      return userFromClaims(claims as Record<string, unknown>, settings);
    },
    async logoutUrl() {
      const c = await config();
      if (!c.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(c, { client_id: settings.clientId, post_logout_redirect_uri: settings.postLogoutRedirectUri }).href;
    },
  };
}
