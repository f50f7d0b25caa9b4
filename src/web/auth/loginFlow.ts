import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OidcPending } from './oidc.js';

/**
 * A login that has started but not finished lives in a short-lived signed cookie, not in the
 * session store: a session row is written only when someone has signed in (issue 17: before,
 * every anonymous visit to the login wrote one, so anyone could fill the table).
 *
 * * OpenID Connect: state, nonce, the PKCE verifier and where to go afterwards, in
 *   `bistand_oidc` (path /auth/callback, so no other request carries it). Signed with
 *   SESSION_SECRET (HMAC-SHA256, @fastify/cookie), so nobody can choose their own state or
 *   verifier; httpOnly, so page script cannot read it; SameSite=Lax, so it comes along on the
 *   provider's top-level redirect back but not on a cross-site POST; an expiry inside the
 *   signed value as well as on the cookie. It is not encrypted: it holds only one-time random
 *   values for this browser's own login, which only this browser sends back. It binds the
 *   callback to the browser that started the login (state), which is what stops login CSRF.
 * * The development login form: a random token in `bistand_login` (path /login) that the form
 *   must repeat (double submit, signed), as the session's CSRF secret would otherwise need a session.
 *
 * Both cookies are cleared when used; a replayed or expired one is refused.
 */

export const OIDC_COOKIE = 'bistand_oidc';
export const LOGIN_FORM_COOKIE = 'bistand_login';

export interface LoginCookieOptions {
  secure: boolean;
  maxAgeMs: number;
}

interface Signed<T> {
  exp: number;
  value: T;
}

function put<T>(reply: FastifyReply, name: string, path: string, value: T, options: LoginCookieOptions, now: number): void {
  const body: Signed<T> = { exp: now + options.maxAgeMs, value };
  void reply.setCookie(name, Buffer.from(JSON.stringify(body)).toString('base64url'), {
    path,
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    maxAge: Math.floor(options.maxAgeMs / 1000),
    signed: true,
  });
}

function take<T>(request: FastifyRequest, reply: FastifyReply, name: string, path: string, now: number): T | undefined {
  const raw = request.cookies[name];
  if (raw === undefined) return undefined;
  void reply.clearCookie(name, { path });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  try {
    const body = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Signed<T>;
    return typeof body.exp === 'number' && body.exp > now ? body.value : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps an OpenID Connect login's state, nonce and verifier until the provider sends the browser back. */
export function rememberOidcLogin(reply: FastifyReply, pending: OidcPending, options: LoginCookieOptions, now = Date.now()): void {
  put(reply, OIDC_COOKIE, '/auth/callback', pending, options, now);
}

/** The started login of this browser (and clears it), or undefined when none, forged or expired. */
export function takeOidcLogin(request: FastifyRequest, reply: FastifyReply, now = Date.now()): OidcPending | undefined {
  const value = take<OidcPending>(request, reply, OIDC_COOKIE, '/auth/callback', now);
  if (!value || typeof value.state !== 'string' || typeof value.nonce !== 'string' || typeof value.codeVerifier !== 'string' || typeof value.next !== 'string') return undefined;
  return value;
}

/** A new token for the development login form; the form sends it back as `_csrf`. */
export function loginFormToken(reply: FastifyReply, options: LoginCookieOptions, now = Date.now()): string {
  const token = randomBytes(32).toString('base64url');
  put(reply, LOGIN_FORM_COOKIE, '/login', token, options, now);
  return token;
}

/** Whether the posted `_csrf` is the token this browser's login cookie holds (the cookie is used up). */
export function checkLoginFormToken(request: FastifyRequest, reply: FastifyReply, posted: unknown, now = Date.now()): boolean {
  const expected = take<string>(request, reply, LOGIN_FORM_COOKIE, '/login', now);
  if (typeof expected !== 'string' || typeof posted !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
