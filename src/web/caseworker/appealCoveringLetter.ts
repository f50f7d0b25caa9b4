import { monthName } from '../../assessment/explain.js';
import { kronor } from '../../domain/labels.js';
import { stockholmDate } from '../../domain/dates.js';
import type { RuleSet } from '../../rules/ruleset.js';
import type { DecisionRecord } from '../../store/index.js';
import { esc } from '../layout.js';
import type { DecisionContent } from './decision.js';
import { isoDateWords } from './letterChange.js';
import { formatDate, formatPersonalNumber, type MunicipalityNames } from './view.js';
import { addresseeOf, senderLines } from './sender.js';
import type { AppealView } from './correction.js';

/**
 * The covering letter (följebrev) that sends an appeal and the case documents on to
 * förvaltningsrätten once the decision-maker has reconsidered it (förvaltningslagen 2017:900
 * 45–46 §§: the appeal is lodged with the authority that decided, which checks it came in time,
 * reconsiders, and forwards it with the case documents; law-2025.md marks the content of these
 * paragraphs as secondary). Rendered from stored records only.
 */

export interface CoveringLetterInput {
  view: AppealView;
  /** The decision the appeal is about. */
  appealed: DecisionRecord;
  /** The decision in force after omprövning, when it was changed. */
  changed?: DecisionRecord;
  /** Who sends it, and when (Stockholm date). */
  senderName: string;
  date: string;
  /** The municipalities' names from the rules. */
  names: MunicipalityNames;
  /** The rules: the court of the municipality's domkrets (rules/municipalities `administrativeCourt`). */
  rules: Pick<RuleSet, 'administrativeCourt'>;
}

function decisionWords(d: DecisionRecord): string {
  return d.outcome === 'GRANT' ? `bifall med ${kronor(d.amount)} kronor` : 'avslag';
}

export function coveringLetterBody(input: CoveringLetterInput): string {
  const { appeal, deadline, inTime } = input.view;
  const c = input.appealed.content as unknown as DecisionContent;
  const kommun = input.names(c.municipality);
  const court = input.rules.administrativeCourt(c.municipality) ?? 'Förvaltningsrätten';
  const kept = appeal.events.some((e) => e.kind === 'kept');
  const timeliness = deadline
    ? // A message in Mina ärenden has no read receipt: it is not delgivning, and the letter must not say it was.
      `${
        appeal.notifiedFrom === 'notify-step'
          ? `Klaganden underrättades om beslutet genom meddelande i Mina ärenden ${isoDateWords(deadline.notifiedOn)}; beslutet har inte delgetts på annat sätt`
          : `Klaganden fick del av beslutet ${isoDateWords(deadline.notifiedOn)}`
      }. Sista dag för överklagande var ${isoDateWords(deadline.lastDay)}${
        deadline.movedBecause ? ` (flyttad från ${isoDateWords(deadline.nominalLastDay)}, ${deadline.movedBecause}, enligt lagen (1930:173) om beräkning av lagstadgad tid)` : ''
      }. Överklagandet kom in ${isoDateWords(appeal.receivedOn)} och har därmed kommit in ${inTime ? 'i rätt tid' : 'för sent'}.`
    : `Överklagandet kom in ${isoDateWords(appeal.receivedOn)}. Dagen då sökanden fick del av beslutet är inte känd för nämnden.`;
  const reconsidered = input.changed
    ? `Nämnden har omprövat beslutet och ändrat det ${esc(isoDateWords(stockholmDate(input.changed.signedAt)))} till ${esc(decisionWords(input.changed))}, men inte helt som sökanden begär. Det ändrade beslutet bifogas; överklagandet anses omfatta det nya beslutet.`
    : kept
      ? 'Nämnden har omprövat beslutet och finner inte skäl att ändra det.'
      : 'Nämnden har inte omprövat beslutet.';
  const enclosures = [
    'Överklagandet',
    `Det överklagade beslutet av ${formatDate(input.appealed.signedAt)} (${decisionWords(input.appealed)}, kontrollsumma ${input.appealed.contentHash.slice(0, 12)}…)`,
    ...(input.changed ? [`Det ändrade beslutet av ${formatDate(input.changed.signedAt)} (kontrollsumma ${input.changed.contentHash.slice(0, 12)}…)`] : []),
    'Beräkningen av försörjningsstödet',
    'Utredningen i ärendet (ansökan och registeruppgifter)',
  ];
  return `<article class="letter" aria-labelledby="foljebrev-rubrik">
<div class="sender">${senderLines(addresseeOf(input.names, c.municipality))}
<p>Datum: ${esc(isoDateWords(input.date))}<br>Ärende: ${esc(c.caseId)}</p></div>
<p><strong>${esc(court)}</strong></p>
<h1 id="foljebrev-rubrik">Överlämnande av överklagande</h1>
<p>Klagande: personnummer ${esc(formatPersonalNumber(c.applicantPersonalNumber))}</p>
<p>Socialnämnden i ${esc(kommun)} överlämnar härmed ett överklagande av beslut om ekonomiskt bistånd (försörjningsstöd) för ${esc(monthName(c.month))} enligt 12 kap. 1 § socialtjänstlagen (2025:400), jämte handlingarna i ärendet.</p>
<h2>Överklagandet</h2>
<p>Överklagandet kom in ${esc(isoDateWords(appeal.receivedOn))} via ${esc(appeal.channel)} och gäller: ${esc(appeal.concerns)}</p>
<h2>Tid för överklagande</h2>
<p>${esc(timeliness)}</p>
<h2>Omprövning</h2>
<p>${reconsidered}</p>
<h2>Bifogade handlingar</h2>
<ol>${enclosures.map((e) => `<li>${esc(e)}</li>`).join('')}</ol>
<div class="signature"><p>${esc(input.senderName)}, handläggare, ${esc(kommun)}</p></div>
</article>`;
}

