import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENCIES, type Agency } from '../../src/domain/snapshot.js';
import { parseSsbtekResponse } from '../../src/registers/ssbtek/parse.js';
import { buildRequest, buildRequestBody } from '../../src/registers/ssbtek/request.js';
import { readQuestion } from '../../src/sandbox/ssbtek.js';
import { loadFixtures } from '../../src/sandbox/ssbtekFixtures.js';
import { buildResponseBody } from '../../src/sandbox/ssbtekReplies.js';

/**
 * Checks against the real SSBTEK v10 contract, read where it lies in shared/reference and
 * never copied into the project: the requests we send and the replies the simulator builds
 * must validate against the v10 XSD (with the agencies' schemas it imports), and the
 * published sample replies must parse. Without the reference, or without xmllint (Debian:
 * libxml2-utils) for the XSD part, the tests are skipped and say why.
 */
// shared/ lies beside the checkout (the project's layout); SSBTEK_REFERENCE_DIR may point elsewhere.
const REFERENCE = process.env['SSBTEK_REFERENCE_DIR'] ?? fileURLToPath(new URL('../../../shared/reference/ssbtek-v10/', import.meta.url));
const XSD = resolve(REFERENCE, 'contract/se/forsakringskassan/schema/integration/ssbt/_10/sammansatt_bastjanst_v10.xsd');

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const noReference = existsSync(XSD) ? null : `the SSBTEK v10 reference is not at ${REFERENCE}`;
if (noReference) console.warn(`ssbtek.reference.test: skipped: ${noReference}`);
const missing = !existsSync(XSD)
  ? `the SSBTEK v10 reference is not at ${XSD}`
  : !hasXmllint()
    ? 'xmllint is not installed (apt-get install libxml2-utils)'
    : null;
if (missing && !noReference) console.warn(`ssbtek.reference.test: XSD checks skipped: ${missing}`);

const settings = {
  ingivare: { organisationsnummer: '162120001165', namn: 'Trelleborgs kommun', handlaggare: 'bistandsrobot' },
  fkAktorsId: 'aktor-1287',
};
const dir = mkdtempSync(join(tmpdir(), 'ssbtek-xsd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(name: string, xml: string): void {
  const file = join(dir, name);
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: 'pipe' });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    expect.fail(`${name} does not validate:\n${stderr.slice(0, 2000)}`);
  }
}

describe.skipIf(missing !== null)('SSBTEK v10 XSD', () => {
  it('accepts our requests, with all agencies and with some', () => {
    const query = { caseId: 'A-2026-000123', personalNumber: '198504129803', period: { from: '2026-02-01', tom: '2026-02-28' } };
    validate('request-all.xml', buildRequestBody(settings, query));
    validate('request-some.xml', buildRequestBody(settings, { ...query, agencies: ['SO', 'TNS'] }));
    validate('request-none.xml', buildRequestBody(settings, { ...query, agencies: [] }));
  });

  it("accepts the simulator's reply for every fixture, and with forced agency errors", async () => {
    for (const fixture of await loadFixtures()) {
      const request = buildRequest(settings, { caseId: 'A-1', personalNumber: fixture.personalNumber, period: { from: '2026-01-01', tom: '2026-02-28' } });
      validate(`reply-${fixture.personalNumber.slice(0, 8)}.xml`, buildResponseBody(readQuestion(request), fixture, new Set()));
    }
    const request = buildRequest(settings, { caseId: 'A-1', personalNumber: '198504129803', period: { from: '2026-02-01', tom: '2026-02-28' } });
    validate('reply-errors.xml', buildResponseBody(readQuestion(request), undefined, new Set(AGENCIES)));
  });
});

describe.skipIf(noReference !== null)('SSBTEK v10 sample replies', () => {
  // The samples' person is the well-known test identity they all use.
  const SAMPLE_PERSON = '199001011234';
  const samples = () => readdirSync(join(REFERENCE, 'samples')).filter((f) => f.endsWith('.xml'));

  it('parse without agency errors, and yield the payments and vehicles they hold', () => {
    expect(samples().length).toBeGreaterThan(0);
    for (const file of samples()) {
      const only = /_(af|csn|fk|skv|so|tns|miv)\.xml$/.exec(file)?.[1]?.toUpperCase() as Agency | undefined;
      const xml = readFileSync(join(REFERENCE, 'samples', file), 'utf8');
      const { answer, problems } = parseSsbtekResponse(xml, { personalNumber: SAMPLE_PERSON, ...(only ? { agencies: [only] } : {}) });
      expect(problems, file).toEqual([]);
      if (only === 'SO' || file.includes('allAgencies')) {
        expect(answer.payments, file).toEqual([{ agency: 'SO', benefit: 'Arbetslöshetsersättning', paidOn: '2013-11-23', net: '1250.50' }]);
      }
      if (only === 'TNS') expect(answer.vehicles.length, file).toBe(2);
    }
  });
});
