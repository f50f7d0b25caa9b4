import { randomUUID } from 'node:crypto';
import { Decimal } from '../domain/money.js';
import type { Agency } from '../domain/snapshot.js';
import { SOAP_NS, SSBT_NS } from '../registers/ssbtek/request.js';
import { escapeXml } from '../registers/ssbtek/xml.js';
import type { AgencyFixture, SsbtekFixture } from './ssbtekFixtures.js';

/**
 * Replies of the SSBTEK simulator in the real v10 shapes: the SSBT envelope from
 * sammansatt_bastjanst_v10.xsd, and inside it each agency's own format (FK: base64 LEFI v9
 * JSON; CSN: base64 CSNSvar XML; SO: UBP INT014; AF: ersättningsstöd v2; SKV: beskattning
 * string; TNS: HamtaUppgifter; MIV: findByPersonnummerResponse).
 */

const AF_NS = 'http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2';
const SO_NS = 'http://INT014.UBPService.Schemas';
const TNS_NS = 'http://schema.transportstyrelsen.se/ssbtek/hamtauppgifterresponder/1';
const FORDON_NS = 'http://schema.transportstyrelsen.se/ssbtek/fordon/1';
const CSN = {
  kommunfraga: 'http://schema.csn.se/v4.0/kommunfraga',
  person: 'http://schema.csn.se/v4.0/person',
  typer: 'http://schema.csn.se/v4.0/csntyper',
  studiemedel: 'http://schema.csn.se/v4.0/studiemedel',
  studiehjalp: 'http://schema.csn.se/v4.0/studiehjalp',
  hemutrustningslan: 'http://schema.csn.se/v4.0/hemutrustningslan',
  studiestartsstod: 'http://schema.csn.se/v4.0/studiestartsstod',
  omstallningsstudiestod: 'http://schema.csn.se/v4.0/omstallningsstudiestod',
};

/** What the simulator read from the request, as the reply needs it. */
export interface AskedQuestion {
  personalNumber: string;
  caseId: string;
  ingivare: { organisationsnummer: string; namn: string; handlaggare: string };
  syfte: string;
  lagtext: string;
  /** Per agency asked: the period that applies to it (its own tidsperiod, or the general one). */
  agencies: Map<Agency, { from: string; tom: string }>;
  /** FK's LEFI question could not be read: FK answers with an error, as SSBT would. */
  fkQuestionProblem?: string;
}

const e = (prefix: string, name: string, value: string) => `<${prefix}:${name}>${escapeXml(value)}</${prefix}:${name}>`;
const u = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;

function inPeriod(fixture: AgencyFixture | undefined, period: { from: string; tom: string }) {
  return (fixture?.payments ?? []).filter((p) => p.paidOn >= period.from && p.paidOn <= period.tom);
}

function errorElement(error: NonNullable<AgencyFixture['error']> | 'forced', felkod?: string): string {
  const detail = error === true || error === 'forced' ? { kalla: 'BT', felkod: felkod ?? 'TEKNISKT_FEL', felmeddelande: 'Bastjänsten kunde inte besvara frågan' } : error;
  return `<ssbt:error>${e('ssbt', 'kalla', detail.kalla)}${e('ssbt', 'felkod', detail.felkod)}${e('ssbt', 'felmeddelande', detail.felmeddelande)}</ssbt:error>`;
}

// ----- FK: LEFI v9 JSON ------------------------------------------------------------------

const FK_FAMILY_IDS: Record<string, string> = {
  'Allmänt barnbidrag': 'ABB',
  Flerbarnstillägg: 'ABB',
  Bostadsbidrag: 'BOB',
  Underhållsstöd: 'US',
  Sjukpenning: 'SJP',
  Föräldrapenning: 'FP',
  Aktivitetsstöd: 'AS',
  Utvecklingsersättning: 'AS',
  Etableringsersättning: 'ET',
  Handikappersättning: 'HE',
  Merkostnadsersättning: 'MEK',
};

/** LEFI amounts are JSON numbers; a fixture's text is written as the literal itself. */
const NUMBER = /^-?\d+(\.\d+)?$/;
const numberToken = (text: string) => (NUMBER.test(text) ? `@@num:${text}@@` : text);

