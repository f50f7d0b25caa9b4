import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { RulesFileError } from '../domain/errors.js';
import { createLogger } from '../observability/logger.js';
import { useClientTls } from '../registers/transport.js';
import { loadRules } from '../rules/load.js';
import type { RuleSet } from '../rules/ruleset.js';

/** What every long-running entry point needs first: configuration, a logger, the rules. */
export interface Basics {
  config: Config;
  logger: Logger;
  rules: RuleSet;
}

/** Exit codes: 0 done, 1 the robot could not start, 2 bad configuration. */
export function loadBasics(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): Basics | number {
  let config: Config;
  try {
    config = loadConfig({ ...overrides, ...env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Konfigurationen kan inte användas:\n${error.problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}\n`);
      return 2;
    }
    throw error;
  }
  if (config.clientTls) {
    const { certFile, keyFile, caFile } = config.clientTls;
    try {
      useClientTls({
        ...(certFile && keyFile ? { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } : {}),
        ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
      });
    } catch (error) {
      // Read a moment ago by the configuration check; the words, never the file's content.
      process.stderr.write(`Konfigurationen kan inte användas:\n  CLIENT_TLS_*: certifikatfilerna kunde inte läsas eller användas (${(error as { code?: string }).code ?? (error as Error).name})\n`);
      return 2;
    }
  }
  const logger = createLogger(config);
  try {
    return { config, logger, rules: loadRules(config.rulesDir) };
  } catch (error) {
    if (error instanceof RulesFileError) {
      logger.fatal({ file: error.file, field: error.field }, `regelfilen kan inte användas: ${error.message}`);
      process.stderr.write(`Regelfilen kan inte användas: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping exits at once. */
export function untilStopped(logger: Logger): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'stopping: finishing the jobs in hand');
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
