import { describe, expect, it } from 'vitest';
import { buildRequest, buildRequestBody, type RequestSettings } from '../../src/registers/ssbtek/request.js';
import { attr, child, children, parseXml, path, text } from '../../src/registers/ssbtek/xml.js';
import { readQuestion } from '../../src/sandbox/ssbtek.js';

const PN = '198504129803';
const settings: RequestSettings = {
  ingivare: { organisationsnummer: '162120001165', namn: 'Trelleborgs kommun & co', handlaggare: 'bistandsrobot' },
  fkAktorsId: 'aktor-1287',
};
const query = { caseId: 'A-2026-000123', personalNumber: PN, period: { from: '2026-02-01', tom: '2026-02-28' } };

describe('hamtaBastjanstInformation request', () => {
  it('is a SOAP 1.1 envelope with the v10 element in the SSBT namespace', () => {
    const xml = buildRequest(settings, query);
    expect(xml).toContain('xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"');
    expect(xml).toContain('<ssbt:hamtaBastjanstInformation xmlns:ssbt="http://schema.forsakringskassan.se/integration/ssbt/10">');
    const general = path(parseXml(xml), 'Envelope', 'Body', 'hamtaBastjanstInformation', 'generellaFrageparametrar');
    expect(general?.children?.map((element) => element.name)).toEqual([
      'fraganSkallInkluderasISvaret',
      'ingivare',
      'personidentitet',
      'arendeidentitet',
      'tidsperiod',
      'syfte',
      'lagtext',
    ]);
    expect(text(path(general, 'ingivare', 'namn'))).toBe('Trelleborgs kommun & co'); // escaped and read back
    expect(text(path(general, 'ingivare', 'handlaggare'))).toBe('bistandsrobot');
    expect(text(child(general, 'personidentitet'))).toBe(PN);
    expect(text(child(general, 'arendeidentitet'))).toBe('A-2026-000123');
    expect(text(path(general, 'tidsperiod', 'fromDatum'))).toBe('2026-02-01');
    // A look-up is made today, under SoL (2025:400): 15 kap. 10 § (replacing SoL 2001:453 11 kap.
    // 11 §) for CSN, FK, PM and the a-kassor, 11 § for Arbetsförmedlingen, 12 § for Skatteverket.
    expect(text(child(general, 'lagtext'))).toBe('15 kap. 10–12 §§ socialtjänstlagen (2025:400); 7 § förordningen (2008:975)');
  });

  it('sets inkludera per agency in XSD order, and sends FK its LEFI question', () => {
    const xml = buildRequest(settings, { ...query, agencies: ['FK', 'TNS'] });
    const specific = path(parseXml(xml), 'Envelope', 'Body', 'hamtaBastjanstInformation', 'specifikaFrageparametrar');
    expect(specific?.children?.map((element) => element.name)).toEqual(['AF', 'CSN', 'FK', 'SKV', 'SO', 'TNS', 'MIV']);
    const flags = Object.fromEntries(['AF', 'CSN', 'FK', 'SKV', 'SO', 'TNS', 'MIV'].map((a) => [a, attr(child(specific, a), 'inkludera')]));
    expect(flags).toEqual({ AF: 'false', CSN: 'false', FK: 'true', SKV: 'false', SO: 'false', TNS: 'true', MIV: 'false' });
    const fraga = path(specific, 'FK', 'fraga');
    expect(text(child(fraga, 'version'))).toBe('v9');
    expect(text(child(fraga, 'aktorsid'))).toBe('aktor-1287');
    const lefi = JSON.parse(Buffer.from(text(child(fraga, 'lefiJsonFraga')) ?? '', 'base64').toString('utf8'));
    expect(lefi).toMatchObject({ personnummer: PN, period: { from: '2026-02-01', tom: '2026-02-28' } });
    expect(lefi.utbetalningar).toContain('FK:ABB');
    expect(children(specific, 'FK')).toHaveLength(1);
  });

  it('is read back by the simulator as the same question', () => {
    const question = readQuestion(buildRequest(settings, { ...query, agencies: ['SO', 'CSN'] }));
    expect(question.personalNumber).toBe(PN);
    expect(question.caseId).toBe('A-2026-000123');
    expect([...question.agencies.keys()].sort()).toEqual(['CSN', 'SO']);
  });

  it('refuses bad input with messages that do not repeat it', () => {
    const bad = [
      () => buildRequestBody({ ...settings, ingivare: { ...settings.ingivare, organisationsnummer: '212000-1165' } }, query),
      () => buildRequestBody(settings, { ...query, personalNumber: '850412-9803' }),
      () => buildRequestBody(settings, { ...query, period: { from: '2026-02-28', tom: '2026-02-01' } }),
    ];
    for (const build of bad) {
      expect(build).toThrow(/ssbtek:/);
      try {
        build();
      } catch (error) {
        expect(String(error)).not.toMatch(/9803|212000/);
      }
    }
  });
});
