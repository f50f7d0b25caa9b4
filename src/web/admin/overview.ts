import { componentWords, errorClassWords } from '../../domain/errors.js';
import { ownValue } from '../../domain/ownKey.js';
import { kronor } from '../../domain/labels.js';
import { FEED, INTAKE_FAILURES_DOWN } from '../../robot/intake.js';
import { caseJobId, QUEUE, type Queues } from '../../robot/queues.js';
import { caseIdsInMunicipalities, CASE_STATES, countCasesByState, getIntakeStatus, type IntakeStatus, listStoppedCarryOuts, listStuckCases, listTechnicalErrors, throughputSince, type Db, type StoppedCarryOut, type StuckCase, type ThroughputSlot } from '../../store/index.js';
import { esc } from '../layout.js';
import { barChart } from './charts.js';
import { caseIdOf, errorClassOf } from './queues.js';
import { formatClock, formatTime, toLocalInput } from './time.js';

/** The figures of the queue overview, gathered in one place so the page is a pure render. */
export interface Overview {
  now: Date;
  casesByState: Record<string, number>;
  queuesAvailable: boolean;
  intakePaused: boolean | undefined;
  /** How the last polls went (undefined: intake has never run against this database). */
  intakeStatus: IntakeStatus | undefined;
  jobCounts: { queue: string; counts: Record<string, number> }[];
  failedJobs: { queue: string; caseId: string | undefined; errorClass: string | undefined; attempts: number; at: Date | undefined }[];
  technicalErrors: { caseId: string; since: Date; component: string | null; hasSnapshot: boolean; errorClass: string | undefined }[];
  throughput: ThroughputSlot[];
  /** Cases the robot owns that have not changed state for longer than STUCK_AFTER_MS, oldest first. */
  stuck: StuckCase[];
  /** Signed decisions whose carry-out stopped on a fault, not yet finished by a caseworker. */
  stoppedCarryOuts: StoppedCarryOut[];
  /**
   * The admin covers every municipality: sees the shared intake queue (its pause, its failed
   * jobs), the job counts and bull-board. An admin of some only sees their cases.
   */
  shared: boolean;
  /** The admin's own municipalities, each with whether its intake is held (robot/held.ts); empty without queues. */
  held: { municipality: string; held: boolean }[];
}

/** A case the robot owns that has not moved for this long is listed as stuck (the case sweep should have helped by then). */
export const STUCK_AFTER_MS = 30 * 60_000;

export const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * `municipalities`: the admin's (authz.adminScope); undefined for an admin of all, who also
 * gets what the municipalities share. Lists are limited in SQL; failed case jobs (from Redis)
 * are kept only when their case id is a case of those municipalities in the database.
 */
