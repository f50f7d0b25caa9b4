import { ownValue } from '../../domain/ownKey.js';
import { Decimal, type Money } from '../../domain/money.js';
import {
  formatHours,
  formatKronor,
  formatShare,
  kpiMonths,
  monthName,
  monthShort,
  reasonLabel,
  shapeKpis,
  shareValue,
  type KpiMonth,
  type KpiReport,
  type Share,
} from '../../stats/kpi.js';
import { kpiFigures, type Db } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import type { MunicipalityNames } from '../caseworker/view.js';
import { esc } from '../layout.js';
import { barChart, type BarCategory, type BarSeries } from './charts.js';
import { csvDecimal, csvDocument } from './csv.js';
import { formatTime } from './time.js';

/**
 * GET /admin/nyckeltal: the KPIs of ONE municipality at a time, for the last twelve Stockholm
 * calendar months. Only municipalities in the admin's own list can be chosen; any other code
 * answers 404, as a case outside the user's scope does. Counts and sums only: nothing on the
 * page belongs to one case.
 */

export const KPI_MONTHS = 12;

export type KpiPage = { found: false } | { found: true; title: string; body: string };

/** The municipality asked for (`?kommun=`), or the admin's first; undefined when out of scope. */
export function chosenMunicipality(user: WebUser, query: unknown): string | undefined {
  const asked = (query as { kommun?: unknown } | undefined)?.kommun;
  if (asked === undefined || asked === '') return user.municipalities[0];
  return typeof asked === 'string' && user.municipalities.includes(asked) ? asked : undefined;
}

async function kpiReport(db: Db, user: WebUser, query: unknown, now: Date): Promise<KpiReport | undefined> {
  const municipality = chosenMunicipality(user, query);
  if (!municipality) return undefined;
  const months = kpiMonths(now, KPI_MONTHS);
  return shapeKpis(await kpiFigures(db, municipality, months, now), months, now);
}

export async function kpiPage(db: Db, user: WebUser, query: unknown, now: Date, names: MunicipalityNames): Promise<KpiPage> {
  const report = await kpiReport(db, user, query, now);
  if (!report) return { found: false };
  return { found: true, title: `Nyckeltal ${names(report.municipality)}`, body: renderKpis(report, { choices: user.municipalities, now, names }) };
}

/**
 * The same figures as CSV (GET /admin/nyckeltal.csv), for the municipality's own reporting
 * (Kolada, the nämnd): one row per month, counts as integers, shares as their n and N, hours and
 * kronor with a decimal comma, and one column per manual reason code that occurs; semicolons
 * and a byte order mark so that Swedish Excel opens it as columns (csv.ts).
 */
export async function kpiCsv(db: Db, user: WebUser, query: unknown, now: Date): Promise<{ filename: string; text: string } | undefined> {
  const report = await kpiReport(db, user, query, now);
  if (!report) return undefined;
  const hours = (seconds: Money | null) => (seconds === null ? '' : seconds.div(3600).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)).replace('.', ',');
  const header = [
    'kommun', 'manad', 'pagar', 'mottagna', 'beslut_inom_24h', 'beslut_inom_24h_av', 'forslag_bifall', 'forslag_avslag',
    'manuella', 'utan_utfall', 'beslutade', 'handlaggningstid_medel_timmar', 'handlaggningstid_median_timmar',
    'utbetalda_beslut', 'utbetalt_kr', 'beslut_signerade', 'beslut_automatiska', 'automatiska_ersatta',
    ...report.reasons.map((r) => `skal_${r.code}`),
  ];
  const rows = report.months.map((m, i) => [
    report.municipality, m.month, m.ongoing ? 'ja' : 'nej', m.received, m.within24h.n, m.within24h.of, m.proposedGrant, m.proposedReject,
    m.manual, m.undetermined, m.decisionTime.decided, hours(m.decisionTime.average), hours(m.decisionTime.median),
    m.paidDecisions, csvDecimal(m.paidAmount.toFixed(2)), m.decidedSigned, m.decidedAutomatically, m.automatedReplaced,
    ...report.reasons.map((r) => r.counts[i] ?? 0),
  ]);
  const last = report.months[report.months.length - 1]!.month;
  return { filename: `nyckeltal-${report.municipality}-${last}.csv`, text: csvDocument([header, ...rows]) };
}


