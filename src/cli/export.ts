import { RobotError } from '../domain/errors.js';
import { createHash } from 'node:crypto';
import { followUpCsv } from '../web/logfollowup/csv.js';
import { mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFollowUpReports, type Db } from '../store/index.js';
import {
  beginReadOnlySnapshot,
  EXPORT_TABLES,
  listCaseMunicipalities,
  municipalityRows,
  readScreenshotImage,
  type ExportTable,
} from '../store/repositories/exportMunicipality.js';
import { MUNICIPALITY_CODE, parseOrExit, processOutput, str, usageText, type ParsedArgs } from './args.js';
import { EXPORT } from './commands.js';
import { loadBasics } from './daemon.js';
import { openStore } from './wiring.js';

/**
 * `export --municipality CODE --out DIR`: everything of one municipality, as an archive that
 * stands on its own (issue 6). See ARCHIVE_README below for the layout; manifest.json is
 * written last, so a directory without one is an interrupted export.
 */
export const ARCHIVE_FORMAT = 'bistandsrobot-kommunexport';
export const ARCHIVE_FORMAT_VERSION = 1;

export interface ManifestFile {
  file: string;
  /** The table a .jsonl file holds; absent for screenshots and README.txt. */
  table?: ExportTable;
  /** Rows in a .jsonl file; absent for other files. */
  rows?: number;
  bytes: number;
  sha256: string;
}

export interface ExportManifest {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  municipality: string;
  createdAt: string;
  robotVersion: string;
  /** Every rules_version of the exported snapshots, sorted. */
  rulesVersions: string[];
  /** Row count per table, the same numbers as in `files`. */
  counts: Record<ExportTable, number>;
  files: ManifestFile[];
}

const SCREENSHOT_DIR = 'screenshots';
const FOLLOW_UP_DIR = 'logguppfoljning';

export class ExportTargetError extends RobotError {
  readonly kind = 'business' as const;
  override name = 'ExportTargetError';
}

/** The robot's version from package.json (two levels up from src/cli and from dist/cli). */
export function robotVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'okänd';
  } catch {
    return 'okänd';
  }
}

/** A file being written and hashed as it goes. */
async function hashedWriter(path: string) {
  const handle = await open(path, 'wx');
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    async write(chunk: string | Uint8Array): Promise<void> {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      hash.update(data);
      bytes += data.byteLength;
      await handle.write(data);
    },
    async close(): Promise<{ bytes: number; sha256: string }> {
      await handle.close();
      return { bytes, sha256: hash.digest('hex') };
    },
  };
}

async function writeHashed(dir: string, file: string, data: string | Uint8Array): Promise<ManifestFile> {
  const w = await hashedWriter(join(dir, file));
  await w.write(data);
  return { file, ...(await w.close()) };
}

/** The target must be new or an empty directory: an export never overwrites or mixes with another. */
async function prepareTarget(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const present = await readdir(outDir);
  if (present.length > 0) throw new ExportTargetError(`${outDir} är inte tom`);
  await mkdir(join(outDir, SCREENSHOT_DIR));
}

/**
 * Writes the archive of `municipality` into `outDir` (new or empty). Reads the database in one
 * READ ONLY, REPEATABLE READ transaction: nothing is written to it, and every file shows the
 * same moment.
 */
export async function exportMunicipality(
  db: Db,
  options: { municipality: string; outDir: string; now?: Date; version?: string; pageSize?: number },
): Promise<ExportManifest> {
  const { municipality, outDir } = options;
  if (!MUNICIPALITY_CODE.test(municipality)) throw new ExportTargetError(`kommunkoden ${JSON.stringify(municipality)} är inte fyra siffror`);
  await prepareTarget(outDir);
  const createdAt = (options.now ?? new Date()).toISOString();
  const rulesVersions = new Set<string>();
  const counts = {} as Record<ExportTable, number>;
  const files: ManifestFile[] = [];
  const screenshotFiles: ManifestFile[] = [];

  await db.transaction(async (tx) => {
    await beginReadOnlySnapshot(tx);
    for (const table of EXPORT_TABLES) {
      const file = `${table}.jsonl`;
      const w = await hashedWriter(join(outDir, file));
      let rows = 0;
      const pageSize = table === 'case_screenshots' ? Math.min(options.pageSize ?? 50, 50) : options.pageSize;
      try {
        for await (const page of municipalityRows(tx, table, municipality, pageSize)) {
          let lines = '';
          for (const row of page) {
            if (table === 'snapshots' && typeof row.rules_version === 'string') rulesVersions.add(row.rules_version);
            if (table === 'case_screenshots') {
              const id = String(row.id);
              const name = `${SCREENSHOT_DIR}/${id}.${row.content_type === 'image/jpeg' ? 'jpg' : 'png'}`;
              screenshotFiles.push(await writeHashed(outDir, name, await readScreenshotImage(tx, id, municipality)));
              row.file = name;
            }
            lines += `${JSON.stringify(row)}\n`;
          }
          await w.write(lines);
          rows += page.length;
        }
      } finally {
        const done = await w.close();
        files.push({ file, table, rows, ...done });
      }
      counts[table] = rows;
    }
    // Each log follow-up report also as the CSV the municipality keeps with its records.
    const reports = await listFollowUpReports(tx, [municipality], 1_000_000);
    if (reports.length > 0) await mkdir(join(outDir, FOLLOW_UP_DIR));
    for (const report of reports.reverse()) screenshotFiles.push(await writeHashed(outDir, `${FOLLOW_UP_DIR}/${report.id}.csv`, followUpCsv(report)));
  });

  files.push(...screenshotFiles);
  files.push(await writeHashed(outDir, 'README.txt', ARCHIVE_README));
  const manifest: ExportManifest = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    municipality,
    createdAt,
    robotVersion: options.version ?? robotVersion(),
    rulesVersions: [...rulesVersions].sort(),
    counts,
    files,
  };
  // Last: its presence says the archive is complete.
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  return manifest;
}