export async function gatherOverview(db: Db, queues: Queues | undefined, now: Date, municipalities?: readonly string[], own: readonly string[] = []): Promise<Overview> {
  const scope = municipalities ? { municipalities } : {};
  const [casesByState, technical, throughput, stuck, intakeStatus, stoppedCarryOuts] = await Promise.all([
    countCasesByState(db, municipalities),
    listTechnicalErrors(db, { limit: 200, ...scope }),
    throughputSince(db, new Date(now.getTime() - 60 * 60_000), now, undefined, municipalities),
    listStuckCases(db, { since: new Date(now.getTime() - STUCK_AFTER_MS), limit: 200, ...scope }),
    getIntakeStatus(db, FEED),
    listStoppedCarryOuts(db, { limit: 200, ...scope }),
  ]);
  const shared = municipalities === undefined;
  // The chart shows the last twelve five-minute slots, the current (unfinished) one included.
  const slots = throughput.slice(-12);
  if (!queues) {
    return {
      now,
      casesByState,
      queuesAvailable: false,
      intakePaused: undefined,
      intakeStatus,
      jobCounts: [],
      failedJobs: [],
      technicalErrors: technical.map((t) => ({ ...t, errorClass: undefined })),
      throughput: slots,
      stuck,
      stoppedCarryOuts,
      shared,
      held: [],
    };
  }
  const heldSet = await queues.heldMunicipalities();
  const held = [...own].sort().map((m) => ({ municipality: m, held: heldSet.has(m) }));
  const [intakePaused, intakeCounts, caseCounts, outboundCounts, bookingCounts, failedCases, failedIntake] = await Promise.all([
    queues.intake.isPaused(),
    queues.intake.getJobCounts(...JOB_STATES),
    queues.cases.getJobCounts(...JOB_STATES),
    queues.outbound.getJobCounts(...JOB_STATES),
    queues.booking.getJobCounts(...JOB_STATES),
    queues.cases.getFailed(0, 49),
    queues.intake.getFailed(0, 19),
  ]);
  // The class of the last failed attempt of each case's first job (a replay's job keeps its own).
  const technicalErrors = await Promise.all(
    technical.map(async (t, i) => {
      const job = i < 50 ? await queues.cases.getJob(caseJobId(t.caseId)).catch(() => undefined) : undefined;
      return { ...t, errorClass: job ? errorClassOf(job) : undefined };
    }),
  );
  const caseJobs = failedCases.filter(Boolean).map((job) => ({ queue: QUEUE.cases, caseId: caseIdOf(job), errorClass: errorClassOf(job), attempts: job.attemptsMade, at: job.finishedOn ? new Date(job.finishedOn) : undefined }));
  const ours = shared ? undefined : await caseIdsInMunicipalities(db, caseJobs.flatMap((j) => (j.caseId ? [j.caseId] : [])), municipalities);
  const failedJobs = [
    ...(ours ? caseJobs.filter((j) => j.caseId !== undefined && ours.has(j.caseId)) : caseJobs),
    // Intake jobs belong to no municipality (one poll fetches both).
    ...(shared ? failedIntake.filter(Boolean).map((job) => ({ queue: QUEUE.intake, caseId: undefined, errorClass: errorClassOf(job), attempts: job.attemptsMade, at: job.finishedOn ? new Date(job.finishedOn) : undefined })) : []),
  ];
  return {
    now,
    casesByState,
    queuesAvailable: true,
    // The database's word (migration 0015) or the queue's: either holds intake.
    intakePaused: intakePaused || Boolean(intakeStatus?.pausedAt),
    intakeStatus,
    // The counts are of both municipalities' jobs together.
    jobCounts: shared
      ? [
          { queue: QUEUE.intake, counts: intakeCounts },
          { queue: QUEUE.cases, counts: caseCounts },
          { queue: QUEUE.outbound, counts: outboundCounts },
          { queue: QUEUE.booking, counts: bookingCounts },
        ]
      : [],
    failedJobs,
    technicalErrors,
    throughput: slots,
    stuck,
    stoppedCarryOuts,
    shared,
    held,
  };
}

function jobTableOf(id: string, caption: string, counts: Overview['jobCounts']): string {
  return `<div class="table-scroll" role="region" aria-labelledby="${id}" tabindex="0"><table>
<caption id="${id}">${esc(caption)}</caption>
<thead><tr><th scope="col">Läge</th>${counts.map((q) => `<th scope="col" class="num">${esc(ownValue(QUEUE_WORDS, q.queue) ?? q.queue)}</th>`).join('')}</tr></thead>
<tbody>${JOB_STATES.map((st) => `<tr><th scope="row">${esc(JOB_STATE_WORDS[st])}</th>${counts.map((q) => `<td class="num">${esc(kronor(String(q.counts[st] ?? 0)))}</td>`).join('')}</tr>`).join('')}</tbody>
</table></div>`;
}

/** The carry-out's steps as the robot writes them in a stopped case's reason. */
const STEP_WORDS: Record<string, string> = { 'write-back': 'Verksamhetssystemet', payment: 'Utbetalningen', notify: 'Meddelandet i Mina ärenden', 'carry-out': 'Verkställigheten (avbröts upprepade gånger)' };

const STATE_WORDS: Record<string, string> = {
  RECEIVED: 'Mottagna',
  INVALID: 'Ogiltiga ansökningar',
  GATHERING: 'Hämtar registeruppgifter',
  WAITING_FOR_PLAN: 'Väntar på planbedömning',
  TECHNICAL_ERROR: 'Tekniskt fel',
  PROPOSED: 'Förslag att granska',
  MANUAL: 'Manuell handläggning',
  SIGNED: 'Signerade',
  COMPLETED: 'Avslutade',
};

const JOB_STATE_WORDS: Record<string, string> = {
  waiting: 'Väntar',
  active: 'Pågår',
  delayed: 'Fördröjda',
  prioritized: 'Prioriterade',
  failed: 'Misslyckade',
  completed: 'Klara',
};

