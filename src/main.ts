#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runCalc, type CliIo } from './cli/calc.js';

/** One command line for the robot. Heavy modules load only for the command that needs them. */
const io: CliIo = {
  readStdin: () => readFileSync(0, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const commands: Record<string, (args: readonly string[]) => number | Promise<number>> = {
  calc: (a) => runCalc(a, io),
  start: async () => (await import('./cli/start.js')).runStart(process.env),
  worker: async () => (await import('./cli/production.js')).runWorker(process.env),
  web: async () => (await import('./cli/production.js')).runWeb(process.env),
  replay: async (a) => (await import('./cli/production.js')).runReplay(process.env, a),
  export: async (a) => (await import('./cli/export.js')).runExport(process.env, a),
  retention: async (a) => (await import('./cli/retention.js')).runRetention(process.env, a),
  stats: async (a) => (await import('./cli/stats.js')).runStats(process.env, a),
  rules: async (a) => (await import('./cli/rules.js')).runRules(a, io),
  logfollowup: async (a) => (await import('./cli/logFollowUp.js')).runLogFollowUp(process.env, a),
};

const [command, ...args] = process.argv.slice(2);
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write(`användning: main <${Object.keys(commands).join(' | ')}> ...\n`);
  process.exitCode = 2;
} else {
  try {
    process.exitCode = await run(args);
  } catch (error) {
    // No stack trace and no input echoed: name the failure and stop.
    process.stderr.write(`${command}: internt fel (${(error as Error).name}); se loggen\n`);
    process.exitCode = 1;
  }
}