function lefiJson(question: AskedQuestion, fixture: AgencyFixture | undefined): string {
  const period = question.agencies.get('FK') as { from: string; tom: string };
  const status = fixture?.status ?? 'OK';
  const tillstand = status === 'AVVIKELSE' ? 'OK' : status;
  const payments = inPeriod(fixture, period);
  const belopp = (summa: string) => ({ summa: numberToken(summa), valuta: 'SEK' });
  const answer = {
    utlamnare: [
      { utlamnare: { kod: 'FK', namn: 'Försäkringskassan' }, tillstand: { kod: tillstand, beskrivning: tillstand === 'OK' ? 'Tillgänglig' : 'Ej tillgänglig' } },
      { utlamnare: { kod: 'PM', namn: 'Pensionsmyndigheten' }, tillstand: { kod: 'OK', beskrivning: 'Tillgänglig' } },
    ],
    avvikelser:
      status === 'AVVIKELSE'
        ? { utbetalningar: [{ avvikelse: { kod: 'INTERNT_FEL', beskrivning: 'Delsystemet svarade inte' }, formansgrupp: { kod: 'FK:BOB', beskrivning: 'Bostadsbidrag' } }] }
        : {},
    formansinformation: {
      utbetalningsuppgift: payments
        .filter((p) => p.benefit !== 'PM')
        .map((p) => ({
          typ: { id: 1, beskrivning: 'Månad' },
          foretag: { id: 1001, beskrivning: 'Försäkringskassan' },
          formansfamilj: { id: FK_FAMILY_IDS[p.benefit] ?? 'OVR', beskrivning: p.benefit },
          datum: p.paidOn,
          period: { fran: `${p.paidOn.slice(0, 7)}-01`, till: p.paidOn },
          bruttobelopp: belopp(p.net),
          skattebelopp: belopp('0'),
          avdragsbelopp: belopp('0'),
          nettobelopp: belopp(p.net),
        })),
    },
    utbetalningar: payments
      .filter((p) => p.benefit === 'PM')
      .map((p) => ({
        utbetalningsdatum: p.paidOn,
        utbetalningsperiod: { from: `${p.paidOn.slice(0, 7)}-01`, tom: p.paidOn },
        bruttobelopp: numberToken(p.net),
        nettobelopp: numberToken(p.net),
      })),
  };
  return JSON.stringify(answer).replace(/"@@num:(-?\d+(?:\.\d+)?)@@"/g, '$1');
}

function fkData(question: AskedQuestion, fixture: AgencyFixture | undefined): string {
  const base64 = Buffer.from(lefiJson(question, fixture), 'utf8').toString('base64');
  return `<ssbt:data>${e('ssbt', 'lefiJsonSvar', base64)}</ssbt:data>`;
}

// ----- CSN: CSNSvar XML --------------------------------------------------------------------

/** benefit -> [Person's container, its namespace key, beloppstyp, stodform, klartext] */
const CSN_FORMS: Record<string, [string, keyof typeof CSN, string, string, string]> = {
  Studiemedel: ['Studiemedel', 'studiemedel', 'GRUNDB', 'GRUND', 'Studiemedel för studier i Sverige'],
  'Extra tillägg': ['Studiemedel', 'studiemedel', 'EXTRA', 'GRUND', 'Studiemedel för studier i Sverige'],
  Studiehjälp: ['Studiehjalp', 'studiehjalp', 'STUDB', 'SH', 'Studiehjälp'],
  Hemutrustningslån: ['HemutrustningsLan', 'hemutrustningslan', 'HUT', 'HUT', 'Hemutrustningslån'],
  Studiestartsstöd: ['Studiestartsstod', 'studiestartsstod', 'STÖDB', 'SSSTÖD', 'Studiestartsstöd'],
  Omställningsstudiestöd: ['Omstallningsstudiestod', 'omstallningsstudiestod', 'OSSBID', 'OSS', 'Omställningsstudiestöd'],
};
const CSN_CONTAINERS = ['Studiemedel', 'Studiehjalp', 'HemutrustningsLan', 'Studiestartsstod', 'Omstallningsstudiestod'];

