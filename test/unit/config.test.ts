import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { organisationName } from '../../src/cli/wiring.js';
import { ConfigError, DEVELOPMENT_PSEUDONYM_SECRET, DEVELOPMENT_SESSION_SECRET, describeConfig, loadConfig } from '../../src/config.js';
import { loadRules } from '../../src/rules/load.js';

const SECRET = 'a-production-key-that-is-long-enough-0123456789';
const PRODUCTION = {
  NODE_ENV: 'production',
  REDIS_URL: 'redis://robot:hunter2-redis-password@redis.internal:6379',
  DATABASE_URL: 'postgres://robot:hunter2-db-password@db.internal/robot',
  SSBTEK_URL: 'https://ssbtek.example/ws',
  KIR_URL: 'https://kir.example',
  PLAN_URL: 'https://plan.example',
  ESERVICE_URL: 'https://eservice.example',
  ORGANISATION_NUMBER: '212000-1165',
  FK_AKTORSID: 'aktor-1287',
  PSEUDONYM_SECRET: SECRET,
  METRICS_TOKEN: 'a-scrape-token-that-is-long-enough-abcdefghij',
};

function problems(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on one machine with no variables at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      logLevel: 'info',
      redisUrl: undefined,
      databaseUrl: undefined,
      dataDir: './data',
      rulesDir: undefined,
      port: 3000,
      host: '127.0.0.1',
      ssbtekUrl: undefined,
      robotIdentity: 'bistandsrobot',
      organisationNumber: '162120001165',
      pseudonymSecret: DEVELOPMENT_PSEUDONYM_SECRET,
      pollIntervalMs: 60_000,
      workerConcurrency: 8,
      registerAttempts: 4,
    });
    expect(config.planPendingDeadlineMs).toBeGreaterThan(config.planRecheckDelayMs);
  });

  it('reads a full production configuration and normalises the organisation number', () => {
    const config = loadConfig({ ...PRODUCTION, PORT: '8080', WORKER_CONCURRENCY: '2', LOG_LEVEL: 'warn' });
    expect(config.nodeEnv).toBe('production');
    expect(config.port).toBe(8080);
    expect(config.workerConcurrency).toBe(2);
    expect(config.logLevel).toBe('warn');
    expect(config.organisationNumber).toBe('162120001165');
    expect(config.pseudonymSecret).toBe(SECRET);
  });

  it("names SSBTEK's ingivare as ORGANISATION_NAME says, else as the sandbox municipality's rules file does", () => {
    const rules = loadRules();
    expect(loadConfig({}).organisationName).toBeUndefined();
    expect(organisationName(loadConfig({}), rules)).toBe('Trelleborgs kommun');
    expect(organisationName(loadConfig({ ORGANISATION_NAME: 'Socialnämnden i Trelleborg' }), rules)).toBe('Socialnämnden i Trelleborg');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: ' ' }).port).toBe(3000);
  });

  it('names every bad variable at once, in words', () => {
    const error = problems({ PORT: 'eighty', WORKER_CONCURRENCY: '0', LOG_LEVEL: 'loud', KIR_URL: 'kir.example' });
    const named = error.problems.map((p) => p.variable).sort();
    expect(named).toEqual(['KIR_URL', 'LOG_LEVEL', 'PORT', 'WORKER_CONCURRENCY']);
    expect(error.message).toMatch(/PORT: must be a whole number/);
    expect(error.message).toMatch(/WORKER_CONCURRENCY: must be between 1 and 256/);
    expect(error.message).toMatch(/LOG_LEVEL: must be one of/);
    expect(error.message).toMatch(/KIR_URL: must be a URL starting with http:\/\/ or https:\/\//);
    // The values themselves are not repeated.
    expect(error.message).not.toMatch(/eighty|loud|kir\.example/);
  });

  it('refuses production without the secret and the real systems', () => {
    const error = problems({ NODE_ENV: 'production' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      ['DATABASE_URL', 'ESERVICE_URL', 'FK_AKTORSID', 'KIR_URL', 'METRICS_TOKEN', 'ORGANISATION_NUMBER', 'PLAN_URL', 'PSEUDONYM_SECRET', 'REDIS_URL', 'SSBTEK_URL'].sort(),
    );
    expect(error.message).toMatch(/PSEUDONYM_SECRET: must be set when NODE_ENV is production/);
  });

  it('never echoes a secret or a credential, even when it is the problem', () => {
    const shortSecret = 'tooshort-secret';
    const badRedis = 'http://robot:hunter2-redis-password@redis.internal';
    const error = problems({ ...PRODUCTION, PSEUDONYM_SECRET: shortSecret, REDIS_URL: badRedis });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['PSEUDONYM_SECRET', 'REDIS_URL']);
    for (const text of [error.message, JSON.stringify(error.problems), String(error.stack)]) {
      expect(text).not.toContain(shortSecret);
      expect(text).not.toContain('hunter2');
    }
  });

  it('refuses in production a development key from the source or one character repeated, naming the variable only', () => {
    const repeated = 'x'.repeat(48);
    const error = problems({ ...PRODUCTION, PSEUDONYM_SECRET: DEVELOPMENT_PSEUDONYM_SECRET, SESSION_SECRET: repeated, METRICS_TOKEN: DEVELOPMENT_SESSION_SECRET });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['METRICS_TOKEN', 'PSEUDONYM_SECRET', 'SESSION_SECRET']);
    expect(error.problems.find((p) => p.variable === 'PSEUDONYM_SECRET')?.problem).toMatch(/development key/);
    expect(error.problems.find((p) => p.variable === 'SESSION_SECRET')?.problem).toMatch(/one character repeated/);
    for (const text of [error.message, JSON.stringify(error.problems)]) {
      expect(text).not.toContain(DEVELOPMENT_PSEUDONYM_SECRET);
      expect(text).not.toContain(DEVELOPMENT_SESSION_SECRET);
      expect(text).not.toContain(repeated);
    }
    // The same values are fine outside production, and a real key is fine in it.
    expect(() => loadConfig({ SESSION_SECRET: repeated })).not.toThrow();
    expect(loadConfig({ ...PRODUCTION, SESSION_SECRET: 'another-production-key-long-enough-987654' }).metricsToken).toBe(PRODUCTION.METRICS_TOKEN);
  });

  it('does not read or report variables it does not know', () => {
    expect(() => loadConfig({ AWS_SECRET_ACCESS_KEY: 'x', PORT: '1' })).not.toThrow();
  });

  it('rejects an organisation number with a wrong check digit or a birth-date shape', () => {
    expect(problems({ ORGANISATION_NUMBER: '212000-1166' }).problems[0]?.variable).toBe('ORGANISATION_NUMBER');
    // A personal number is not an organisation number (third digit under 2), and is not echoed.
    const error = problems({ ORGANISATION_NUMBER: '850709-9805' });
    expect(error.message).toMatch(/ORGANISATION_NUMBER/);
    expect(error.message).not.toContain('850709');
  });

  it('wants the plan deadline longer than the recheck delay', () => {
    const error = problems({ PLAN_RECHECK_DELAY_MS: '7200000', PLAN_PENDING_DEADLINE_MS: '3600000' });
    expect(error.problems).toEqual([{ variable: 'PLAN_PENDING_DEADLINE_MS', problem: expect.stringMatching(/longer than/) }]);
  });

  it("reads the browser's path and where decisions are carried out, the RPA account included", () => {
    expect(loadConfig({}).chromiumPath).toBe('/usr/bin/chromium');
    expect(loadConfig({}).outbound).toEqual({
      caseSystemUrl: undefined,
      caseSystemUiUrl: undefined,
      rpaUser: undefined,
      rpaPassword: undefined,
      paymentUrl: undefined,
      notifyUrl: undefined,
      adapters: {},
    });
    const config = loadConfig({
      CHROMIUM_PATH: '/opt/chromium/chrome',
      CASESYSTEM_UI_URL: 'https://vs.example',
      CASESYSTEM_RPA_USER: 'robot',
      CASESYSTEM_RPA_PASSWORD: 'hunter2-rpa',
      CASESYSTEM_ADAPTER_1263: 'rpa',
      PAYMENT_URL: 'https://pay.example',
      NOTIFY_URL: 'https://mina.example',
    });
    expect(config.chromiumPath).toBe('/opt/chromium/chrome');
    expect(config.outbound).toMatchObject({ caseSystemUiUrl: 'https://vs.example', rpaUser: 'robot', rpaPassword: 'hunter2-rpa', adapters: { '1263': 'rpa' } });
  });

  it('names a bad browser path, a bad adapter choice and a bad carry-out address without echoing them', () => {
    const error = problems({ CHROMIUM_PATH: 'chromium', CASESYSTEM_ADAPTER_1287: 'robot-hunter2', CASESYSTEM_ADAPTER_X: 'http', PAYMENT_URL: 'ftp://hunter2@pay' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['CASESYSTEM_ADAPTER_1287', 'CASESYSTEM_ADAPTER_X', 'CHROMIUM_PATH', 'PAYMENT_URL']);
    expect(error.message).toMatch(/CASESYSTEM_ADAPTER_1287: must be http or rpa/);
    expect(error.message).not.toContain('hunter2');
  });

  it("takes the organisation certificate's files by absolute path, readable at start, certificate and key together", () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-tls-'));
    const pem = (name: string, kind: string) => {
      const path = join(dir, name);
      writeFileSync(path, `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`);
      return path;
    };
    const cert = pem('org.crt', 'CERTIFICATE');
    const key = pem('org.key', 'PRIVATE KEY');
    const ca = pem('ca.crt', 'CERTIFICATE');
    expect(loadConfig({}).clientTls).toBeUndefined();
    expect(loadConfig({ CLIENT_TLS_CERT_FILE: cert, CLIENT_TLS_KEY_FILE: key, CLIENT_TLS_CA_FILE: ca }).clientTls).toEqual({ certFile: cert, keyFile: key, caFile: ca });
    expect(loadConfig({ CLIENT_TLS_CA_FILE: ca }).clientTls).toEqual({ caFile: ca });
    expect(describeConfig(loadConfig({ CLIENT_TLS_CERT_FILE: cert, CLIENT_TLS_KEY_FILE: key })).clientTls).toBe('organisation certificate');

    expect(problems({ CLIENT_TLS_CERT_FILE: cert }).problems).toEqual([{ variable: 'CLIENT_TLS_KEY_FILE', problem: expect.stringMatching(/together/) }]);
    expect(problems({ CLIENT_TLS_KEY_FILE: key }).problems).toEqual([{ variable: 'CLIENT_TLS_CERT_FILE', problem: expect.stringMatching(/together/) }]);
    const notPem = join(dir, 'notes.txt');
    writeFileSync(notPem, 'hunter2');
    const error = problems({ CLIENT_TLS_CERT_FILE: 'org.crt', CLIENT_TLS_KEY_FILE: join(dir, 'missing.key'), CLIENT_TLS_CA_FILE: notPem });
    expect(Object.fromEntries(error.problems.map((p) => [p.variable, p.problem]))).toEqual({
      CLIENT_TLS_CERT_FILE: expect.stringMatching(/absolute path/),
      CLIENT_TLS_KEY_FILE: expect.stringMatching(/cannot be read as a PEM file/),
      CLIENT_TLS_CA_FILE: expect.stringMatching(/cannot be read as a PEM file/),
    });
    expect(error.message).not.toContain('hunter2');
  });

  it('describes itself for a start-up log line without credentials', () => {
    const text = JSON.stringify(describeConfig(loadConfig(PRODUCTION)));
    expect(text).toContain('redis.internal');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(SECRET);
  });
});