function monthCell(m: KpiMonth): string {
  return `${esc(monthName(m.month))}${m.ongoing ? ' <span class="small">(pågår)</span>' : ''}`;
}

function categories(report: KpiReport, title: (m: KpiMonth) => string): BarCategory[] {
  return report.months.map((m, i) => ({
    label: monthShort(m.month),
    // The year under the first month and under every January, so the axis reads on its own.
    sublabel: i === 0 || m.month.endsWith('-01') ? m.month.slice(0, 4) : undefined,
    title: `${monthName(m.month)}: ${title(m)}`,
  }));
}

/** A share as a percentage for drawing only; the figure shown is formatShare's. */
function percentForChart(share: Share): number | null {
  const v = shareValue(share);
  return v === null ? null : v.times(100).toNumber();
}

/** Bar heights only: every amount the page prints is formatted from the exact decimal. */
const forDrawing = (value: Money | null): number | null => (value === null ? null : value.toNumber());

function section(id: string, heading: string, content: string): string {
  return `<section aria-labelledby="${id}-rubrik">
<h2 id="${id}-rubrik">${esc(heading)}</h2>
${content}
</section>`;
}

/**
 * A table that scrolls sideways on a narrow screen rather than spilling out of the page; the
 * scrolling region is focusable and named by the caption, so it can be scrolled by keyboard.
 */
function table(id: string, caption: string, head: readonly string[], rows: readonly string[]): string {
  return `<div class="table-scroll" role="region" aria-labelledby="${id}-tabell" tabindex="0">
<table>
<caption id="${id}-tabell">${esc(caption)}</caption>
<thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('')}</tbody>
</table>
</div>`;
}

const num = (v: string | number) => `<td class="num">${esc(v)}</td>`;