function total(amounts: string[]): string {
  try {
    return amounts.reduce((sum, a) => sum.plus(new Decimal(a)), new Decimal(0)).toString();
  } catch {
    return amounts[0] ?? '0'; // a fixture's bad amount goes out as written
  }
}

function csnXml(question: AskedQuestion, fixture: AgencyFixture | undefined): string {
  const period = question.agencies.get('CSN') as { from: string; tom: string };
  const payments = inPeriod(fixture, period).filter((p) => CSN_FORMS[p.benefit]);
  const t = (name: string, value: string) => e('t', name, value);
  const containers = CSN_CONTAINERS.map((container) => {
    const mine = payments.filter((p) => CSN_FORMS[p.benefit]?.[0] === container);
    if (mine.length === 0) return `<p:${container}/>`;
    const [, nsKey, , stodform, klartext] = CSN_FORMS[mine[0]!.benefit]!;
    const a = (name: string, value: string) => e('a', name, value);
    const dates = [...new Set(mine.map((p) => p.paidOn))].sort();
    const utbetalningar = dates.map((date) => {
      const rows = mine.filter((p) => p.paidOn === date);
      const belopp = rows
        .map((p) => {
          const [, , beloppstyp, , text] = CSN_FORMS[p.benefit]!;
          return `<t:Belopp>${t('beloppstyp', beloppstyp)}${t('klartext', beloppstyp === 'EXTRA' ? 'Extra tillägg' : text)}${t('belopp', p.net)}${t('totbelopp', p.net)}</t:Belopp>`;
        })
        .join('');
      const sum = total(rows.map((p) => p.net));
      return (
        `<a:Utbetalning>${t('utbetdatum', date.replace(/-/g, ''))}${t('utbetstatus', 'Utbetald')}` +
        `<t:Utbetaldatider><t:Utbetaldtid><t:Beloppen>${belopp}</t:Beloppen>${t('totbelopp', sum)}</t:Utbetaldtid></t:Utbetaldatider>` +
        `${t('totbelopp', sum)}</a:Utbetalning>`
      );
    });
    return (
      `<p:${container}><p:Arenden><p:Arende lopnummer="1" xmlns:a="${CSN[nsKey]}">` +
      `${a('stodform', stodform)}${a('klartext', klartext)}${a('status', 'BESLUTAD')}` +
      `<a:soktaTider/><a:BeviljadeTider/><a:UtbetalningsPlan>${utbetalningar.join('')}</a:UtbetalningsPlan>` +
      `</p:Arende></p:Arenden></p:${container}>`
    );
  });
  const has = (container: string) => (payments.some((p) => CSN_FORMS[p.benefit]?.[0] === container) ? '1' : '0');
  const pn = question.personalNumber;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<CSNSvar schemaVersion="4.0" xmlns="${CSN.kommunfraga}" xmlns:p="${CSN.person}" xmlns:t="${CSN.typer}">` +
    `<GemensamtSvarEkbistand><Resultat><ResultatKod>${escapeXml(fixture?.status ?? '0')}</ResultatKod>` +
    `<ResultatText>Allt OK, inget att rapportera</ResultatText></Resultat></GemensamtSvarEkbistand>` +
    `<GemensamtFragaEkbistand/>` +
    `<Personer><Person personnummer="${pn.slice(2)}" Status="${payments.length > 0 ? '          ' : 'Ej träff'}" sekretess="  " sekel="${pn.slice(0, 2)}">` +
    `<p:Studiestodstypforteckning>${t('studiemedel', has('Studiemedel'))}${t('studiehjalp', has('Studiehjalp'))}` +
    `${t('hemutrustningslan', has('HemutrustningsLan'))}${t('studiestartsstod', has('Studiestartsstod'))}` +
    `${t('omstallningsstudiestod', has('Omstallningsstudiestod'))}</p:Studiestodstypforteckning>` +
    `${containers.join('')}</Person></Personer></CSNSvar>`
  );
}

function csnData(question: AskedQuestion, fixture: AgencyFixture | undefined): string {
  return `<ssbt:data>${e('ssbt', 'svar', Buffer.from(csnXml(question, fixture), 'utf8').toString('base64'))}</ssbt:data>`;
}

// ----- SO, AF, SKV, TNS, MIV ---------------------------------------------------------------

function soData(question: AskedQuestion, fixture: AgencyFixture | undefined): string {
  const period = question.agencies.get('SO') as { from: string; tom: string };
  const payments = inPeriod(fixture, period);
  const s = (name: string, value: string) => e('so', name, value);
  const kassa =
    payments.length > 0 || fixture?.status !== undefined
      ? `<so:Arbetsloshetsersattning>${s('SvarandeOrganisation', 'Sandlådans arbetslöshetskassa')}` +
        s('StatusSvarandeOrganisation', fixture?.status ?? 'all clear') +
        payments
          .map(
            (p) =>
              `<so:Utbetalningar>${s('Utbetalningsdatum', p.paidOn)}${s('NettoEfterSkatt', p.net)}${s('NettoEfterAvdrag', p.net)}` +
              `${s('Ersattningsdagar', '5')}${s('AvserFrom', `${p.paidOn.slice(0, 7)}-01`)}${s('AvserTom', p.paidOn)}</so:Utbetalningar>`,
          )
          .join('') +
        `</so:Arbetsloshetsersattning>`
      : '';
  return (
    `<ssbt:data>${s('OrganisationsnummerIngivare', question.ingivare.organisationsnummer)}${s('NamnIngivare', question.ingivare.namn)}` +
    `${s('KontonamnHandlaggare', question.ingivare.handlaggare)}${s('Referensnummer', question.caseId)}` +
    `${s('From', period.from)}${s('Tom', period.tom)}${s('Syfte', question.syfte)}${s('Paragraf', question.lagtext)}` +
    `${s('IdentificationNumber', question.personalNumber)}<so:ArbetsloshetsersattningLista>${kassa}</so:ArbetsloshetsersattningLista></ssbt:data>`
  );
}

function afData(question: AskedQuestion, fixture: AgencyFixture | undefined): string {
  const period = question.agencies.get('AF') as { from: string; tom: string };
  const a = (name: string, value: string) => e('af', name, value);
  const status = fixture?.status ?? '0';
  return (
    `<ssbt:data><af:Fraga>${a('OrganisationsnummerForIngivare', question.ingivare.organisationsnummer)}` +
    `${a('NamnPaIngivare', question.ingivare.namn)}${a('KontonamnForHandlaggare', question.ingivare.handlaggare)}` +
    `${a('Referensnummer', question.caseId)}${a('From', period.from)}${a('Tom', period.tom)}` +
    `${a('SyfteMedFraga', question.syfte)}${a('LagParagraf', question.lagtext)}` +
    `${a('IdentitetsbeteckningFysiskPerson', question.personalNumber)}</af:Fraga>` +
    `<af:Svar>${a('Schemaversion', '4.0')}${a('Referensnummer', question.caseId)}${a('LagParagraf', question.lagtext)}` +
    `${a('IdentitetsbeteckningFysiskPerson', question.personalNumber)}${a('Sekretessmarkering', 'false')}` +
    `${a('StatusSokandeinformationKod', status)}` +
    `${a('StatusSokandeinformationKodText', status === '0' ? 'Frågan har behandlats normalt och ett giltigt svar har returnerats.' : 'Frågan kunde inte behandlas.')}` +
    `</af:Svar></ssbt:data>`
  );
}

function skvData(question: AskedQuestion): string {
  const inner =
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<SvarBeskattningsuppgifterEnligtSFS2008-975 xmlns="http://xmls.skatteverket.se/se/skatteverket/zg/instans/standardiseradInformation/1.0" ` +
    `xmlns:folko="http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForFolkbokforing/1.0">` +
    `<PersonuppgiftLista><Personuppgift><folko:IdentitetsbeteckningFysiskPerson>${question.personalNumber}</folko:IdentitetsbeteckningFysiskPerson>` +
    `<StatusPersonuppgiftKod>999</StatusPersonuppgiftKod></Personuppgift></PersonuppgiftLista></SvarBeskattningsuppgifterEnligtSFS2008-975>`;
  // The SKV schema leaves local elements unqualified: <svar> has no namespace.
  return `<ssbt:data>${u('svar', inner)}</ssbt:data>`;
}

