#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { processOutput } from './cli/args.js';
import { runMain } from './cli/dispatch.js';

/** One command line for the robot (`bistandsrobot`, `npm run <command>`, `node dist/main.js`); see src/cli/dispatch.ts. */
process.exitCode = await runMain(process.argv.slice(2), {
  readStdin: () => readFileSync(0, 'utf8'),
  ...processOutput,
});
