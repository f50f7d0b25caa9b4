import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { contentAsProposed } from '../../src/decisions/content.js';
import { loadRules } from '../../src/rules/load.js';
import { contentHash, type DecisionRecord } from '../../src/store/index.js';
import { letterDocument } from '../../src/web/caseworker/letter.js';
import { chromiumPdfRenderer } from '../../src/web/caseworker/pdf.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';
import { seedSnapshot } from '../support/web.js';
import { pdfFacts } from '../support/pdfFacts.js';

/**
 * The decision letter as PDF from Debian's Chromium, read back: a one-page decision is one
 * page, every page says "Sida n av N", the PDF is tagged (structure tree, MarkInfo) and the
 * checksum stands on the last page together with the text.
 */
const rules = loadRules();
const css = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'web', 'assets', 'site.css'), 'utf8');

function decisionFor(id: string, kind: 'grant' | 'reject', motivation?: string): DecisionRecord {
  const snapshot = seedSnapshot(id, { municipality: '1287', kind });
  const proposal = assess(snapshot, rules);
  const signedAt = new Date('2026-03-03T09:30:00Z');
  const content = contentAsProposed(
    proposal,
    { proposalId: 'p-1', snapshotId: 's-1', applicantPersonalNumber: snapshot.application.applicant.personalNumber, signedBy: 'hl-trelleborg-1', signedByName: 'Anna Lind', signedAt },
    motivation,
  ) as unknown as Record<string, unknown>;
  return {
    id: 'd-1', caseId: id, proposalId: 'p-1', kind: 'as-proposed', outcome: content.outcome as DecisionRecord['outcome'], amount: String(content.amount),
    content, contentHash: contentHash(content), motivation: motivation ?? null, signedBy: 'hl-trelleborg-1', signedAt, supersedes: null, createdAt: signedAt, delegationReference: null,
  } as DecisionRecord;
}

describe('decision letter PDF', () => {
  const pdf = chromiumPdfRenderer();
  afterAll(async () => pdf.close());

  it('a one-page grant is one tagged page numbered "Sida 1 av 1", with the checksum on it', async () => {
    const decision = decisionFor('PDF-1', 'grant');
    const facts = pdfFacts(await pdf.render(letterDocument(decision, css, municipalityNames(rules))));
    expect(facts.pages).toBe(1);
    expect(facts.tagged).toBe(true);
    expect(facts.pageTexts[0]).toContain('Sida 1 av 1');
    expect(facts.pageTexts[0]).toContain(decision.contentHash.slice(0, 16));
  }, 60_000);

  it('a longer letter numbers each page and keeps the checksum with the text on the last page', async () => {
    const decision = decisionFor('PDF-2', 'reject', 'Motivering. '.repeat(300).trim());
    const facts = pdfFacts(await pdf.render(letterDocument(decision, css, municipalityNames(rules))));
    expect(facts.pages).toBeGreaterThan(1);
    facts.pageTexts.forEach((text, i) => expect(text).toContain(`Sida ${i + 1} av ${facts.pages}`));
    expect(facts.pageTexts.at(-1)).toContain(decision.contentHash.slice(0, 16));
    expect(facts.pageTexts.at(-1)).toContain('förvaltningsrätten');
  }, 60_000);
});
