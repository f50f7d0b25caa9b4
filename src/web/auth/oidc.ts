import * as client from 'openid-client';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';
import type { Role, WebUser } from './user.js';

/**
 * OpenID Connect for production: authorization code flow with PKCE, state and nonce, against
 * the municipality's identity provider. Who the user is comes from the ID token's claims:
 * the id (OIDC_ID_CLAIM, default `sub`), the role (OIDC_ROLE_CLAIM, default `roles`: a list or a
 * space-separated string) and the organisation (OIDC_ORGANISATION_CLAIM, default `organisation`).
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  idClaim: string;
  nameClaim: string;
  roleClaim: string;
  organisationClaim: string;
  /** Claim value -> role. One account has one role here: an auditor's account can never sign. */
  roleValues: Readonly<Record<string, Role>>;
  /** Organisation claim value -> the municipalities (SCB codes) whose cases it handles. */
  organisations: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_ROLE_VALUES: Readonly<Record<string, Role>> = {
  'bistand-handlaggare': 'caseworker',
  'bistand-arbetsledare': 'teamlead',
  'bistand-admin': 'admin',
  'bistand-granskare': 'auditor',
};

export const DEFAULT_ORGANISATIONS: Readonly<Record<string, readonly string[]>> = {
  trelleborg: ['1287'],
  svedala: ['1263'],
};

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
  const roles = [...new Set(strings(claims[settings.roleClaim]).map((v) => settings.roleValues[v]).filter((r): r is Role => r !== undefined))];
  if (roles.length === 0) return { ok: false, problem: `ingen känd roll i claim ${settings.roleClaim}` };
  if (roles.length > 1) return { ok: false, problem: `mer än en roll i claim ${settings.roleClaim}; ett konto har en roll` };
  const organisation = strings(claims[settings.organisationClaim])[0]?.toLowerCase();
  const municipalities = organisation !== undefined ? settings.organisations[organisation] : undefined;
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

function parseMap<T>(text: string | undefined, value: (v: string) => T | undefined, what: string): Record<string, T> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const out: Record<string, T> = {};
  for (const pair of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [key, raw] = pair.split('=').map((s) => s.trim());
    const parsed = raw === undefined ? undefined : value(raw);
    if (!key || parsed === undefined) throw new Error(`${what}: varje post ska vara nyckel=värde, åtskilda med semikolon`);
    out[key] = parsed;
  }
  return out;
}

/**
 * OIDC settings from the environment, or undefined when OIDC_ISSUER is not set. Errors name
 * the variable, never its value.
 *   OIDC_ROLE_VALUES="grp-bistand-hl=caseworker;grp-bistand-adm=admin;grp-bistand-rev=auditor"
 *   OIDC_ORGANISATIONS="trelleborg=1287;svedala=1263"  (several municipalities: 1287,1263)
 */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  if (!env.OIDC_ISSUER) return undefined;
  const missing = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`OpenID Connect: ${missing.join(', ')} saknas`);
  for (const k of ['OIDC_ISSUER', 'OIDC_REDIRECT_URI']) {
    try {
      const u = new URL(env[k]!);
      if (u.protocol !== 'https:' && env.NODE_ENV === 'production') throw new Error('not https');
    } catch {
      throw new Error(`${k}: ska vara en https-URL`);
    }
  }
  const roles = new Set<Role>(['caseworker', 'teamlead', 'admin', 'auditor']);
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID!,
    clientSecret: env.OIDC_CLIENT_SECRET!,
    redirectUri: env.OIDC_REDIRECT_URI!,
    idClaim: env.OIDC_ID_CLAIM || 'sub',
    nameClaim: env.OIDC_NAME_CLAIM || 'name',
    roleClaim: env.OIDC_ROLE_CLAIM || 'roles',
    organisationClaim: env.OIDC_ORGANISATION_CLAIM || 'organisation',
    roleValues: parseMap(env.OIDC_ROLE_VALUES, (v) => (roles.has(v as Role) ? (v as Role) : undefined), 'OIDC_ROLE_VALUES') ?? DEFAULT_ROLE_VALUES,
    organisations:
      parseMap(env.OIDC_ORGANISATIONS, (v) => (/^\d{4}(,\d{4})*$/.test(v) ? v.split(',') : undefined), 'OIDC_ORGANISATIONS') ?? DEFAULT_ORGANISATIONS,
  };
}

/** What the session keeps between the redirect to the provider and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

export interface OidcClient {
  /** The provider's login URL, and what to keep in the session until the callback. */
  start(next: string): Promise<{ url: string; pending: OidcPending }>;
  /** Exchanges the code (checking state, nonce and PKCE) and maps the ID token's claims. */
  finish(callbackUrl: URL, pending: OidcPending): Promise<ClaimsMapping>;
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  let configuration: Promise<client.Configuration> | undefined;
  const config = () => {
    configuration ??= client.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret).catch((error: unknown) => {
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
  };
}
