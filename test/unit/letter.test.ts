import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { validateSnapshot } from '../../src/domain/snapshot.js';
import { loadRules } from '../../src/rules/load.js';
import { contentHash, type DecisionRecord } from '../../src/store/index.js';
import { contentAsProposed, contentEdited, type DecisionContent } from '../../src/web/caseworker/decision.js';
import { letterBody } from '../../src/web/caseworker/letter.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';
import { buildSnapshot, type CaseSpec } from '../support/snapshots.js';

/**
 * The decision letter's reasons, legal basis and appeal instructions (förvaltningslagen 32 §,
 * SoL 2025:400 35 kap. 1 §), rendered from what a caseworker signs. Text as a person reads it.
 */
const rules = loadRules();

function signed(spec: CaseSpec, signedAt: string, options: { motivation?: string; edit?: Record<string, string>; extra?: Record<string, unknown> } = {}) {
  const validation = validateSnapshot(buildSnapshot(spec));
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const proposal = assess(validation.snapshot, rules);
  // Edits by rule id, as a caseworker picks a line on the page.
  const edits = options.edit && new Map(Object.entries(options.edit).map(([rule, to]) => [proposal.calculation.lines.findIndex((l) => l.rule === rule), to]));
  const ctx = { proposalId: 'p1', snapshotId: 's1', applicantPersonalNumber: '198507099805', signedBy: 'anna', signedByName: 'Anna Andersson', signedAt: new Date(signedAt) };
  const content = edits ? (contentEdited(proposal, ctx, edits, options.motivation ?? 'ändrat') as DecisionContent) : contentAsProposed(proposal, ctx, options.motivation);
  const full = { ...content, ...options.extra };
  const record = { id: 'd1', caseId: content.caseId, content: full, contentHash: contentHash(full) } as unknown as DecisionRecord;
  const text = letterBody(record, municipalityNames(rules))
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
  return { content: full as DecisionContent, text, proposal };
}

