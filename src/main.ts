#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runCalc, type CliIo } from './cli/calc.js';

/** One command line for the robot: `calc` now; start, worker, web, replay and stats as they land. */
const io: CliIo = {
  readStdin: () => readFileSync(0, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const [command, ...args] = process.argv.slice(2);
const commands: Record<string, (args: readonly string[]) => number> = {
  calc: (a) => runCalc(a, io),
};

const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write(`användning: main <${Object.keys(commands).join(' | ')}> ...\n`);
  process.exitCode = 2;
} else {
  try {
    process.exitCode = run(args);
  } catch (error) {
    // No stack trace and no input echoed: name the failure and stop.
    process.stderr.write(`${command}: internt fel (${(error as Error).name}); rapportera till förvaltningen\n`);
    process.exitCode = 1;
  }
}
