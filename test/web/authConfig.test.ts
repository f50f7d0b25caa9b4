import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ORGANISATIONS, DEFAULT_ROLE_VALUES, loadWebAuthConfig } from '../../src/config.js';

/** The web login's settings (src/config.ts, loadWebAuthConfig): named problems, never a value. */

const SECRET = 'a-session-key-that-is-long-enough-0123456789';
const OIDC = {
  OIDC_ISSUER: 'https://idp.trelleborg.example/realms/kommun',
  OIDC_CLIENT_ID: 'bistandsrobot',
  OIDC_CLIENT_SECRET: 'hunter2-client-secret',
  OIDC_REDIRECT_URI: 'https://robot.trelleborg.example/auth/callback',
};

function problems(env: NodeJS.ProcessEnv): { variable: string; problem: string }[] {
  try {
    loadWebAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadWebAuthConfig', () => {
  it('production: SESSION_SECRET and OpenID Connect required, development login off, secure cookies', () => {
    expect(problems({ NODE_ENV: 'production' }).map((p) => p.variable)).toEqual(['SESSION_SECRET', 'OIDC_ISSUER']);
    const prod = loadWebAuthConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, ...OIDC });
    expect(prod).toMatchObject({ devLogin: false, secureCookies: true, sessionSecret: SECRET });
    expect(prod.oidc).toEqual({
      ...{ issuer: OIDC.OIDC_ISSUER, clientId: 'bistandsrobot', clientSecret: OIDC.OIDC_CLIENT_SECRET, redirectUri: OIDC.OIDC_REDIRECT_URI },
      postLogoutRedirectUri: 'https://robot.trelleborg.example/utloggad',
      idClaim: 'sub',
      nameClaim: 'name',
      roleClaim: 'roles',
      organisationClaim: 'organisation',
      roleValues: DEFAULT_ROLE_VALUES,
      organisations: DEFAULT_ORGANISATIONS,
    });
  });

  it('development without variables: the development login, no OIDC', () => {
    expect(loadWebAuthConfig({})).toMatchObject({ devLogin: true, secureCookies: false, oidc: undefined });
  });

  it('names what is missing or wrong, and never repeats a value', () => {
    const found = problems({
      NODE_ENV: 'production',
      SESSION_SECRET: 'hunter2',
      OIDC_ISSUER: 'http://idp.example',
      OIDC_CLIENT_SECRET: 'hunter2 with a space',
      OIDC_REDIRECT_URI: 'https://robot.example/callback',
    });
    expect(found.map((p) => p.variable).sort()).toEqual(['OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI', 'SESSION_SECRET']);
    expect(found.find((p) => p.variable === 'OIDC_REDIRECT_URI')?.problem).toMatch(/\/auth\/callback/);
    expect(JSON.stringify(found)).not.toContain('hunter2');
    // The checks that need a well-formed value come next.
    const next = problems({ NODE_ENV: 'production', SESSION_SECRET: SECRET, OIDC_ISSUER: 'http://idp.example', OIDC_REDIRECT_URI: 'http://robot.example/auth/callback' });
    expect(next).toEqual([
      { variable: 'OIDC_CLIENT_ID', problem: 'must be set when OIDC_ISSUER is' },
      { variable: 'OIDC_CLIENT_SECRET', problem: 'must be set when OIDC_ISSUER is' },
      { variable: 'OIDC_ISSUER', problem: 'must be an https URL when NODE_ENV is production' },
      { variable: 'OIDC_REDIRECT_URI', problem: 'must be an https URL when NODE_ENV is production' },
    ]);
  });

  it('an OIDC variable without OIDC_ISSUER is a mistake, not silently ignored', () => {
    expect(problems({ OIDC_CLIENT_ID: 'x', OIDC_ROLE_CLAIM: 'groups' })).toEqual([
      { variable: 'OIDC_ISSUER', problem: 'must be set when OIDC_CLIENT_ID, OIDC_ROLE_CLAIM are' },
    ]);
  });

  it('reads the claim names and the role and organisation maps; refuses a role or code it does not know', () => {
    const config = loadWebAuthConfig({
      ...OIDC,
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_VALUES: 'grp-bistand-hl=caseworker; grp-bistand-adm=admin',
      OIDC_ORGANISATIONS: 'Sydvast=1287,1263;svedala=1263;__proto__=1287',
      OIDC_POST_LOGOUT_REDIRECT_URI: 'https://robot.trelleborg.example/hejda',
    });
    expect(config.oidc).toMatchObject({
      roleClaim: 'groups',
      roleValues: { 'grp-bistand-hl': 'caseworker', 'grp-bistand-adm': 'admin' },
      organisations: { sydvast: ['1287', '1263'], svedala: ['1263'], ['__proto__']: ['1287'] },
      postLogoutRedirectUri: 'https://robot.trelleborg.example/hejda',
    });
    // Every key an own property, none the object's prototype.
    expect(Object.getPrototypeOf(config.oidc!.organisations)).toBe(Object.prototype);
    expect(Object.hasOwn(config.oidc!.organisations, '__proto__')).toBe(true);
    expect(problems({ ...OIDC, OIDC_ROLE_VALUES: 'grp=superuser' }).map((p) => p.variable)).toEqual(['OIDC_ROLE_VALUES']);
    expect(problems({ ...OIDC, OIDC_ORGANISATIONS: 'trelleborg=12870' }).map((p) => p.variable)).toEqual(['OIDC_ORGANISATIONS']);
    expect(problems({ ...OIDC, OIDC_ID_CLAIM: 'user id' }).map((p) => p.variable)).toEqual(['OIDC_ID_CLAIM']);
    // Outside production a loopback provider over http is allowed (the browser tests' provider).
    expect(loadWebAuthConfig({ NODE_ENV: 'test', ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).toBe('http://127.0.0.1:4000');
  });
});
