import type { DecisionContent } from '../../decisions/content.js';
import { esc } from '../layout.js';
import { formatDate } from './view.js';

/**
 * Who decided, for the decision letter: the caseworker who signed, or, for an automated
 * decision (FL 2017:900 28 §), that no person did: the robot decided under the delegation named
 * in the decision (who delegated, the delegation order's point) and the applicant can ask for a
 * caseworker to try the decision again. Never names the robot's account as if it were a person.
 * HTML; every value escaped.
 */
export function decidedBy(c: DecisionContent, kommun: string): string {
  if (!c.automated) return `<p>Beslutet är fattat av ${esc(c.signedByName)}, handläggare, ${esc(kommun)}.</p>`;
  const a = c.automated;
  return `<section class="automated" aria-labelledby="automatiskt-rubrik">
<h2 id="automatiskt-rubrik">Beslutet är fattat automatiskt</h2>
<p data-testid="letter-automated">Beslutet är fattat automatiskt, utan att en handläggare har prövat det. ${esc(a.delegatedBy)} har delegerat beslutet till ett automatiserat förfarande i sin delegationsordning (${esc(a.reference)}). Ett beslut får fattas automatiserat enligt 28 § förvaltningslagen (2017:900).</p>
<h3>Om du vill att en handläggare prövar beslutet</h3>
<p>Du kan begära att en handläggare prövar beslutet på nytt. Så gör du:</p>
<ol>
<li>Kontakta socialtjänsten i ${esc(kommun)}, ekonomiskt bistånd, genom e-tjänsten, per telefon eller med ett brev.</li>
<li>Säg att du vill att en handläggare prövar beslutet och ange ärendenummer ${esc(c.caseId)}.</li>
</ol>
<p>En handläggare går då igenom din ansökan och beslutet, och du får besked om vad prövningen ledde till. Att du begär en ny prövning förlänger inte tiden för att överklaga: vill du överklaga ska kommunen ha fått ditt överklagande inom tre veckor, så som det står ovan.</p>
<p>Beslutet är fattat automatiskt ${esc(formatDate(new Date(c.signedAt)))} för ${esc(kommun)}. Ingen handläggare har signerat det.</p>
</section>`;
}
