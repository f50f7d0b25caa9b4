import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseAmount, normaliseDate } from '../../src/registers/ssbtek/amounts.js';
import { parseJsonKeepingNumbers } from '../../src/registers/ssbtek/lefi.js';
import { parseSsbtekResponse, readSoapFault, SsbtekResponseError } from '../../src/registers/ssbtek/parse.js';

// Synthetic test person (valid check digit, test-like serial).
const PN = '198607279893';
const OTHER = '199208089855';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function reply(svarsdata: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <x:hamtaBastjanstInformationResponse xmlns:x="http://schema.forsakringskassan.se/integration/ssbt/10"
        xmlns:er="http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2"
        xmlns:in="http://INT014.UBPService.Schemas"
        xmlns:t="http://schema.transportstyrelsen.se/ssbtek/hamtauppgifterresponder/1"
        xmlns:f="http://schema.transportstyrelsen.se/ssbtek/fordon/1">
      <x:svarsdata>${svarsdata}</x:svarsdata>
    </x:hamtaBastjanstInformationResponse>
  </soapenv:Body>
</soapenv:Envelope>`;
}

const parseOnly = (agency: 'FK' | 'CSN' | 'SO' | 'AF' | 'SKV' | 'TNS' | 'MIV', inner: string) =>
  parseSsbtekResponse(reply(`<x:${agency}>${inner}</x:${agency}>`), { personalNumber: PN, agencies: [agency] });

const fk = (lefi: string) => parseOnly('FK', `<x:data><x:lefiJsonSvar>${b64(lefi)}</x:lefiJsonSvar></x:data>`);
const OK_UTLAMNARE = '"utlamnare":[{"utlamnare":{"kod":"FK","namn":"Försäkringskassan"},"tillstand":{"kod":"OK","beskrivning":"Tillgänglig"}}]';

describe('amounts and dates', () => {
  it('normalises point and comma, keeps text, refuses signs and oddities', () => {
    expect(normaliseAmount('1250.50')).toBe('1250.50');
    expect(normaliseAmount('1250,50')).toBe('1250.50');
    expect(normaliseAmount(' 0042 ')).toBe('42');
    expect(normaliseAmount('1250.500')).toBe('1250.50');
    expect(normaliseAmount('0.1')).toBe('0.1');
    for (const bad of ['-100', '+100', '1 250', '1.25e3', '12.345', '', 'abc', '1,2,3', undefined]) {
      expect(normaliseAmount(bad)).toBeNull();
    }
  });
  it('reads xs:date with zone and CSN compact dates', () => {
    expect(normaliseDate('2026-02-20')).toBe('2026-02-20');
    expect(normaliseDate('2026-02-20+01:00')).toBe('2026-02-20');
    expect(normaliseDate('20260220')).toBe('2026-02-20');
    expect(normaliseDate('2026-02-30')).toBeNull();
    expect(normaliseDate('2026-02')).toBeNull();
  });
  it('keeps JSON number literals as their source text', () => {
    expect(parseJsonKeepingNumbers('{"a":1250.10,"b":[-3,0.1],"c":"x\\"1\\"","d":true}')).toEqual({
      a: '1250.10',
      b: ['-3', '0.1'],
      c: 'x"1"',
      d: true,
    });
    expect(parseJsonKeepingNumbers('[1e-7,"\\\\",2E+3,"ä\\u00e4 9"]')).toEqual(['1e-7', '\\', '2E+3', 'ää 9']);
    expect(() => parseJsonKeepingNumbers('{"a":1,}')).toThrow(SyntaxError);
  });

  it('reads any JSON as JSON.parse does, with every number as its literal text', () => {
    // Every number of the parsed value turned into its shortest text, which is what JSON.stringify wrote.
    const numbersAsText = (v: unknown): unknown =>
      typeof v === 'number' ? JSON.stringify(v) : Array.isArray(v) ? v.map(numbersAsText) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersAsText(x)])) : v;
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        const text = JSON.stringify(value, null, spaced ? 1 : undefined);
        expect(parseJsonKeepingNumbers(text)).toEqual(numbersAsText(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('FK (LEFI JSON)', () => {
  it('reads effected FK payments and PM payments, mapping names to the rules', () => {
    const { answer, problems } = fk(`{${OK_UTLAMNARE},"avvikelser":{},
      "formansinformation":{"utbetalningsuppgift":[
        {"formansfamilj":{"id":"ABB","beskrivning":"Barnbidrag"},"datum":"2026-02-20","nettobelopp":{"summa":1250,"valuta":"SEK"}},
        {"formansfamilj":{"id":"BOB","beskrivning":"Bostadsbidrag"},"datum":"2026-02-25","nettobelopp":{"summa":1850.5,"valuta":"SEK"}},
        {"formansfamilj":{"id":"XYZ","beskrivning":"Något nytt"},"datum":"2026-02-26","nettobelopp":{"summa":10}}],
        "preliminarautbetalningar":[{"formansfamilj":{"beskrivning":"Bostadsbidrag"},"datum":"2026-03-25","nettobelopp":{"summa":1850}}]},
      "utbetalningar":[{"utbetalningsdatum":"2026-02-18","nettobelopp":2104}]}`);
    expect(problems).toEqual([]);
    expect(answer.agencyErrors).toEqual([]);
    expect(answer.payments).toEqual([
      { agency: 'FK', benefit: 'PM', paidOn: '2026-02-18', net: '2104' },
      { agency: 'FK', benefit: 'Allmänt barnbidrag', paidOn: '2026-02-20', net: '1250' },
      { agency: 'FK', benefit: 'Bostadsbidrag', paidOn: '2026-02-25', net: '1850.5' },
      { agency: 'FK', benefit: 'Något nytt', paidOn: '2026-02-26', net: '10' },
    ]);
  });

  it.each([
    ['a utlämnare not OK', `{"utlamnare":[{"utlamnare":{"kod":"FK"},"tillstand":{"kod":"FELANDE"}}]}`],
    ['no FK utlämnare at all', `{"utlamnare":[]}`],
    ['an avvikelse', `{${OK_UTLAMNARE},"avvikelser":{"utbetalningar":[{"avvikelse":{"kod":"INTERNT_FEL"}}]}}`],
    ['a negative amount', `{${OK_UTLAMNARE},"formansinformation":{"utbetalningsuppgift":[{"formansfamilj":{"beskrivning":"Bostadsbidrag"},"datum":"2026-02-25","nettobelopp":{"summa":-5}}]}}`],
    ['an amount in another currency', `{${OK_UTLAMNARE},"formansinformation":{"utbetalningsuppgift":[{"formansfamilj":{"beskrivning":"Bostadsbidrag"},"datum":"2026-02-25","nettobelopp":{"summa":5,"valuta":"EUR"}}]}}`],
    ['a month instead of a date', `{${OK_UTLAMNARE},"formansinformation":{"utbetalningsuppgift":[{"formansfamilj":{"beskrivning":"Bostadsbidrag"},"datum":"2026-02","nettobelopp":{"summa":5}}]}}`],
    ['another person', `{${OK_UTLAMNARE},"formansinformation":{"generellPersoninformation":[{"personnummer":"${OTHER}"}]}}`],
    ['not JSON', '{"utlamnare":['],
  ])('marks FK as errored on %s, with no payments', (_what, lefi) => {
    const { answer, problems } = fk(lefi);
    expect(answer.agencyErrors).toEqual(['FK']);
    expect(answer.payments).toEqual([]);
    expect(problems[0]?.problem).not.toContain(PN);
  });

  it('marks FK as errored when lefiJsonSvar is not base64', () => {
    expect(parseOnly('FK', '<x:data><x:lefiJsonSvar>@@@</x:lefiJsonSvar></x:data>').answer.agencyErrors).toEqual(['FK']);
  });
});

describe('CSN (base64 CSNSvar)', () => {
  const csn = (resultat: string, person: string, plan: string) =>
    parseOnly(
      'CSN',
      `<x:data><x:svar>${b64(`<CSNSvar schemaVersion="4.0" xmlns="http://schema.csn.se/v4.0/kommunfraga" xmlns:p="http://schema.csn.se/v4.0/person" xmlns:t="http://schema.csn.se/v4.0/csntyper" xmlns:s="http://schema.csn.se/v4.0/studiemedel">
        <GemensamtSvarEkbistand><Resultat><ResultatKod>${resultat}</ResultatKod><ResultatText>x</ResultatText></Resultat></GemensamtSvarEkbistand>
        <GemensamtFragaEkbistand/>
        <Personer><Person personnummer="${person}" sekel="19">
          <p:Studiestodstypforteckning><t:studiemedel>1</t:studiemedel></p:Studiestodstypforteckning>
          <p:Studiemedel><p:Arenden><p:Arende lopnummer="1"><s:stodform>GRUND</s:stodform><s:klartext>Studiemedel</s:klartext><s:status>BESLUTAD</s:status>
            <s:soktaTider/><s:BeviljadeTider/><s:UtbetalningsPlan>${plan}</s:UtbetalningsPlan></p:Arende></p:Arenden></p:Studiemedel>
          <p:Studiehjalp/><p:HemutrustningsLan/><p:Studiestartsstod/>
        </Person></Personer></CSNSvar>`)}</x:svar></x:data>`,
    );
  const utbetalning = (datum: string, status: string, total: string, extra?: string) =>
    `<s:Utbetalning><t:utbetdatum>${datum}</t:utbetdatum><t:utbetstatus>${status}</t:utbetstatus><t:Utbetaldatider><t:Utbetaldtid><t:Beloppen>
      <t:Belopp><t:beloppstyp>GRUNDB</t:beloppstyp><t:klartext>Bidrag</t:klartext><t:belopp>1</t:belopp><t:totbelopp>1</t:totbelopp></t:Belopp>
      ${extra ? `<t:Belopp><t:beloppstyp>EXTRA</t:beloppstyp><t:klartext>Extra tillägg</t:klartext><t:belopp>${extra}</t:belopp><t:totbelopp>${extra}</t:totbelopp></t:Belopp>` : ''}
      </t:Beloppen><t:totbelopp>${total}</t:totbelopp></t:Utbetaldtid></t:Utbetaldatider><t:totbelopp>${total}</t:totbelopp></s:Utbetalning>`;

  it('reads paid studiemedel, splits out extra tillägg and skips planned payments', () => {
    const { answer } = csn('0', PN.slice(2), utbetalning('20260225', 'Utbetald', '11536', '1084') + utbetalning('20260325', 'Planerad', '10452'));
    expect(answer.agencyErrors).toEqual([]);
    expect(answer.payments).toEqual([
      { agency: 'CSN', benefit: 'Extra tillägg', paidOn: '2026-02-25', net: '1084' },
      { agency: 'CSN', benefit: 'Studiemedel', paidOn: '2026-02-25', net: '10452' },
    ]);
  });
  it('accepts a person with no hits', () => {
    expect(csn('0', PN.slice(2), '').answer).toMatchObject({ agencyErrors: [], payments: [] });
  });
  it.each([
    ['a result code other than 0', csn('1', PN.slice(2), '')],
    ['another person', csn('0', OTHER.slice(2), '')],
    ['a negative total', csn('0', PN.slice(2), utbetalning('20260225', 'Utbetald', '-100'))],
    ['an unknown payment status', csn('0', PN.slice(2), utbetalning('20260225', 'Makulerad', '100'))],
    ['a bad date', csn('0', PN.slice(2), utbetalning('20261325', 'Utbetald', '100'))],
  ])('marks CSN as errored on %s', (_what, result) => {
    expect(result.answer.agencyErrors).toEqual(['CSN']);
    expect(result.answer.payments).toEqual([]);
  });
});

describe('SO (a-kassorna)', () => {
  const so = (status: string, payments: string, id = PN) =>
    parseOnly(
      'SO',
      `<x:data><in:OrganisationsnummerIngivare>162120001165</in:OrganisationsnummerIngivare><in:IdentificationNumber>${id}</in:IdentificationNumber>
        <in:ArbetsloshetsersattningLista><in:Arbetsloshetsersattning><in:SvarandeOrganisation>Testkassan</in:SvarandeOrganisation>
        <in:StatusSvarandeOrganisation>${status}</in:StatusSvarandeOrganisation>${payments}</in:Arbetsloshetsersattning></in:ArbetsloshetsersattningLista></x:data>`,
    );
  const pay = (date: string, net: string) =>
    `<in:Utbetalningar><in:Utbetalningsdatum>${date}</in:Utbetalningsdatum><in:NettoEfterSkatt>${net}</in:NettoEfterSkatt><in:NettoEfterAvdrag>1</in:NettoEfterAvdrag></in:Utbetalningar>`;

  it('reads NettoEfterSkatt as Arbetslöshetsersättning, comma or point', () => {
    const { answer } = so('all clear', pay('2026-02-09+01:00', '4225,50') + pay('2026-02-23', '1250.50'));
    expect(answer.payments).toEqual([
      { agency: 'SO', benefit: 'Arbetslöshetsersättning', paidOn: '2026-02-09', net: '4225.50' },
      { agency: 'SO', benefit: 'Arbetslöshetsersättning', paidOn: '2026-02-23', net: '1250.50' },
    ]);
    expect(answer.agencyErrors).toEqual([]);
  });
  it.each([
    ['a negative amount', so('all clear', pay('2026-02-23', '-100'))],
    ['an unparsable amount', so('all clear', pay('2026-02-23', '1 250'))],
    ['a status we do not know', so('tekniskt fel', '')],
    ['another person', so('all clear', '', OTHER)],
  ])('marks SO as errored on %s', (_what, result) => {
    expect(result.answer.agencyErrors).toEqual(['SO']);
    expect(result.answer.payments).toEqual([]);
  });
  it('needs the list element', () => {
    expect(parseOnly('SO', '<x:data><in:From>2026-02-01</in:From></x:data>').answer.agencyErrors).toEqual(['SO']);
  });
});

describe('AF, SKV, TNS, MIV', () => {
  const af = (code: string, wrapFraga: boolean) =>
    parseOnly(
      'AF',
      `<x:data>${wrapFraga ? '<er:Fraga><er:Referensnummer>A-1</er:Referensnummer></er:Fraga>' : ''}<er:Svar><er:Schemaversion>4.0</er:Schemaversion>
       <er:IdentitetsbeteckningFysiskPerson>${PN}</er:IdentitetsbeteckningFysiskPerson><er:StatusSokandeinformationKod>${code}</er:StatusSokandeinformationKod>
       <er:StatusSokandeinformationKodText>t</er:StatusSokandeinformationKodText></er:Svar></x:data>`,
    );
  it('AF: status 0 is a clean answer without payments, other codes are errors', () => {
    expect(af('0', true).answer).toMatchObject({ agencyErrors: [], payments: [] });
    expect(af('0', false).answer.agencyErrors).toEqual([]);
    expect(af('3', true).answer.agencyErrors).toEqual(['AF']);
  });
  it('SKV: a well-formed svar passes, a missing one is an error', () => {
    const inner = '<![CDATA[<?xml version="1.0"?><Svar xmlns="urn:x"><Personuppgift/></Svar>]]>';
    expect(parseOnly('SKV', `<x:data><svar>${inner}</svar></x:data>`).answer.agencyErrors).toEqual([]);
    expect(parseOnly('SKV', '<x:data/>').answer.agencyErrors).toEqual(['SKV']);
  });
  it('TNS: vehicles without registration numbers; FEL is an error', () => {
    const { answer } = parseOnly(
      'TNS',
      `<x:data><t:resultat>OK</t:resultat><t:fordonsinnehav><f:fordon><f:regnr>TST999</f:regnr><f:fabrikat>SAAB</f:fabrikat>
       <f:fordonsar>2004</f:fordonsar><f:fordonsslag>PERSONBIL</f:fordonsslag><f:handelsbeteckning>9-5</f:handelsbeteckning></f:fordon></t:fordonsinnehav></x:data>`,
    );
    expect(answer.vehicles).toEqual([{ fordonsslag: 'PERSONBIL', fordonsar: '2004', fabrikat: 'SAAB' }]);
    expect(JSON.stringify(answer)).not.toContain('TST999');
    const fel = parseOnly('TNS', '<x:data><t:resultat>FEL</t:resultat><t:felresultat><t:felkod>1</t:felkod><t:feltext>x</t:feltext></t:felresultat></x:data>');
    expect(fel.answer.agencyErrors).toEqual(['TNS']);
  });
  it('MIV: checked for the person, nothing taken', () => {
    const miv = (pn: string) => parseOnly('MIV', `<x:data><response><correlationid>1</correlationid><personnummer>${pn}</personnummer></response></x:data>`);
    expect(miv(PN).answer.agencyErrors).toEqual([]);
    expect(miv(OTHER).answer.agencyErrors).toEqual(['MIV']);
  });
});

describe('the SSBT envelope', () => {
  it("turns each agency's error element into agencyErrors and keeps register text out", () => {
    const error = (kalla: string) =>
      `<x:error><x:kalla>${kalla}</x:kalla><x:felkod>E42</x:felkod><x:felmeddelande>Inget svar om ${PN}</x:felmeddelande></x:error>`;
    const { answer, problems } = parseSsbtekResponse(reply(`<x:CSN>${error('BT')}</x:CSN><x:TNS>${error('SSBT')}</x:TNS>`), {
      personalNumber: PN,
      agencies: ['CSN', 'TNS'],
    });
    expect(answer.agencyErrors).toEqual(['CSN', 'TNS']);
    expect(problems.map((p) => p.problem)).toEqual(['fel från bastjänsten (felkod E42)', 'fel från SSBTEK (felkod E42)']);
    expect(JSON.stringify(problems)).not.toContain(PN);
  });
  it('counts an asked agency that did not answer as errored, and ignores unasked ones', () => {
    const { answer } = parseSsbtekResponse(reply(''), { personalNumber: PN, agencies: ['FK', 'MIV'] });
    expect(answer.agencyErrors).toEqual(['FK', 'MIV']);
    expect(parseSsbtekResponse(reply(''), { personalNumber: PN, agencies: [] }).answer.agencyErrors).toEqual([]);
  });
  it('refuses what is not an SSBTEK answer', () => {
    expect(() => parseSsbtekResponse('<html>oops', { personalNumber: PN })).toThrow(SsbtekResponseError);
    expect(() => parseSsbtekResponse('<a/>', { personalNumber: PN })).toThrow(SsbtekResponseError);
  });
  it('reads SOAP faults and who is to blame', () => {
    const fault = (code: string) =>
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:${code}</faultcode><faultstring>om ${PN}</faultstring>
       <detail><f:hamtaBastjanstInformationFault xmlns:f="http://schema.forsakringskassan.se/integration/ssbt/10"><f:felkod>${PN}</f:felkod><f:felmeddelande>x</f:felmeddelande></f:hamtaBastjanstInformationFault></detail></s:Fault></s:Body></s:Envelope>`;
    expect(readSoapFault(fault('Server'))).toEqual({ kind: 'server', faultcode: 'Server', felkod: '(dold)' });
    expect(readSoapFault(fault('Client.Auth'))?.kind).toBe('client');
    expect(readSoapFault(fault('VersionMismatch'))?.kind).toBe('client');
    expect(readSoapFault(reply(''))).toBeNull();
    expect(readSoapFault('not xml')).toBeNull();
  });
});
