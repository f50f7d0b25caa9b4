import type { CommandSpec } from './args.js';

/**
 * What every command of `bistandsrobot` (src/main.ts) takes, in one light module: main.ts
 * answers `--help` and refuses a bad argument from these without loading the command, and each
 * command parses with the same spec (src/cli/args.ts).
 */
const CONFIG_NOTE = 'Inställningarna läses från miljön (README, "Running in production").';

export const CALC: CommandSpec = {
  name: 'calc',
  summary: 'räknar fram robotens förslag för ett ärendeunderlag (snapshot, CONTRACTS.md).',
  usage: ['calc [FIL | -] [--explain] [--rules MAPP]'],
  options: {
    explain: { type: 'boolean', help: 'beräkningen som svensk tabell i stället för JSON' },
    rules: { type: 'string', value: 'MAPP', help: 'en annan regelmapp än rules/' },
  },
  positionals: true,
  examples: [
    'npx bistandsrobot calc fixtures/snapshots/contract-example.json',
    'npx bistandsrobot calc --explain fixtures/snapshots/contract-example.json',
    'cat underlag.json | npx bistandsrobot calc',
  ],
  notes: ['Utan FIL (eller med -) läses standard in.', 'Slutkod: 0 förslaget skrivet, 1 regelmappen kan inte användas, 2 ogiltiga indata eller argument.'],
};

export const START: CommandSpec = {
  name: 'start',
  summary: 'hela roboten på en maskin i sandlådan: lokal Redis, PGlite, simulerade register och system, worker och webb.',
  usage: ['start'],
  options: {},
  positionals: false,
  examples: ['npx bistandsrobot start', 'LOG_LEVEL=info npx bistandsrobot start'],
  notes: ['Ctrl-C avslutar.', CONFIG_NOTE],
};

export const WORKER: CommandSpec = {
  name: 'worker',
  summary: 'kör ärendeflödet (intag, register, förslag, verkställighet, bokning) mot konfigurerad Redis, databas och register.',
  usage: ['worker'],
  options: {},
  positionals: false,
  examples: ['REDIS_URL=redis://redis:6379 DATABASE_URL=postgres://robot@db/robot npx bistandsrobot worker'],
  notes: [CONFIG_NOTE, 'Slutkod: 0 stoppad med SIGTERM/SIGINT, 1 kunde inte starta, 2 ofullständig konfiguration.'],
};

export const WEB: CommandSpec = {
  name: 'web',
  summary: 'granskningssidorna, administrationen, /healthz och /metrics mot konfigurerad Redis och databas.',
  usage: ['web'],
  options: {},
  positionals: false,
  examples: ['PORT=3000 REDIS_URL=redis://redis:6379 DATABASE_URL=postgres://robot@db/robot npx bistandsrobot web'],
  notes: [CONFIG_NOTE, 'Slutkod: 0 stoppad med SIGTERM/SIGINT, 2 ofullständig konfiguration.'],
};

export const REPLAY: CommandSpec = {
  name: 'replay',
  summary: 'skickar ärenden som fastnat eller slutat i TECHNICAL_ERROR genom flödet igen; med --rules en what-if som inget skriver.',
  usage: ['replay --av ANVÄNDAR-ID [--skal TEXT] ÄRENDE-ID ...', 'replay --rules MAPP --month ÅÅÅÅ-MM --municipality KOMMUNKOD [--text]'],
  options: {
    av: { type: 'string', value: 'ANVÄNDAR-ID', help: 'vem som ber om omkörningen; hen behöver en giltig försäkran för SSBTEK i ärendets kommun' },
    skal: { type: 'string', value: 'TEXT', help: 'varför (skrivs i granskningsloggen)' },
    rules: { type: 'string', value: 'MAPP', help: 'what-if: räkna om månadens ärenden med reglerna i MAPP' },
    month: { type: 'string', value: 'ÅÅÅÅ-MM', help: 'what-if: månaden' },
    municipality: { type: 'string', value: 'KOMMUNKOD', help: 'what-if: kommunen (SCB:s kod, fyra siffror)' },
    text: { type: 'boolean', help: 'what-if: sammanfattningen som text i stället för JSON' },
  },
  positionals: true,
  examples: ['npx bistandsrobot replay --av admin-trelleborg --skal "SSBTEK låg nere" R-abcdefghijklmnopqrstuvwx', 'npx bistandsrobot replay --rules ../regler-2027 --month 2026-03 --municipality 1287 --text'],
  notes: [CONFIG_NOTE, 'Slutkod: 0 klar, 1 ingen robot har kört mot databasen eller regelmappen kan inte användas, 2 fel argument.'],
};

export const EXPORT: CommandSpec = {
  name: 'export',
  summary: 'skriver allt om en kommuns ärenden till en katalog som står på egna ben (manifest.json, README.txt).',
  usage: ['export --municipality KOMMUNKOD --out KATALOG'],
  options: {
    municipality: { type: 'string', value: 'KOMMUNKOD', help: 'kommunen (SCB:s kod, fyra siffror)' },
    out: { type: 'string', value: 'KATALOG', help: 'ny eller tom katalog' },
  },
  positionals: false,
  examples: ['npx bistandsrobot export --municipality 1263 --out export-1263'],
  notes: [CONFIG_NOTE, 'Slutkod: 0 klar, 1 exporten misslyckades, 2 fel argument eller katalogen är inte tom.'],
};