/** Short, as column headings: a phone has room for two of them beside the states. */
const QUEUE_WORDS: Record<string, string> = { intake: 'Intag', cases: 'Ärenden', outbound: 'Verkställighet', booking: 'Bokning' };

const MESSAGES: Record<string, string> = {
  'intag-pausat': 'Intaget är pausat. Inga nya ansökningar hämtas förrän det återupptas.',
  'intag-aterupptaget': 'Intaget är återupptaget.',
  'intag-pausat-kommun': 'Intaget är pausat för {kommun}. Nya ansökningar sparas men behandlas inte förrän det återupptas.',
  'intag-aterupptaget-kommun': 'Intaget är återupptaget för {kommun}. De sparade ansökningarna behandlas nu.',
};

function hidden(csrf: string | undefined): string {
  return `<input type="hidden" name="_csrf" value="${esc(csrf)}">`;
}

/** The finished cases of the last hour, stacked per outcome; the table below is its text alternative. */
export function throughputChart(slots: readonly ThroughputSlot[]): string {
  const totals = slots.map((s) => s.counts.PROPOSED + s.counts.MANUAL + s.counts.TECHNICAL_ERROR);
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  return barChart({
    id: 'genomstromning',
    title: 'Avslutade ärenden per fem minuter, senaste timmen',
    description: `Staplar per femminutersintervall, totalt ${total} ärenden; högsta stapeln ${max}.`,
    categories: slots.map((s) => ({ label: formatClock(s.start) })),
    series: [
      { name: 'Förslag', values: slots.map((s) => s.counts.PROPOSED) },
      { name: 'Manuell handläggning', values: slots.map((s) => s.counts.MANUAL) },
      { name: 'Tekniskt fel', values: slots.map((s) => s.counts.TECHNICAL_ERROR) },
    ],
    max,
    labelEvery: 2,
  });
}