/** The parsed arguments as a request, or a message naming the one at fault. */
function exportRequest({ values }: ParsedArgs): { municipality: string; outDir: string } | string {
  const municipality = str(values, 'municipality');
  const outDir = str(values, 'out');
  if (!municipality || !outDir) return '--municipality och --out krävs';
  if (!MUNICIPALITY_CODE.test(municipality)) return `kommunkoden ${municipality} är inte fyra siffror`;
  return { municipality, outDir };
}

/** The command line: prints one summary line; exit 2 for usage, 1 when the export failed. */
export async function runExport(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number> {
  const parsedArgs = parseOrExit(EXPORT, args, processOutput);
  if (typeof parsedArgs === 'number') return parsedArgs;
  const parsed = exportRequest(parsedArgs);
  if (typeof parsed === 'string') {
    process.stderr.write(`export: ${parsed}\n${usageText(EXPORT)}`);
    return 2;
  }
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const db = await openStore(basics.config);
  try {
    const known = await listCaseMunicipalities(db);
    if (!known.includes(parsed.municipality)) {
      process.stderr.write(`export: inga ärenden för kommun ${parsed.municipality} (kommuner med ärenden: ${known.join(', ') || 'inga'})\n`);
      return 1;
    }
    const manifest = await exportMunicipality(db, parsed);
    process.stdout.write(
      `export: kommun ${manifest.municipality}: ${manifest.counts.cases} ärenden, ${manifest.files.length} filer i ${parsed.outDir}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ExportTargetError) {
      process.stderr.write(`export: ${error.message}\n`);
      return 2;
    }
    basics.logger.error({ error: (error as Error).name, municipality: parsed.municipality }, 'export failed');
    process.stderr.write(`export: misslyckades (${(error as Error).name}); katalogen ${parsed.outDir} är ofullständig (ingen manifest.json)\n`);
    return 1;
  } finally {
    await db.close();
  }
}

/** README.txt of every archive: the format, in Swedish, for whoever receives it. */
export const ARCHIVE_README = `EXPORT AV EN KOMMUNS ÄRENDEN FRÅN BISTÅNDSROBOTEN
=================================================

Katalogen innehåller allt som roboten har lagrat om EN kommuns ärenden om ekonomiskt
bistånd. Kommunkoden står i manifest.json (fältet "municipality"). Ingen annan kommuns
uppgifter finns med: varje rad är vald genom ärendets egen kommun (cases.municipality),
för tabeller utan kommunkolumn via ärende-id (case_id) eller via beslutet (decision_id).

Innehåll
--------
  manifest.json            Beskrivning av exporten: kommun, skapad (UTC, ISO 8601),
                           robotens version, de regelversioner som förekommer i
                           underlagen, antal rader per tabell och för varje fil antal
                           rader, storlek i byte och SHA-256. Skrivs sist: saknas
                           manifest.json är exporten avbruten och ofullständig.
  README.txt               Den här filen.
  applications.jsonl       Ansökningarna (rådata som de kom in, valideringsfel).
  cases.jsonl              Ärendena: kommun, organisation, månad, status.
  case_state_history.jsonl Varje statusändring i ärendena (vem, när, varför).
  snapshots.jsonl          Underlagen: registersvar och ansökan som bedömningen gjordes
                           på, med regelversion (rules_version).
  proposals.jsonl          Robotens förslag (bifall, avslag eller manuell handläggning).
  decisions.jsonl          Signerade beslut: innehåll, SHA-256 av innehållet
                           (content_hash), vem som signerade och när, samt vilket
                           beslut ett rättat beslut ersätter (supersedes).
  decision_steps.jsonl     Verkställighetens steg per beslut (återskrivning till
                           verksamhetssystemet, utbetalning, meddelande); amount är
                           det belopp en utbetalning faktiskt beställde.
  case_screenshots.jsonl   Skärmbilder som RPA-roboten tog när verksamhetssystemet
                           fallerade. Bilden ligger som egen fil; raden anger filen
                           (fältet "file") och bildens storlek (image_bytes).
  screenshots/ID.png       Själva skärmbilderna (ID = case_screenshots.id; .jpg för
                           bilder av typen image/jpeg). Kan visa personuppgifter.
  bookings.jsonl           Första möten med arbetsmarknadssekreterare: bokad tid,
                           bokningssystemets referens, meddelandet i Mina ärenden,
                           eller varför roboten inte kunde boka.
  job_outcomes.jsonl       Hur robotens jobb för ärendena slutade (tekniska händelser).
  appeals.jsonl            Överklaganden: beslut, inkommet datum, kanal, vad det gäller,
                           dagen sökanden fick beslutet.
  appeal_events.jsonl      Vad som hände med överklagandena: omprövat (behållet eller
                           ändrat), avvisat som för sent, överlämnat till förvaltningsrätten.
  audit_log.jsonl          Loggen över åtkomst och registerslagningar i ärendena, och
                           kommunens registreringar av försäkringar och logguppföljning.
  retention_runs.jsonl     Gallringskörningar: provkörningar och verkställda gallringar,
                           vem, när och enligt vilken regel.
  retention_items.jsonl    Provkörningarnas listor: ärenden som skulle gallras eller
                           bevaras, med datum (inga uppgifter ur ärendena).
  retention_destructions.jsonl
                           Vad som har gallrats: ärende-id, månad, datum och antal rader
                           per tabell. Själva uppgifterna finns inte kvar.
  ssbtek_declarations.jsonl
                           Försäkringar för SSBTEK ("Försäkran för handläggare vid
                           socialnämnd"): användare, undertecknad, mottagen av,
                           dokumentreferens, vem som registrerade.
  ssbtek_declaration_ends.jsonl
                           Sista dag en försäkran gäller (användaren slutade).
  log_followup_reports.jsonl
                           Logguppföljningens rapporter: period, inställningar, antal
                           och fynd (användare, ärende-id, tid, loggrader; inga
                           personnummer).
  logguppfoljning/ID.csv   Varje rapport som CSV för Excel (semikolon, UTF-8 med BOM),
                           med granskningen sist (ID = log_followup_reports.id).
  log_followup_signoffs.jsonl
                           Granskningen av rapporterna: vem, när, kommentar.

Format
------
  Varje .jsonl-fil är JSON Lines i UTF-8: en rad per databasrad, ett JSON-objekt per rad,
  med databasens kolumnnamn som nycklar och värdena som databasen har dem:
    * belopp (NUMERIC) och id-nummer (BIGINT) är strängar, t.ex. "8245.50", så att inga
      decimaler går förlorade;
    * tidpunkter är strängar i ISO 8601, UTC, t.ex. "2026-03-02T08:15:00.000Z";
    * JSON-kolumner (t.ex. raw, snapshot, proposal, content, details) är JSON-objekt;
    * saknat värde är null.
  Raderna är sorterade efter primärnyckel. Alla filer visar databasen vid samma
  tidpunkt (en läsande transaktion); exporten skriver ingenting i databasen.

  Kontroll: SHA-256 för varje fil ska vara den som står i manifest.json, t.ex.
    sha256sum applications.jsonl

Personuppgifter
---------------
  Ansökningar, underlag, beslut och skärmbilder innehåller personuppgifter, bland annat
  personnummer. Hantera katalogen som sekretessbelagd (OSL 26 kap.). I audit_log.jsonl
  anges personer bara med pseudonym (subject_ref), aldrig med personnummer.

Inte med i exporten
-------------------
  * Rader i åtkomstloggen utan ärende-id (t.ex. administratörers sökningar i loggen,
    inloggningar): de hör inte till någon enskild kommuns ärenden. Undantag: raderna om
    kommunens försäkringar för SSBTEK och dess logguppföljning.
  * Jobbutfall utan ärende-id, robotens läsmarkörer (intake_cursors), databasens
    identitet (store_identity) och webbsessioner: driftdata, inte ärendedata.
`;