describe('the decision letter gives reasons', () => {
  it('"inkomsterna täcker behovet": the provisions and the figures compared, with which incomes', () => {
    const { text } = signed({ month: '2026-03', incomes: [{ type: 'salary', amount: '9000' }] }, '2026-03-03T09:00:00+01:00');
    expect(text).toContain('avslås');
    expect(text).toContain('Beslutet grundar sig på 12 kap. 1 § socialtjänstlagen (2025:400)');
    expect(text).toContain('12 kap. 7 § socialtjänstlagen (2025:400)');
    expect(text).toContain('Riksnormen för ditt hushåll i mars 2026 är 5 220,00 kr och de skäliga kostnaderna är 0,00 kr, tillsammans 5 220,00 kr.');
    expect(text).toMatch(/Hushållets inkomster utbetalda i februari 2026 är 9 000,00 kr: Lön[^;]* 9 000,00 kr\./);
    expect(text).not.toContain('2001:453');
  });

  it('"inte aktivt arbetssökande": the condition in SoL 12 kap. 3 §, what the plan module recorded and when', () => {
    const { text } = signed(
      { month: '2026-03', plan: 'notActive', planRecord: { assessedOn: '2026-02-20', recorded: 'Uteblev från två planeringsmöten i februari.' } },
      '2026-03-03T09:00:00+01:00',
    );
    expect(text).toContain('Beslutet grundar sig på 12 kap. 3 § socialtjänstlagen (2025:400): den som kan arbeta har rätt till försörjningsstöd enligt 12 kap. 1 § socialtjänstlagen (2025:400) om hen står till arbetsmarknadens förfogande');
    expect(text).toContain('Planeringsmodulen registrerade den 2026-02-20');
    expect(text).toContain('att du inte är aktivt arbetssökande: "Uteblev från två planeringsmöten i februari."');
    expect(text).not.toContain('."."');
    expect(text).not.toContain('sökanden');
    expect(text).not.toMatch(/planeringsmodulen bedömer/i);
    // The provision once, by the decision day: not again inside the finding.
    expect(text.match(/12 kap\. 3 § socialtjänstlagen/g)).toHaveLength(1);
  });

  it('a reduced amount: the changed lines with both amounts, the provision and the motivation', () => {
    const { text, content } = signed({ month: '2026-03', costs: [{ type: 'rent', amount: '3900' }] }, '2026-03-03T09:00:00+01:00', {
      edit: { 'municipality.1287.costs.rent': '3500.00' },
      motivation: 'Hyran för mars är 3 500 kr enligt det nya kontraktet.',
    });
    expect(content.amount).toBe('8720');
    expect(text).toContain('Handläggaren har ändrat beräkningen');
    expect(text).toContain('du har ansökt om 3 900,00 kr, beslutet räknar med 3 500,00 kr.');
    expect(text).not.toContain('förslag');
    // The rest of what was applied for is refused, in the decision itself: that is what may be appealed.
    expect(text).toMatch(/Du får försörjningsstöd med 8 720 kronor för mars 2026\. Din ansökan avslås i den del som gäller \S+ \(du har ansökt om 3 900,00 kr, beviljas 3 500,00 kr\)/);
    expect(text).toContain('Handläggarens motivering: Hyran för mars är 3 500 kr enligt det nya kontraktet.');
  });

  it('a change: the edited lines start from the decision it replaces, said as such, not as the application or the records', () => {
    // Found by trying the pages: "6 000,00 kr enligt underlagen" where 6 000 was the old decision's figure.
    const first = signed({ month: '2026-03', costs: [{ type: 'rent', amount: '3900' }] }, '2026-03-03T09:00:00+01:00', { edit: { 'municipality.1287.costs.rent': '3500.00' } });
    const change = { kind: 'ändring', supersedes: '1', supersedesHash: 'a'.repeat(64), previousOutcome: 'GRANT', previousAmount: '9120', previousSignedAt: '2026-03-02T09:00:00+01:00' };
    const { text } = signed({ month: '2026-03', costs: [{ type: 'rent', amount: '3900' }] }, '2026-03-05T09:00:00+01:00', { edit: { 'municipality.1287.costs.rent': '3500.00' }, extra: { change } });
    expect(text).toContain('det tidigare beslutet räknade med 3 900,00 kr, det här beslutet räknar med 3 500,00 kr.');
    expect(text).not.toContain('du har ansökt om');
    expect(text).not.toContain('enligt underlagen');
    expect(first.text).toContain('du har ansökt om 3 900,00 kr');
  });

  it('a raised cost is no refusal: the decision says only what is granted', () => {
    const { text } = signed({ month: '2026-03', costs: [{ type: 'rent', amount: '3500' }] }, '2026-03-03T09:00:00+01:00', { edit: { 'municipality.1287.costs.rent': '3900.00' } });
    expect(text).toContain('du har ansökt om 3 500,00 kr, beslutet räknar med 3 900,00 kr.');
    expect(text).not.toContain('avslås');
  });

  it('a motivation written when signing as proposed is in the letter, in the content and in its hash', () => {
    const plain = signed({ month: '2026-03' }, '2026-03-03T09:00:00+01:00');
    const motivated = signed({ month: '2026-03' }, '2026-03-03T09:00:00+01:00', { motivation: '  Beviljas enligt normen; inga särskilda kostnader.  ' });
    expect(motivated.content.motivation).toBe('Beviljas enligt normen; inga särskilda kostnader.');
    expect(plain.content.motivation).toBeNull();
    expect(contentHash(motivated.content)).not.toBe(contentHash(plain.content));
    expect(motivated.text).toContain('Handläggarens motivering: Beviljas enligt normen; inga särskilda kostnader.');
    expect(plain.text).not.toContain('Handläggarens motivering');
  });

  it('shows the 2026 amounts as official with their SFS source', () => {
    const { text } = signed({ month: '2026-03', children: [{ age: 4, lunchAtHome: false }] }, '2026-03-03T09:00:00+01:00');
    expect(text).toContain('8 070 kronor');
    expect(text).toContain('Normbeloppen för mars 2026: SoF (2025:468) 12 kap. 2 § i lydelse enligt SFS 2025:1046 (i kraft 2026-01-01) (officiella belopp).');
  });
});

describe('appeal instructions only where the decision may be appealed', () => {
  it('a försörjningsstöd decision (12 kap. 1 §): how to appeal to förvaltningsrätten, citing 35 kap. 1 §', () => {
    const { text } = signed({ month: '2026-03' }, '2026-03-03T09:00:00+01:00');
    expect(text).toContain('Du kan överklaga beslutet till förvaltningsrätten (35 kap. 1 § socialtjänstlagen (2025:400))');
    expect(text).toContain('inom tre veckor');
    expect(text).toContain('Beslutet är fattat enligt 12 kap. 1 § socialtjänstlagen (2025:400)');
  });

  it('a decision on another basis (bistånd utöver, 12 kap. 2 §): no appeal instruction, how to ask for a new assessment', () => {
    const { text } = signed({ month: '2026-03' }, '2026-03-03T09:00:00+01:00', { extra: { legalBasis: 'SoL 12:2' } });
    expect(text).toContain('kan inte överklagas till förvaltningsrätten');
    expect(text).toContain('be att vi prövar det på nytt');
    expect(text).not.toContain('inom tre veckor');
    expect(text).toContain('skriva till Trelleborgs kommun, Socialtjänsten, ekonomiskt bistånd, 231 83 Trelleborg och be att vi prövar');
    expect(text).toContain('ringa Trelleborgs kommun på telefon 0410-73 30 00');
  });
});

