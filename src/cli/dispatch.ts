import { RobotError } from '../domain/errors.js';
import { EXIT_USAGE, parseOrExit, type CommandSpec } from './args.js';
import { runCalc, type CliIo } from './calc.js';
import { CALC, EXPORT, LOGFOLLOWUP, mainHelp, REPLAY, RETENTION, RULES, START, STATS, WEB, WORKER } from './commands.js';

/**
 * The command line's dispatch (src/main.ts is its entry). `--help` and bad arguments are
 * answered from the command's spec (commands.ts) before its module loads; heavy modules load
 * only for the command that runs. Returns the exit code: 0 done or help, 2 bad command or
 * argument, otherwise the command's own.
 */
type Run = (args: readonly string[], io: CliIo) => number | Promise<number>;

export const COMMAND_RUNNERS: Readonly<Record<string, readonly [CommandSpec, Run]>> = {
  calc: [CALC, (a, io) => runCalc(a, io)],
  start: [START, async (a) => (await import('./start.js')).runStart(process.env, a)],
  worker: [WORKER, async (a) => (await import('./production.js')).runWorker(process.env, a)],
  web: [WEB, async (a) => (await import('./production.js')).runWeb(process.env, a)],
  replay: [REPLAY, async (a) => (await import('./production.js')).runReplay(process.env, a)],
  export: [EXPORT, async (a) => (await import('./export.js')).runExport(process.env, a)],
  retention: [RETENTION, async (a) => (await import('./retention.js')).runRetention(process.env, a)],
  stats: [STATS, async (a) => (await import('./stats.js')).runStats(process.env, a)],
  rules: [RULES, async (a, io) => (await import('./rules.js')).runRules(a, io)],
  logfollowup: [LOGFOLLOWUP, async (a) => (await import('./logFollowUp.js')).runLogFollowUp(process.env, a)],
};

export async function runMain(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(mainHelp());
    return 0;
  }
  const entry = command && Object.hasOwn(COMMAND_RUNNERS, command) ? COMMAND_RUNNERS[command] : undefined;
  if (!entry) {
    // A mistyped command is named only when it looks like one (it could be anything, even a personal number).
    const named = command && /^[a-z-]{1,20}$/.test(command) ? ` ${command}` : '';
    io.stderr(`${command ? `okänt kommando${named}\n` : ''}användning: bistandsrobot <${Object.keys(COMMAND_RUNNERS).join(' | ')}> [VAL ...]\n(mer: bistandsrobot --help)\n`);
    return EXIT_USAGE;
  }
  const [spec, run] = entry;
  const early = parseOrExit(spec, args, io);
  if (typeof early === 'number') return early;
  try {
    return await run(args, io);
  } catch (error) {
    // A configuration error of the catalogue says what to do, in words written without values.
    if (error instanceof RobotError && error.kind === 'configuration') {
      io.stderr(`${command}: ${error.message}\n`);
      return 1;
    }
    // No stack trace and no input echoed: name the failure and stop.
    io.stderr(`${command}: internt fel (${(error as Error).name}); se loggen\n`);
    return 1;
  }
}