export function renderOverview(o: Overview, csrf: string | undefined, message: string | undefined, todos = '', kommun?: string, names: (code: string) => string = (code) => `kommun ${code}`): string {
  // The municipality by its name ("Svedala kommun"), never the posted text itself.
  const text = message ? ownValue(MESSAGES, message)?.replace('{kommun}', /^\d{4}$/.test(kommun ?? '') ? names(kommun!) : 'kommunen') : undefined;
  const notice = text ? `<p role="status" class="notice">${esc(text)}</p>` : '';
  const perMunicipality = o.held
    .map((h) =>
      h.held
        ? `<li>${esc(names(h.municipality))}: <strong>pausat</strong>; nya ansökningar sparas men behandlas inte. <form method="post" action="/admin/intag/aterupta" class="inline">${hidden(csrf)}<input type="hidden" name="kommun" value="${esc(h.municipality)}"><button type="submit">Återuppta intaget för ${esc(names(h.municipality))}</button></form></li>`
        : `<li>${esc(names(h.municipality))}: igång. <form method="post" action="/admin/intag/pausa" class="inline">${hidden(csrf)}<input type="hidden" name="kommun" value="${esc(h.municipality)}"><button type="submit">Pausa intaget för ${esc(names(h.municipality))}</button></form></li>`,
    )
    .join('');
  const heldList = perMunicipality ? `<p>Per kommun (ansökningarna hämtas och sparas ändå, eftersom e-tjänsten är gemensam; registren tillfrågas inte förrän intaget återupptas):</p><ul>${perMunicipality}</ul>` : '';
  const stateRows = CASE_STATES.map((s) => `<tr><th scope="row">${esc(STATE_WORDS[s] ?? s)} <span class="code">(${esc(s)})</span></th><td>${o.casesByState[s] ?? 0}</td></tr>`).join('');
  const totalCases = Object.values(o.casesByState).reduce((a, b) => a + b, 0);

  // A schedule that runs is not an intake that works: polls failing in a row say so first.
  const failing = o.intakeStatus && o.intakeStatus.consecutiveFailures >= INTAKE_FAILURES_DOWN ? o.intakeStatus : undefined;
  const intake = !o.queuesAvailable
    ? '<p>Köerna är inte tillgängliga: ingen robot har ännu kört mot den här databasen.</p>'
    : !o.shared
      ? `<p>Intaget är ${o.intakePaused ? '<strong>pausat</strong>' : 'igång'}. Intaget hämtar ansökningar för alla kommuner på en gång; bara en administratör för alla kommuner kan pausa hela intaget.</p>`
    : o.intakePaused
      ? `<p><strong>Intaget är pausat.</strong> Schemat ligger kvar i Redis men inga hämtningar körs, i alla processer, även efter omstart.</p>
<form method="post" action="/admin/intag/aterupta">${hidden(csrf)}<button type="submit">Återuppta intaget</button></form>`
      : `<p>${failing ? 'Intaget är inte pausat: schemat försöker hämta från e-tjänsten, men hämtningarna misslyckas (se ovan).' : 'Intaget är igång: e-tjänsten hämtas enligt schemat.'}</p>
<form method="post" action="/admin/intag/pausa">${hidden(csrf)}<button type="submit">Pausa intaget</button></form>`;
  const intakeFailing = failing
    ? `<div role="alert" class="error"><p>Intaget misslyckas: ${failing.consecutiveFailures} hämtningar i rad har misslyckats${failing.lastFailureAt ? `, senast ${esc(formatTime(failing.lastFailureAt))}` : ''}. Senaste fel: ${esc(failing.lastError ?? 'okänt')}. ${failing.lastSuccessAt ? `Senast lyckade hämtning ${esc(formatTime(failing.lastSuccessAt))}.` : 'Ingen hämtning har lyckats.'} Nya ansökningar tas inte in.</p>
<p>Gör så här: kontrollera att e-tjänsten svarar (adressen i ESERVICE_URL) och läs robotens logg för felet. Intaget försöker igen av sig självt enligt schemat; ingenting behöver köras om när e-tjänsten svarar igen.</p></div>`
    : '';

  const jobTable = !o.queuesAvailable
    ? ''
    : !o.shared
      ? '<p>Köerna är gemensamma för alla kommuner och visas bara för en administratör för alla kommuner. Dina kommuners fel och fastnade ärenden står under Fel.</p>'
      : // One row per state and a column per queue, two queues a table: it reads on a phone
        // without scrolling sideways, where six state columns (or four queues) did not.
        jobTableOf('jobb-rubrik', 'Jobb per kö och läge', o.jobCounts.slice(0, 2)) +
        (o.jobCounts.length > 2 ? jobTableOf('jobb2-rubrik', 'Verkställighet och bokning: jobb per läge', o.jobCounts.slice(2)) : '') +
        `
<p class="small">Intag: hämtningen av ansökningar från e-tjänsten. Ärenden: robotens arbete med varje ärende. Verkställighet: signerade beslut till verksamhetssystemet, utbetalningen och meddelandet Bokning: första mötet.</p>
<p><a href="/admin/koer/">Öppna köpanelen (bull-board)</a></p>`;

  const technicalRows = o.technicalErrors
    .map(
      (t) => `<tr>
<th scope="row">${esc(t.caseId)}</th>
<td>${esc(formatTime(t.since))}</td>
<td>${esc(t.component === null ? '–' : componentWords(t.component))}</td>
<td>${esc(t.errorClass === undefined ? '–' : errorClassWords(t.errorClass))}</td>
<td><form method="post" action="/admin/omkorning" class="inline">${hidden(csrf)}<input type="hidden" name="arende" value="${esc(t.caseId)}"><input type="hidden" name="satt" value="intake"><button type="submit" aria-label="Kör om från intaget, ärende ${esc(t.caseId)}">Kör om från intaget</button></form>
${t.hasSnapshot ? `<form method="post" action="/admin/omkorning" class="inline">${hidden(csrf)}<input type="hidden" name="arende" value="${esc(t.caseId)}"><input type="hidden" name="satt" value="snapshot"><button type="submit" aria-label="Räkna om från ögonblicksbild, ärende ${esc(t.caseId)}">Räkna om från ögonblicksbild</button></form>` : ''}</td>
</tr>`,
    )
    .join('');
  const technical = o.technicalErrors.length
    ? `<div class="table-scroll" role="region" aria-labelledby="tekniskt-fel-rubrik" tabindex="0"><table>
<caption id="tekniskt-fel-rubrik">Ärenden i läget tekniskt fel (${o.technicalErrors.length})</caption>
<thead><tr><th scope="col">Ärende</th><th scope="col">Sedan</th><th scope="col">Del med fel</th><th scope="col">Slags fel</th><th scope="col">Åtgärd</th></tr></thead>
<tbody>${technicalRows}</tbody>
</table></div>`
    : '<p>Inga ärenden i läget tekniskt fel.</p>';

  const stopped = o.stoppedCarryOuts.length
    ? `<div class="table-scroll" role="region" aria-labelledby="ej-verkstallda-rubrik" tabindex="0"><table>
<caption id="ej-verkstallda-rubrik">Beslut som inte är verkställda (${o.stoppedCarryOuts.length})</caption>
<thead><tr><th scope="col">Ärende</th><th scope="col">Stoppades</th><th scope="col">Steg</th></tr></thead>
<tbody>${o.stoppedCarryOuts.map((s) => `<tr><th scope="row">${esc(s.caseId)}</th><td>${esc(formatTime(s.since))}</td><td>${esc(s.step === null ? '–' : (ownValue(STEP_WORDS, s.step) ?? s.step))}</td></tr>`).join('')}</tbody>
</table></div>
<p class="small">Verkställigheten gav upp efter sina försök, och ärendet ligger hos en handläggare. När felet är åtgärdat startar den som har ärendet verkställigheten igen på ärendesidan (steg som är gjorda görs inte om).</p>`
    : '<p>Inga beslut som väntar på att verkställas igen.</p>';

  const stuckRows = o.stuck
    .map(
      (c) => `<tr>
<th scope="row">${esc(c.caseId)}</th>
<td>${esc(STATE_WORDS[c.state] ?? c.state)}</td>
<td>${esc(c.municipality)}</td>
<td>${esc(formatTime(c.stateChangedAt))}</td>
<td>${esc(ageWords(o.now.getTime() - c.stateChangedAt.getTime()))}</td>
<td>${c.recoveries}</td>
<td><form method="post" action="/admin/omkorning" class="inline">${hidden(csrf)}<input type="hidden" name="arende" value="${esc(c.caseId)}"><input type="hidden" name="satt" value="intake"><button type="submit" aria-label="Kör om, ärende ${esc(c.caseId)}">Kör om</button></form></td>
</tr>`,
    )
    .join('');
  const stuck = o.stuck.length
    ? `<table>
<caption>Fastnade ärenden: oförändrade i mer än ${STUCK_AFTER_MS / 60_000} minuter (${o.stuck.length})</caption>
<thead><tr><th scope="col">Ärende</th><th scope="col">Läge</th><th scope="col">Kommun</th><th scope="col">I läget sedan</th><th scope="col">Ålder</th><th scope="col">Nya jobb</th><th scope="col">Åtgärd</th></tr></thead>
<tbody>${stuckRows}</tbody>
</table>`
    : `<p>Inga fastnade ärenden (inget ärende som roboten äger har stått still i mer än ${STUCK_AFTER_MS / 60_000} minuter).</p>`;

  const failed = o.failedJobs.length
    ? `<table>
<caption>Misslyckade jobb i köerna (senaste ${o.failedJobs.length})</caption>
<thead><tr><th scope="col">Kö</th><th scope="col">Ärende</th><th scope="col">Felklass</th><th scope="col">Försök</th><th scope="col">Tid</th></tr></thead>
<tbody>${o.failedJobs
        .map(
          (j) =>
            `<tr><td>${esc(ownValue(QUEUE_WORDS, j.queue) ?? j.queue)}</td><td>${esc(j.caseId ?? '–')}</td><td>${esc(j.errorClass === undefined ? 'okänt' : errorClassWords(j.errorClass))}</td><td>${j.attempts}</td><td>${esc(j.at ? formatTime(j.at) : '–')}</td></tr>`,
        )
        .join('')}</tbody>
</table>`
    : '<p>Inga misslyckade jobb i köerna.</p>';

  const tableRows = o.throughput
    .map((s) => {
      const end = new Date(s.start.getTime() + 5 * 60_000);
      const sum = s.counts.PROPOSED + s.counts.MANUAL + s.counts.TECHNICAL_ERROR;
      return `<tr><th scope="row">${esc(formatClock(s.start))}–${esc(formatClock(end))}</th><td>${s.counts.PROPOSED}</td><td>${s.counts.MANUAL}</td><td>${s.counts.TECHNICAL_ERROR}</td><td>${sum}</td></tr>`;
    })
    .join('');

  const oneHourAgo = toLocalInput(new Date(o.now.getTime() - 60 * 60_000));
  return `<h1>Drift</h1>
${notice}
<p>Läget ${esc(formatTime(o.now))}. Sidan visar ärende-id, antal och felklasser, aldrig personuppgifter.</p>
${todos}

<section aria-labelledby="intag-rubrik">
<h2 id="intag-rubrik">Intag</h2>
${intakeFailing}
${intake}
${heldList}
</section>

<section aria-labelledby="arenden-rubrik">
<h2 id="arenden-rubrik">Ärenden per läge</h2>
<table>
<caption>Ärenden per läge (totalt ${totalCases})</caption>
<thead><tr><th scope="col">Läge</th><th scope="col">Antal</th></tr></thead>
<tbody>${stateRows}</tbody>
</table>
</section>

<section aria-labelledby="koer-rubrik">
<h2 id="koer-rubrik">Köer</h2>
${jobTable}
</section>

<section aria-labelledby="genomstromning-rubrik">
<h2 id="genomstromning-rubrik">Genomströmning senaste timmen</h2>
${throughputChart(o.throughput)}
<table>
<caption>Avslutade ärenden per fem minuter (tid i svensk tid)</caption>
<thead><tr><th scope="col">Intervall</th><th scope="col">Förslag</th><th scope="col">Manuell handläggning</th><th scope="col">Tekniskt fel</th><th scope="col">Totalt</th></tr></thead>
<tbody>${tableRows}</tbody>
</table>
</section>

<section aria-labelledby="fel-rubrik">
<h2 id="fel-rubrik">Fel</h2>
${stuck}
${technical}
${stopped}
${failed}
</section>

<section aria-labelledby="omkorning-rubrik">
<h2 id="omkorning-rubrik">Kör om ärenden</h2>
<p><strong>Från intaget</strong>: ärendet går igenom hela flödet igen och registren tillfrågas på nytt (efter ett avbrott). Det kräver att du har en giltig försäkran för SSBTEK i ärendets kommun; vem som bad om omkörningen och varför sparas i loggen.
<strong>Från sparad ögonblicksbild</strong>: förslaget räknas om utan att registren tillfrågas. Har ärendet redan ett förslag
sparas inget nytt; sidan visar om omräkningen ger samma resultat. Ett ärende med tekniskt fel som saknar förslag får det omräknade förslaget.</p>
<form method="post" action="/admin/omkorning">
${hidden(csrf)}
<div><label for="omkorning-arende">Ärende-id</label> <input id="omkorning-arende" name="arende" required maxlength="100" autocomplete="off"></div>
<fieldset><legend>Sätt</legend>
<div><input type="radio" id="satt-en-intag" name="satt" value="intake" checked> <label for="satt-en-intag">Från intaget</label></div>
<div><input type="radio" id="satt-en-bild" name="satt" value="snapshot"> <label for="satt-en-bild">Från sparad ögonblicksbild</label></div>
</fieldset>
<div><label for="omkorning-skal">Skäl (sparas i loggen; tomt: efter tekniskt fel eller avbrott)</label> <input id="omkorning-skal" name="skal" maxlength="500" autocomplete="off"></div>
<button type="submit">Kör om ärendet</button>
</form>
<form method="post" action="/admin/omkorning/sedan">
${hidden(csrf)}
<div><label for="omkorning-sedan">Alla ärenden med tekniskt fel sedan (svensk tid)</label> <input id="omkorning-sedan" name="sedan" type="datetime-local" required value="${esc(oneHourAgo)}"></div>
<fieldset><legend>Sätt</legend>
<div><input type="radio" id="satt-alla-intag" name="satt" value="intake" checked> <label for="satt-alla-intag">Från intaget</label></div>
<div><input type="radio" id="satt-alla-bild" name="satt" value="snapshot"> <label for="satt-alla-bild">Från sparad ögonblicksbild</label></div>
</fieldset>
<button type="submit">Kör om alla</button>
</form>
</section>`;
}

/** "2 h 5 min", "12 min": how long a case has stood still, in words. */
export function ageWords(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
}
