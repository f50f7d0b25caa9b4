import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stockholmDate, type YearMonth } from '../../domain/dates.js';
import {
  columnTypeWords,
  LAYOUT,
  monthlyDeadline,
  parsePeriod,
  periodLabel,
  produceStatisticsFile,
  statisticsAuditDetails,
  recentMonths,
  type ReferenceMonth,
  type StatisticsPeriod,
} from '../../stats/socialstyrelsen/index.js';
import { readStatistics, statisticsMonthFigures, type Db } from '../../store/index.js';
import { sendNotFound } from '../authz.js';
import type { MunicipalityNames } from '../caseworker/view.js';
import { esc } from '../layout.js';
import { kronor } from '../../domain/labels.js';
import { auditAdmin } from './audit.js';

/**
 * Socialstyrelsen's statistics file on the admin console (HSLF-FS 2015:30):
 *   GET /admin/statistik                              per municipality of the admin, the last 12
 *                                                      months: deadline, households, persons, kronor
 *   GET /admin/statistik/:kommun/:period.txt          the file (period ÅÅÅÅ-MM or ÅÅÅÅ)
 * The figures on the list are SQL aggregates: no personal number leaves the database for it.
 * A download is built, checked against those reference figures and only then sent; a file
 * that does not match the decisions is not sent at all. The URL carries the municipality and
 * the period only. A municipality outside the admin's own answers 404, as a case outside one's
 * scope does (authz.ts).
 */

export type RenderPage = (request: FastifyRequest, reply: FastifyReply, title: string, body: string, status?: number) => Promise<FastifyReply>;

export interface StatisticsRoutesOptions {
  db: Db;
  clock: () => Date;
  /** The console's page renderer (frame, CSRF token, no-store). */
  render: RenderPage;
  /** The form token of this reply, for the 404 page's logout form. */
  csrfToken: (reply: FastifyReply) => Promise<string | undefined>;
  /** The municipalities' names from the rules (caseworker/view.ts municipalityNames). */
  names: MunicipalityNames;
}

const MONTH_NAMES = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const FILE = /^(\d{4}(?:-\d{2})?)\.txt$/;
const CODE = /^\d{4}$/;

export function monthWords(month: YearMonth): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

export function statisticsFileName(municipality: string, period: StatisticsPeriod): string {
  return `ekonomiskt-bistand-${municipality}-${periodLabel(period)}.txt`;
}

export function statisticsFileUrl(municipality: string, period: StatisticsPeriod): string {
  return `/admin/statistik/${municipality}/${periodLabel(period)}.txt`;
}

export async function registerStatisticsRoutes(app: FastifyInstance, options: StatisticsRoutesOptions): Promise<void> {
  const { db, clock, render, names } = options;
  const notFound = async (request: FastifyRequest, reply: FastifyReply) => sendNotFound(reply, request.user, await options.csrfToken(reply));

  app.get('/admin/statistik', async (request, reply) => {
    const user = request.user!;
    const today = stockholmDate(clock());
    const months = recentMonths(today, 12);
    const sections: string[] = [];
    for (const municipality of [...user.municipalities].sort()) {
      const figures = await statisticsMonthFigures(db, { municipality, from: months[months.length - 1]!, to: months[0]! });
      sections.push(municipalitySection(municipality, names(municipality), months, figures, today));
    }
    return render(request, reply, 'Statistik till Socialstyrelsen', listPage(sections));
  });

  app.get('/admin/statistik/:municipality/:file', async (request, reply) => {
    const params = request.params as { municipality: string; file: string };
    const user = request.user!;
    const match = FILE.exec(params.file);
    const period = match ? parsePeriod(match[1]!) : undefined;
    if (!CODE.test(params.municipality) || !user.municipalities.includes(params.municipality) || !period) return notFound(request, reply);
    const municipality = params.municipality;
    // A period that has not begun has no decisions yet: an empty file would read as "none paid".
    const thisMonth = stockholmDate(clock()).slice(0, 7);
    if (period.kind === 'month' ? period.month > thisMonth : period.year > thisMonth.slice(0, 4)) {
      return render(
        request,
        reply,
        'Perioden har inte börjat',
        `<h1>Perioden har inte börjat</h1>
<div class="error" role="alert"><p>Det finns ingen statistik för ${esc(period.kind === 'month' ? monthWords(period.month) : `år ${period.year}`)} ännu: perioden har inte börjat. Välj en månad i listan.</p></div>
<p><a href="/admin/statistik">Tillbaka till statistiken</a></p>`,
        400,
      );
    }

    const { cases, reference } = await readStatistics(db, { municipality, period });
    const produced = produceStatisticsFile({ municipality, period, cases, reference });
    const details = statisticsAuditDetails(municipality, period, produced.validation, produced.ok);
    // On record before anything leaves: who took which municipality's file, and what it held.
    await auditAdmin(db, request, 'admin.stats.download', produced.ok ? 'ok' : 'error', details);
    if (!produced.ok) {
      const items = [...produced.validation.mismatches, ...produced.build.problems].map((m) => `<li>${esc(m)}</li>`).join('');
      return render(
        request,
        reply,
        'Statistikfilen stämmer inte',
        `<h1>Statistikfilen stämmer inte med besluten</h1>
<div class="error" role="alert"><p>Filen för ${esc(names(municipality))} (${esc(municipality)}), period ${esc(periodLabel(period))}, skickas inte: den stämmer inte med de signerade besluten i databasen.</p></div>
<h2>Avvikelser</h2><ul class="plain">${items}</ul>
<p>Ingen fil har lämnats ut. Ta upp avvikelserna med utvecklarna innan filen skickas till Socialstyrelsen.</p>
<p><a href="/admin/statistik">Tillbaka till statistiken</a></p>`,
        500,
      );
    }
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${statisticsFileName(municipality, period)}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(produced.text);
  });
}

