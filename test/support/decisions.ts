import { createHash } from 'node:crypto';
import type { DecisionToCarryOut } from '../../src/casesystem/types.js';
import type { TraceLine } from '../../src/domain/proposal.js';

/** Signed decisions for the case-system adapter tests: synthetic, no personal numbers in any field. */

const LINES: TraceLine[] = [
  { kind: 'norm', label: 'Riksnorm, ensamstående vuxen', amount: '3292.00', rule: 'riksnorm.adults.single', source: 'SoF 2001:937 2 kap. 1 §', person: 'applicant' },
  { kind: 'norm', label: 'Barn 4–6 år', amount: '2780.00', rule: 'riksnorm.children.4-6', source: 'SoF 2001:937', person: 'child:0' },
  { kind: 'norm', label: 'Gemensamma hushållskostnader, 2 personer', amount: '1370.00', rule: 'riksnorm.household.2', source: 'SoF 2001:937' },
  { kind: 'cost', label: 'Boendekostnad (hyra)', amount: '7450.00', rule: 'municipality.1287.costs.rent', source: 'Riktlinjer Trelleborg 2025-01-01', cap: '8200.00' },
  { kind: 'cost', label: 'Hushållsel', amount: '412.50', rule: 'municipality.1287.costs.electricity', source: 'Riktlinjer Trelleborg 2025-01-01' },
  { kind: 'cost', label: 'Hemförsäkring', amount: '189.00', rule: 'costs.homeInsurance', source: 'Riktlinjer' },
  { kind: 'cost', label: 'Arbetsresor (busskort)', amount: '595.00', rule: 'costs.commute', source: 'Riktlinjer' },
  { kind: 'income', label: 'Barnbidrag', amount: '1250.00', rule: 'incomes.childAllowance', source: 'SSBTEK' },
  { kind: 'income', label: 'Bostadsbidrag', amount: '2100.00', rule: 'incomes.housingAllowance', source: 'SSBTEK' },
  { kind: 'income', label: 'Underhållsstöd', amount: '1673.00', rule: 'incomes.maintenanceSupport', source: 'SSBTEK' },
  { kind: 'income', label: 'Lön', amount: '4000.00', rule: 'incomes.salary', source: 'Ansökan', person: 'applicant' },
  { kind: 'exempt', label: 'Barns inkomst av feriearbete (räknas inte)', amount: '1800.00', rule: 'exempt.childEarnings', source: 'SoL 4 kap. 1 §', person: 'child:0' },
];

export function decision(decisionId: string, caseId = 'A-2026-000206', overrides: Partial<DecisionToCarryOut> = {}): DecisionToCarryOut {
  const base = {
    decisionId,
    caseId,
    municipality: '1287',
    month: '2026-03',
    outcome: 'GRANT' as const,
    amount: '7066',
    lines: LINES,
    signedBy: 'handlaggare-anna',
    signedAt: '2026-03-02T09:14:00+01:00',
    ...overrides,
  };
  const hash = createHash('sha256').update(JSON.stringify(base)).digest('hex');
  return { hash, ...base, ...(overrides.hash ? { hash: overrides.hash } : {}) };
}