export function renderKpis(report: KpiReport, options: { choices: readonly string[]; now: Date; names: MunicipalityNames }): string {
  const { months } = report;
  const name = options.names(report.municipality);
  const first = months[0]!;
  const last = months[months.length - 1]!;

  const chooser =
    options.choices.length > 1
      ? `<form method="get" action="/admin/nyckeltal">
<label for="kommun">Kommun</label>
<select id="kommun" name="kommun">${options.choices
          .map((c) => `<option value="${esc(c)}"${c === report.municipality ? ' selected' : ''}>${esc(options.names(c))} (${esc(c)})</option>`)
          .join('')}</select>
<button type="submit">Visa</button>
</form>
<p class="small">Kommunerna visas var för sig; deras siffror läggs aldrig ihop.</p>`
      : '';
  const download = `<p><a href="/admin/nyckeltal.csv?kommun=${esc(report.municipality)}" download>Ladda ner siffrorna som CSV</a> (en rad per månad, för kommunens egen rapportering).</p>`;

  // ---- Decided within 24 hours
  const within = section(
    'inom24',
    'Beslut inom 24 timmar',
    `<p>Andel av månadens mottagna ansökningar där det första beslutet (signerat eller automatiskt) kom högst 24 timmar efter att ansökan togs emot
(exakt 24 timmar räknas som inom). Ansökningar utan signerat beslut i roboten, till exempel de som handläggs manuellt, räknas
bland de mottagna men inte som beslutade inom 24 timmar.</p>
${barChart({
  id: 'inom24',
  title: `Andel beslutade inom 24 timmar per mottagningsmånad, ${name}`,
  description: `En stapel per mottagningsmånad från ${monthName(first.month)} till ${monthName(last.month)}, skala 0–100 procent; en månad utan mottagna ansökningar har ingen stapel.`,
  categories: categories(report, (m) => formatShare(m.within24h)),
  series: [{ name: 'Beslutade inom 24 timmar', values: months.map((m) => percentForChart(m.within24h)) }],
  max: 100,
  maxLabel: '100\u00a0%',
})}
${table(
  'inom24',
  `Beslut inom 24 timmar per mottagningsmånad, ${name}`,
  ['Månad', 'Mottagna ansökningar', 'Beslutade inom 24 timmar', 'Andel (antal av mottagna)', 'Utan beslut, ännu inom 24 timmar'],
  months.map((m) => `<tr><th scope="row">${monthCell(m)}</th>${num(m.received)}${num(m.within24h.n)}${num(formatShare(m.within24h))}${num(m.awaitingWithin24h)}</tr>`),
)}`,
  );

  // ---- Proposed by the robot vs routed to manual handling
  const outcomes = section(
    'utfall',
    'Förslag från roboten och manuell handläggning',
    `<p>Ansökningar per mottagningsmånad efter vad roboten gjorde: lade ett förslag (bifall eller avslag) som en handläggare
signerar, eller skickade ärendet till manuell handläggning. Manuell utan förslag är ogiltiga ansökningar, ärenden roboten inte fick
bedöma och ärenden med tekniskt fel som en handläggare har tagit över. Ett förslag som en handläggare senare tog över räknas som förslag.
Andelarna räknas på ärenden som har fått ett utfall; ärenden som roboten ännu arbetar med, eller som har tekniskt fel, visas för sig.</p>
${barChart({
  id: 'utfall',
  title: `Förslag och manuell handläggning per mottagningsmånad, ${name}`,
  description: `Staplade antal ansökningar per mottagningsmånad från ${monthName(first.month)} till ${monthName(last.month)}: förslag om bifall, förslag om avslag, manuell handläggning efter robotens bedömning och manuell handläggning utan förslag.`,
  categories: categories(report, (m) => `förslag ${formatShare(m.robotShare)}, manuell ${formatShare(m.manualShare)}`),
  series: [
    { name: 'Förslag: bifall', values: months.map((m) => m.proposedGrant) },
    { name: 'Förslag: avslag', values: months.map((m) => m.proposedReject) },
    { name: 'Manuell efter robotens bedömning', values: months.map((m) => m.manualProposals) },
    { name: 'Manuell utan förslag', values: months.map((m) => m.manualWithoutProposal) },
  ],
})}
${table(
  'utfall',
  `Förslag och manuell handläggning per mottagningsmånad, ${name}`,
  ['Månad', 'Förslag: bifall', 'Förslag: avslag', 'Manuell efter bedömning', 'Manuell utan förslag', 'Andel förslag', 'Andel manuell', 'Ännu utan utfall'],
  months.map(
    (m) =>
      `<tr><th scope="row">${monthCell(m)}</th>${num(m.proposedGrant)}${num(m.proposedReject)}${num(m.manualProposals)}${num(m.manualWithoutProposal)}${num(formatShare(m.robotShare))}${num(formatShare(m.manualShare))}${num(m.undetermined)}</tr>`,
  ),
)}`,
  );

  // ---- Manual reasons over time
  const reasons = report.reasons;
  // The drawing keeps the seven most frequent reasons apart and gathers the rest; the table has them all.
  const drawn = [...reasons].sort((a, b) => b.total - a.total).slice(0, reasons.length > 8 ? 7 : 8);
  const rest = reasons.filter((r) => !drawn.includes(r));
  const reasonSeries: BarSeries[] = [
    ...reasons.filter((r) => drawn.includes(r)).map((r) => ({ name: r.label, values: r.counts })),
    ...(rest.length ? [{ name: 'Övriga skäl', values: months.map((_, i) => rest.reduce((s, r) => s + r.counts[i]!, 0)) }] : []),
  ];
  const reasonHead = ['Skäl', ...months.map((m) => `${monthShort(m.month)} ${m.month.slice(0, 4)}`), 'Totalt'];
  const reasonSection = section(
    'skal',
    'Skäl till manuell handläggning',
    reasons.length === 0
      ? '<p>Inga ansökningar som togs emot under perioden gick till manuell handläggning.</p>'
      : `<p>Antal ärenden per skäl och mottagningsmånad. Ett ärende kan ha flera skäl och räknas då under vart och ett av dem,
så summan kan vara större än antalet manuella ärenden. Ett ärende utan förslag har ett skäl: ogiltiga ansökningar räknas under
”${esc(reasonLabel('INVALID_APPLICATION'))}”, tekniska fel som en handläggare har tagit över under ”${esc(reasonLabel('TECHNICAL_ERROR'))}”.
Skäl till avslag som står bredvid ett skäl till manuell handläggning räknas inte.</p>
${barChart({
  id: 'skal',
  title: `Skäl till manuell handläggning per mottagningsmånad, ${name}`,
  description: `Staplade antal ärenden per skäl och mottagningsmånad från ${monthName(first.month)} till ${monthName(last.month)}.`,
  categories: categories(report, (m) => {
    const i = months.indexOf(m);
    const present = reasons.filter((r) => r.counts[i]! > 0);
    return present.length ? present.map((r) => `${r.label} ${r.counts[i]}`).join('; ') : 'inga';
  }),
  series: reasonSeries,
  width: 720,
  height: 260,
})}
${table(
  'skal',
  `Ärenden per skäl till manuell handläggning och mottagningsmånad, ${name}`,
  reasonHead,
  reasons.map((r) => `<tr><th scope="row">${esc(r.label)} <span class="code small">(${esc(r.code)})</span></th>${r.counts.map((c) => num(c)).join('')}${num(r.total)}</tr>`),
)}`,
  );

  // ---- Processing time
  const hours = months.flatMap((m) => [m.decisionTime.average, m.decisionTime.median]).filter((v): v is Money => v !== null);
  const maxHours = hours.reduce<Money>((a, b) => Decimal.max(a, b.div(3600)), new Decimal(0));
  const time = section(
    'tid',
    'Handläggningstid till signerat beslut',
    `<p>Tid från att ansökan togs emot till det första signerade beslutet, för de ansökningar som togs emot under månaden och har ett
signerat beslut. Medelvärde och median i timmar; antalet beslut som siffrorna bygger på står i tabellen.</p>
${barChart({
  id: 'tid',
  title: `Handläggningstid i timmar per mottagningsmånad, ${name}`,
  description: `Medelvärde och median i timmar sida vid sida per mottagningsmånad från ${monthName(first.month)} till ${monthName(last.month)}.`,
  categories: categories(
    report,
    (m) => `medel ${formatHours(m.decisionTime.average)}, median ${formatHours(m.decisionTime.median)} timmar (${m.decisionTime.decided} beslut)`,
  ),
  series: [
    { name: 'Medelvärde', values: months.map((m) => forDrawing(m.decisionTime.average?.div(3600) ?? null)) },
    { name: 'Median', values: months.map((m) => forDrawing(m.decisionTime.median?.div(3600) ?? null)) },
  ],
  layout: 'grouped',
  max: Math.max(1, maxHours.toNumber()),
  maxLabel: `${formatHours(Decimal.max(maxHours, 1).times(3600))} tim`,
})}
${table(
  'tid',
  `Handläggningstid per mottagningsmånad, ${name}`,
  ['Månad', 'Beslutade ärenden', 'Medelvärde (timmar)', 'Median (timmar)'],
  months.map((m) => `<tr><th scope="row">${monthCell(m)}</th>${num(m.decisionTime.decided)}${num(formatHours(m.decisionTime.average))}${num(formatHours(m.decisionTime.median))}</tr>`),
)}`,
  );

  // ---- Automated vs signed decisions
  const deciders = section(
    'beslutsfattare',
    'Signerade och automatiska beslut',
    `<p>Ansökningar per mottagningsmånad efter vem som fattade det första beslutet: en handläggare som signerade robotens förslag,
eller roboten själv enligt kommunens delegationsordning (automatiskt beslut, utan signering). Roboten beslutar själv bara där
kommunens regelfil har en gällande delegation för utfallet. Automatiska beslut som en handläggare senare har ersatt med ett nytt
beslut räknas för sig.</p>
${barChart({
  id: 'beslutsfattare',
  title: `Signerade och automatiska beslut per mottagningsmånad, ${name}`,
  description: `Staplade antal första beslut per mottagningsmånad från ${monthName(first.month)} till ${monthName(last.month)}: signerade av handläggare och automatiska.`,
  categories: categories(report, (m) => `signerade ${m.decidedSigned}, automatiska ${formatShare(m.automatedShare)}`),
  series: [
    { name: 'Signerade av handläggare', values: months.map((m) => m.decidedSigned) },
    { name: 'Automatiska beslut', values: months.map((m) => m.decidedAutomatically) },
  ],
})}
${table(
  'beslutsfattare',
  `Signerade och automatiska beslut per mottagningsmånad, ${name}`,
  ['Månad', 'Signerade av handläggare', 'Automatiska beslut', 'Andel automatiska (antal av beslutade)', 'Automatiska som ersatts av handläggare'],
  months.map(
    (m) => `<tr><th scope="row">${monthCell(m)}</th>${num(m.decidedSigned)}${num(m.decidedAutomatically)}${num(formatShare(m.automatedShare))}${num(m.automatedReplaced)}</tr>`,
  ),
)}`,
  );

  // ---- Amounts paid
  const maxPaid = months.reduce<Money>((a, m) => Decimal.max(a, m.paidAmount), new Decimal(0));
  const paid = section(
    'utbetalt',
    'Utbetalt per stödmånad',
    `<p>Summan av gällande beslut vars utbetalning är genomförd, efter den månad stödet avser. Ett beslut som har ersatts av ett
nytt beslut räknas inte; det nya beslutet räknas när dess utbetalning är genomförd.</p>
${barChart({
  id: 'utbetalt',
  title: `Utbetalt belopp per stödmånad, ${name}`,
  description: `En stapel per stödmånad från ${monthName(first.month)} till ${monthName(last.month)}, i kronor.`,
  categories: categories(report, (m) => `${formatKronor(m.paidAmount)} (${m.paidDecisions} beslut)`),
  series: [{ name: 'Utbetalt', values: months.map((m) => forDrawing(m.paidAmount)) }],
  max: Math.max(1, maxPaid.toNumber()),
  maxLabel: formatKronor(maxPaid),
  width: 720,
})}
${table(
  'utbetalt',
  `Utbetalt per stödmånad, ${name}`,
  ['Stödmånad', 'Utbetalda beslut', 'Belopp'],
  months.map((m) => `<tr><th scope="row">${monthCell(m)}</th>${num(m.paidDecisions)}${num(formatKronor(m.paidAmount))}</tr>`),
)}`,
  );

  return `<h1>Nyckeltal – ${esc(name)} (${esc(report.municipality)})</h1>
<p>${esc(monthName(first.month))} – ${esc(monthName(last.month))}, kalendermånader i svensk tid${last.ongoing ? `; ${esc(monthName(last.month))} pågår fortfarande` : ''}.
Läget ${esc(formatTime(options.now))}. Sidan visar antal och summor, aldrig uppgifter om enskilda ärenden eller personer.</p>
${chooser}
${download}
${within}
${outcomes}
${deciders}
${reasonSection}
${time}
${paid}`;
}

