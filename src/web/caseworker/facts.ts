import { ownValue } from '../../domain/ownKey.js';
import { benefitName, kronor } from '../../domain/labels.js';
import { esc } from '../layout.js';
import { maskPersonalNumber, type MunicipalityNames } from './view.js';

/**
 * The register facts behind a proposal, read from the stored snapshot: SSBTEK payments by
 * agency, KIR, the plan module. People are named by their role in the household and a masked
 * personal number (birth date only).
 */
export const AGENCY_NAMES: Record<string, string> = {
  FK: 'Försäkringskassan',
  CSN: 'Centrala studiestödsnämnden',
  SO: 'Sveriges a-kassor',
  AF: 'Arbetsförmedlingen',
  SKV: 'Skatteverket',
  TNS: 'Transportstyrelsen',
  MIV: 'Migrationsverket',
};

interface Person {
  personalNumber?: unknown;
}
interface SnapshotLike {
  application?: {
    kind?: unknown;
    applicant?: Person;
    coApplicant?: Person | null;
    children?: Person[];
    otherAdults?: unknown;
  };
  registers?: {
    ssbtek?: unknown;
    kir?: unknown;
    plan?: unknown;
  };
  history?: { monthsWithAssistanceInRow?: unknown };
}

function last10(pn: unknown): string {
  return typeof pn === 'string' ? pn.replace(/\D/g, '').slice(-10) : '';
}

/** "Sökande (19850709-****)" for a personal number found in the application. */
export function personName(snapshot: SnapshotLike, pn: unknown): string {
  const app = snapshot.application ?? {};
  const key = last10(pn);
  let role = 'Person i hushållet';
  if (key && last10(app.applicant?.personalNumber) === key) role = 'Sökande';
  else if (key && last10(app.coApplicant?.personalNumber) === key) role = 'Medsökande';
  else {
    const i = (app.children ?? []).findIndex((c) => last10(c.personalNumber) === key);
    if (i >= 0) role = `Barn ${i + 1}`;
  }
  return `${role} (${maskPersonalNumber(pn)})`;
}

function isUnavailable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { status?: unknown }).status === 'unavailable';
}

export function householdFacts(snapshot: SnapshotLike): string {
  const app = snapshot.application ?? {};
  const children = app.children ?? [];
  return `<dl class="facts">
<dt>Ansökan</dt><dd>${app.kind === 'new' ? 'Nyansökan' : 'Fortsatt ansökan'}</dd>
<dt>Sökande</dt><dd>${esc(maskPersonalNumber(app.applicant?.personalNumber))}</dd>
<dt>Medsökande</dt><dd>${app.coApplicant ? esc(maskPersonalNumber(app.coApplicant.personalNumber)) : 'Ingen'}</dd>
<dt>Barn</dt><dd>${children.length === 0 ? 'Inga' : esc(children.map((c, i) => `barn ${i + 1}: ${maskPersonalNumber(c.personalNumber)}`).join(', '))}</dd>
<dt>Andra vuxna i bostaden</dt><dd>${esc(String(app.otherAdults ?? 0))}</dd>
<dt>Månader i följd med bistånd</dt><dd>${esc(String(snapshot.history?.monthsWithAssistanceInRow ?? 'okänt'))}</dd>
</dl>`;
}

/**
 * Whether the reader may see SSBTEK's facts today: only with a signed declaration ("Försäkran
 * för handläggare vid socialnämnd") that holds on the day (web/ssbtekAccess.ts). Otherwise the
 * page says that the facts exist and why they are hidden.
 */
export type SsbtekAccess = { visible: true } | { visible: false; reason: string };