function tnsData(fixture: SsbtekFixture['agencies']['TNS']): string {
  const f = (name: string, value: string) => e('fordon', name, value);
  const resultat = fixture?.status ?? 'OK';
  const fordon = (fixture?.vehicles ?? [])
    .map(
      (v) =>
        `<fordon:fordon>${f('regnr', v.regnr)}${f('fabrikat', v.fabrikat)}${f('fordonsar', v.fordonsar)}` +
        `${f('fordonsslag', v.fordonsslag)}${f('handelsbeteckning', v.handelsbeteckning)}</fordon:fordon>`,
    )
    .join('');
  const fel = resultat === 'OK' ? '' : `<tns:felresultat>${e('tns', 'felkod', '1')}${e('tns', 'feltext', 'Uppgifter kunde inte hämtas')}</tns:felresultat>`;
  return `<ssbt:data>${e('tns', 'resultat', resultat)}${resultat === 'OK' ? `<tns:fordonsinnehav>${fordon}</tns:fordonsinnehav>` : ''}${fel}</ssbt:data>`;
}

function mivData(question: AskedQuestion): string {
  const id = randomUUID();
  // findByPersonnummerResponse's local elements are unqualified, as in Migrationsverket's schema.
  return `<ssbt:data><response>${u('korrelationsid', id)}${u('correlationid', id)}${u('personnummer', question.personalNumber)}<svarCollection/></response></ssbt:data>`;
}