export const RETENTION: CommandSpec = {
  name: 'retention',
  summary: 'gallring: provkörning som listar vad som ska gallras, eller verkställande av en provkörning.',
  usage: ['retention --municipality KOMMUNKOD --dry-run', 'retention --execute KÖRNINGS-ID'],
  options: {
    municipality: { type: 'string', value: 'KOMMUNKOD', help: 'kommunen att provköra (SCB:s kod, fyra siffror)' },
    'dry-run': { type: 'boolean', help: 'planera och spara rapporten; inget ärende ändras' },
    execute: { type: 'string', value: 'KÖRNINGS-ID', help: 'verkställ provkörningen med detta id (förstör uppgifter)' },
  },
  positionals: false,
  examples: ['npx bistandsrobot retention --municipality 1287 --dry-run', 'npx bistandsrobot retention --execute 0b6f3c2e-5d1a-4a8e-9f3b-2c7d1e0a9b4f'],
  notes: [CONFIG_NOTE, 'Slutkod: 0 klar, 1 gallringen misslyckades, 2 fel argument.'],
};

export const STATS: CommandSpec = {
  name: 'stats',
  summary: 'Socialstyrelsens fil om ekonomiskt bistånd (HSLF-FS 2015:30) för en kommun, kontrollerad mot besluten.',
  usage: [
    'stats --municipality KOMMUNKOD --month ÅÅÅÅ-MM --out FIL',
    'stats --municipality KOMMUNKOD --year ÅÅÅÅ --out FIL',
    'stats --validate FIL --municipality KOMMUNKOD (--month ÅÅÅÅ-MM | --year ÅÅÅÅ)',
  ],
  options: {
    municipality: { type: 'string', value: 'KOMMUNKOD', help: 'kommunen (SCB:s kod, fyra siffror)' },
    month: { type: 'string', value: 'ÅÅÅÅ-MM', help: 'månadsfilen för månaden' },
    year: { type: 'string', value: 'ÅÅÅÅ', help: 'årsfilen för året' },
    out: { type: 'string', value: 'FIL', help: 'ny fil att skriva (skrivs aldrig över)' },
    validate: { type: 'string', value: 'FIL', help: 'kontrollera en befintlig fil mot besluten' },
  },
  positionals: false,
  examples: [
    'npx bistandsrobot stats --municipality 1287 --month 2026-10 --out eb-1287-2026-10.txt',
    'npx bistandsrobot stats --validate eb-1287-2026-10.txt --municipality 1287 --month 2026-10',
  ],
  notes: [CONFIG_NOTE, 'Slutkod: 0 filen stämmer med besluten, 1 den gör det inte, 2 fel argument.'],
};

export const RULES: CommandSpec = {
  name: 'rules',
  summary: 'vilka regler en månad saknar eller bara har preliminärt (riksnorm, prisbasbelopp, kommunernas värden).',
  usage: ['rules check --month ÅÅÅÅ-MM [--rules MAPP]'],
  options: {
    month: { type: 'string', value: 'ÅÅÅÅ-MM', help: 'månaden att kontrollera' },
    rules: { type: 'string', value: 'MAPP', help: 'en annan regelmapp än rules/' },
  },
  positionals: true,
  examples: ['npx bistandsrobot rules check --month 2027-01', 'npx bistandsrobot rules check --month 2027-01 --rules ../regler-2027'],
  notes: ['Läser bara regelmappen.', 'Slutkod: 0 inget saknas (preliminära värden listas), 1 något saknas eller regelmappen är fel, 2 fel argument.'],
};

/** In the order the top-level help lists them. */
export const LOGFOLLOWUP: CommandSpec = {
  name: 'logfollowup',
  summary: 'logguppföljning för SSBTEK-villkoren på begäran (förvalt: förra månaden); granskas på /logguppfoljning.',
  usage: ['logfollowup --municipality KOMMUNKOD [--from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD] [--csv FIL]'],
  options: {
    municipality: { type: 'string', value: 'KOMMUNKOD', help: 'kommunen (SCB:s kod, fyra siffror)' },
    from: { type: 'string', value: 'ÅÅÅÅ-MM-DD', help: 'första dagen (svensk tid); förvalt förra månadens första' },
    to: { type: 'string', value: 'ÅÅÅÅ-MM-DD', help: 'sista dagen, inräknad; förvalt förra månadens sista' },
    csv: { type: 'string', value: 'FIL', help: 'skriv också fynden som CSV för svenska Excel (ny fil)' },
  },
  positionals: false,
  examples: ['npx bistandsrobot logfollowup --municipality 1287', 'npx bistandsrobot logfollowup --municipality 1263 --from 2026-10-01 --to 2026-10-31 --csv uppfoljning.csv'],
  notes: [CONFIG_NOTE, 'Slutkod: 0 rapporten är gjord, 2 fel argument.'],
};

export const COMMANDS: readonly CommandSpec[] = [CALC, START, WORKER, WEB, REPLAY, EXPORT, RETENTION, STATS, RULES, LOGFOLLOWUP];

/** `bistandsrobot --help`: every command with its summary. */
export function mainHelp(): string {
  return [
    'bistandsrobot: beslutsroboten för ekonomiskt bistånd. Roboten föreslår, en handläggare beslutar.',
    '',
    'användning: bistandsrobot KOMMANDO [VAL ...]',
    '',
    'kommandon:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Hjälp för ett kommando: bistandsrobot KOMMANDO --help',
    '',
  ].join('\n');
}