export function registerFacts(snapshot: SnapshotLike | undefined, names: MunicipalityNames, ssbtek: SsbtekAccess = { visible: false, reason: 'Behörigheten kunde inte kontrolleras.' }): string {
  if (!snapshot) return '<p>Inga registeruppgifter har hämtats för ärendet ännu.</p>';
  const regs = snapshot.registers ?? {};
  const out: string[] = [];

  out.push('<h3>SSBTEK – utbetalningar från myndigheter</h3>');
  if (!ssbtek.visible) {
    out.push(`<p class="notice" data-testid="ssbtek-hidden">Det finns uppgifter från SSBTEK i ärendet, men de visas inte för dig. ${esc(ssbtek.reason)}</p>`);
  } else if (isUnavailable(regs.ssbtek) || !Array.isArray(regs.ssbtek)) {
    out.push('<p class="error">SSBTEK kunde inte läsas.</p>');
  } else {
    for (const entry of regs.ssbtek as Array<Record<string, unknown>>) {
      const who = personName(snapshot, entry.personalNumber);
      if (isUnavailable(entry)) {
        out.push(`<p><strong>${esc(who)}</strong>: SSBTEK kunde inte läsas för personen.</p>`);
        continue;
      }
      const payments = (Array.isArray(entry.payments) ? entry.payments : []) as Array<{ agency: string; benefit: string; paidOn: string; net: string }>;
      const errors = (Array.isArray(entry.agencyErrors) ? entry.agencyErrors : []) as string[];
      const vehicles = Array.isArray(entry.vehicles) ? entry.vehicles.length : 0;
      const agencies = [...new Set(payments.map((p) => p.agency))].sort();
      const rows = agencies
        .map((agency) => {
          const own = payments.filter((p) => p.agency === agency);
          return own
            .map(
              (p, i) =>
                `<tr>${i === 0 ? `<th scope="rowgroup" rowspan="${own.length}">${esc(ownValue(AGENCY_NAMES, agency) ?? agency)}</th>` : ''}<td>${esc(benefitName(p.benefit))}</td><td>${esc(p.paidOn)}</td><td class="num">${esc(kronor(p.net))}</td></tr>`,
            )
            .join('');
        })
        .join('');
      out.push(`<table>
<caption>${esc(who)}</caption>
<thead><tr><th scope="col">Myndighet</th><th scope="col">Förmån</th><th scope="col">Utbetald</th><th scope="col" class="num">Netto (kr)</th></tr></thead>
<tbody>${rows || '<tr><td colspan="4">Inga utbetalningar registrerade.</td></tr>'}</tbody>
</table>
<p class="small">${errors.length ? `Svarade med fel: ${esc(errors.map((a) => ownValue(AGENCY_NAMES, a) ?? a).join(', '))}. ` : 'Alla myndigheter svarade. '}Fordon: ${vehicles === 0 ? 'inga' : esc(String(vehicles))}.</p>`);
    }
  }

  out.push('<h3>KIR – folkbokföring</h3>');
  if (isUnavailable(regs.kir) || !Array.isArray(regs.kir)) {
    out.push('<p class="error">KIR kunde inte läsas.</p>');
  } else {
    const rows = (regs.kir as Array<Record<string, unknown>>).map((k) =>
      isUnavailable(k)
        ? `<tr><th scope="row">${esc(personName(snapshot, k.personalNumber))}</th><td colspan="2">Kunde inte läsas</td></tr>`
        : `<tr><th scope="row">${esc(personName(snapshot, k.personalNumber))}</th><td>${esc(names(String(k.municipality)))}</td><td>${k.protectedIdentity ? '<strong>Ja</strong>' : 'Nej'}</td></tr>`,
    );
    out.push(`<table><caption>Folkbokföring per person</caption>
<thead><tr><th scope="col">Person</th><th scope="col">Folkbokförd i</th><th scope="col">Skyddade personuppgifter</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>`);
  }

  out.push('<h3>Planeringsmodulen – arbetsmarknadsplan</h3>');
  const plan = regs.plan as { status?: string } | undefined;
  const planWords: Record<string, string> = {
    active: 'Aktiv planering: sökanden står till arbetsmarknadens förfogande.',
    notActive: 'Ingen aktiv planering: sökanden bedöms inte stå till arbetsmarknadens förfogande.',
    pending: 'Bedömning pågår (inte klar när uppgifterna hämtades).',
    unavailable: 'Planeringsmodulen kunde inte läsas.',
  };
  out.push(`<p>${esc(planWords[plan?.status ?? ''] ?? 'Okänt')}</p>`);
  return out.join('\n');
}