function municipalitySection(municipality: string, name: string, months: readonly YearMonth[], figures: readonly ReferenceMonth[], today: string): string {
  const byMonth = new Map(figures.map((f) => [f.month, f]));
  const currentMonth = today.slice(0, 7);
  const rows = months
    .map((month) => {
      const f = byMonth.get(month);
      const deadline = monthlyDeadline(month);
      const note = month === currentMonth ? ' <span class="small">(månaden pågår)</span>' : '';
      const period = parsePeriod(month)!;
      // Swedish grouping on the page ("37 910"); the file and the audit keep plain digits.
      return `<tr><th scope="row">${esc(monthWords(month))}${note}</th><td>${esc(deadline)}</td><td class="num">${esc(kronor(String(f?.households ?? 0)))}</td><td class="num">${esc(kronor(String(f?.persons ?? 0)))}</td><td class="num">${esc(kronor(f?.total ?? '0'))}</td><td><a href="${esc(statisticsFileUrl(municipality, period))}">Ladda ner<span class="sr-only"> filen för ${esc(monthWords(month))}</span></a></td></tr>`;
    })
    .join('');
  const years = [...new Set(months.map((m) => m.slice(0, 4)))].sort().reverse();
  const yearLinks = years
    .map((year) => `<li><a href="${esc(statisticsFileUrl(municipality, { kind: 'year', year }))}">Årsfil ${esc(year)}</a></li>`)
    .join('');
  return `<h2>${esc(name)} (${esc(municipality)})</h2>
<div class="table-scroll" role="region" aria-labelledby="statistik-${esc(municipality)}" tabindex="0"><table>
<caption id="statistik-${esc(municipality)}">${esc(name)}: beviljat ekonomiskt bistånd per månad som stödet avser</caption>
<thead><tr><th scope="col">Månad</th><th scope="col">Lämnas senast</th><th scope="col" class="num">Hushåll</th><th scope="col" class="num">Personer</th><th scope="col" class="num">Summa (kr)</th><th scope="col">Fil</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<ul class="plain">${yearLinks}</ul>`;
}

function listPage(sections: readonly string[]): string {
  const columns = LAYOUT.map(
    (c, i) => `<tr><td class="num">${i + 1}</td><th scope="row">${esc(c.name)}</th><td>${esc(columnTypeWords(c))}${c.optional ? ', kan vara tom' : ''}</td><td>${esc(c.description)}</td></tr>`,
  ).join('');
  return `<h1>Statistik till Socialstyrelsen</h1>
<p>Uppgifter om ekonomiskt bistånd enligt HSLF-FS 2015:30: en rad per biståndshushåll och månad som stödet avser, från de signerade besluten (det beslut som gäller i varje ärende, bifall med belopp över 0 kr). Månadens fil ska vara inlämnad senast den 15:e i månaden efter. Varje fil kontrolleras mot besluten innan den lämnas ut, och varje nedladdning loggas.</p>
${sections.length > 0 ? sections.join('\n') : '<p>Du har inga kommuner att visa statistik för.</p>'}
<h2>Filens kolumner</h2>
<p>Textfil utan rubrikrad, kolumnerna åtskilda med tabb och varje rad avslutad med CR LF. Uppgifter om flyktingskap, utrikes födda och försörjningshinder finns inte i roboten och lämnas inte i filen.</p>
<table>
<caption>Kolumnerna i den ordning de står på varje rad</caption>
<thead><tr><th scope="col" class="num">Nr</th><th scope="col">Namn</th><th scope="col">Typ</th><th scope="col">Innehåll</th></tr></thead>
<tbody>${columns}</tbody>
</table>`;
}