// ----- The envelope ------------------------------------------------------------------------

const ORDER: readonly Agency[] = ['AF', 'CSN', 'FK', 'SKV', 'SO', 'TNS', 'MIV'];

/** The hamtaBastjanstInformationResponse element alone (what the XSD validates). */
export function buildResponseBody(question: AskedQuestion, fixture: SsbtekFixture | undefined, forcedErrors: ReadonlySet<Agency>): string {
  const agencies = fixture?.agencies ?? {};
  const parts = ORDER.filter((agency) => question.agencies.has(agency)).map((agency) => {
    const own = agencies[agency];
    let inner: string;
    if (forcedErrors.has(agency)) inner = errorElement('forced');
    else if (own?.error !== undefined) inner = errorElement(own.error);
    else if (agency === 'FK' && question.fkQuestionProblem) inner = errorElement('forced', question.fkQuestionProblem);
    else {
      switch (agency) {
        case 'FK': inner = fkData(question, own); break;
        case 'CSN': inner = csnData(question, own); break;
        case 'SO': inner = soData(question, own); break;
        case 'AF': inner = afData(question, own); break;
        case 'SKV': inner = skvData(question); break;
        case 'TNS': inner = tnsData(agencies.TNS); break;
        case 'MIV': inner = mivData(question); break;
      }
    }
    return `<ssbt:${agency}>${inner}</ssbt:${agency}>`;
  });
  return (
    `<ssbt:hamtaBastjanstInformationResponse xmlns:ssbt="${SSBT_NS}" xmlns:af="${AF_NS}" xmlns:so="${SO_NS}" ` +
    `xmlns:tns="${TNS_NS}" xmlns:fordon="${FORDON_NS}"><ssbt:svarsdata>${parts.join('')}</ssbt:svarsdata></ssbt:hamtaBastjanstInformationResponse>`
  );
}

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_NS}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** A SOAP 1.1 Fault with SSBT's hamtaBastjanstInformationFault as detail. */
export function faultBody(kind: 'server' | 'client', felkod: string, message: string): string {
  return (
    `<soap:Fault><faultcode>soap:${kind === 'server' ? 'Server' : 'Client'}</faultcode><faultstring>${escapeXml(message)}</faultstring>` +
    `<detail><ssbt:hamtaBastjanstInformationFault xmlns:ssbt="${SSBT_NS}">${e('ssbt', 'felkod', felkod)}${e('ssbt', 'felmeddelande', message)}` +
    `</ssbt:hamtaBastjanstInformationFault></detail></soap:Fault>`
  );
}