describe('where the applicant writes and calls (rules/municipalities contact)', () => {
  const cases: { municipality: string; sender: string; appealTo: string; phone: string }[] = [
    { municipality: '1287', sender: 'Trelleborgs kommun Socialtjänsten, ekonomiskt bistånd 231 83 Trelleborg Telefon: 0410-73 30 00', appealTo: 'Trelleborgs kommun, Socialtjänsten, ekonomiskt bistånd, 231 83 Trelleborg', phone: 'ringa Trelleborgs kommun på telefon 0410-73 30 00' },
    // Svedala's cases are handled in Trelleborg, but the decision is Svedala's: the appeal goes to Svedala.
    { municipality: '1263', sender: 'Svedala kommun Socialtjänsten, ekonomiskt bistånd 233 80 Svedala Telefon: 040-626 80 00', appealTo: 'Svedala kommun, Socialtjänsten, ekonomiskt bistånd, 233 80 Svedala', phone: 'ringa Svedala kommun på telefon 040-626 80 00' },
  ];
  for (const c of cases) {
    it(`${c.municipality}: the sender's address and phone, and the address an appeal is sent to`, () => {
      const { text } = signed({ month: '2026-03', municipality: c.municipality }, '2026-03-03T09:00:00+01:00');
      expect(text).toContain(c.sender);
      expect(text).toContain(`skicka det till ${c.appealTo} , inte direkt till förvaltningsrätten`);
      expect(text).toContain(c.phone);
    });
  }

  it('without a known contact the letter still names the municipality to write to', () => {
    const validation = validateSnapshot(buildSnapshot({ month: '2026-03' }));
    if (!validation.ok) throw new Error('snapshot');
    const content = contentAsProposed(assess(validation.snapshot, rules), { proposalId: 'p1', snapshotId: 's1', applicantPersonalNumber: '198507099805', signedBy: 'anna', signedByName: 'Anna', signedAt: new Date('2026-03-03T09:00:00+01:00') });
    const record = { id: 'd1', caseId: content.caseId, content, contentHash: contentHash(content) } as unknown as DecisionRecord;
    const html = letterBody(record, municipalityNames({ municipalityName: (code) => rules.municipalityName(code) }));
    expect(html).toContain('skicka det till <strong>Trelleborgs kommun</strong>');
    expect(html).not.toContain('Telefon');
  });

  it('a decision signed before 2025-07-01 cites the law then in force', () => {
    const { text } = signed({ month: '2021-06', incomes: [{ type: 'salary', amount: '9000' }] }, '2021-06-03T09:00:00+02:00');
    expect(text).toContain('Beslutet grundar sig på 4 kap. 1 § socialtjänstlagen (2001:453)');
    expect(text).toContain('Du kan överklaga beslutet till förvaltningsrätten (16 kap. 3 § socialtjänstlagen (2001:453))');
    expect(text).not.toContain('2025:400');
  });

  it('received before the new law and decided after it: the finding does not cite the repealed law beside the one in force', () => {
    const { text } = signed(
      { month: '2026-03', receivedAt: '2025-06-30T10:00:00+02:00', plan: 'notActive', planRecord: { assessedOn: '2025-06-20', recorded: 'Uteblev.' } },
      '2026-03-03T09:00:00+01:00',
    );
    expect(text).toContain('Beslutet grundar sig på 12 kap. 3 § socialtjänstlagen (2025:400)');
    expect(text).not.toContain('2001:453');
  });

  it('a 2021 month decided in late 2026 cites today\'s law, with 2021\'s amounts', () => {
    const { text } = signed({ month: '2021-06', receivedAt: '2026-11-02T10:00:00+01:00', incomes: [{ type: 'salary', amount: '9000' }] }, '2026-11-03T09:00:00+01:00');
    expect(text).toContain('Beslutet grundar sig på 12 kap. 1 § socialtjänstlagen (2025:400)');
    expect(text).toContain('Riksnormen för ditt hushåll i juni 2021 är 4 180,00 kr');
    expect(text).not.toContain('(2001:453)');
  });
});
