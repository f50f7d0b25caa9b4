import { AGENCIES, type Agency } from '../../domain/snapshot.js';
import { isIsoDate } from '../../domain/dates.js';
import { buildLefiQuestion, LEFI_VERSION } from './lefi.js';
import { escapeXml } from './xml.js';

/**
 * The SOAP 1.1 request hamtaBastjanstInformation of SSBTEK v10 (Sammansatt_Bastjanst_v10.wsdl,
 * document/literal; element order as in sammansatt_bastjanst_v10.xsd).
 */
export const SSBT_NS = 'http://schema.forsakringskassan.se/integration/ssbt/10';
export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * The purpose and legal ground every look-up states (the registers log them; the XSD asks for
 * the rule that lets the agencies disclose). A look-up is made now, so under SoL (2025:400), read
 * in the statute text: 15 kap. 10 § gives the nämnd its right to information from CSN,
 * Försäkringskassan, Pensionsmyndigheten and the arbetslöshetskassor (it replaced SoL 2001:453
 * 11 kap. 11 §), 11 § the same from Arbetsförmedlingen, and 12 § (SFS 2025:942, from
 * 2025-12-01) from Skatteverket; the request asks all of them. Förordningen (2008:975) 7 § is
 * the earlier reference, kept for the agencies the law does not name (Transportstyrelsen,
 * Migrationsverket) and not checked against the förordning's current text.
 */
export const DEFAULT_SYFTE = 'Handläggning av ansökan om ekonomiskt bistånd';
export const DEFAULT_LAGTEXT = '15 kap. 10–12 §§ socialtjänstlagen (2025:400); 7 § förordningen (2008:975)';

export interface Ingivare {
  /** The municipality's organisationsnummer, 12 digits as the XSD wants it (e.g. 162120001234). */
  organisationsnummer: string;
  /** The municipality's name, e.g. "Trelleborgs kommun". */
  namn: string;
  /** The robot's own account name: the registers see the robot, not a caseworker. */
  handlaggare: string;
}

export interface SsbtekQuery {
  caseId: string;
  personalNumber: string;
  period: { from: string; tom: string };
  /** Agencies to ask; default all seven. */
  agencies?: readonly Agency[];
}

export interface RequestSettings {
  ingivare: Ingivare;
  /** LEFI's aktörsid for the municipality (FK's question needs it). */
  fkAktorsId: string;
  syfte?: string;
  lagtext?: string;
}

const ORGANISATIONSNUMMER = /^\d{4}[2-9]\d{7}$/;
const PERSONIDENTITET = /^\d{12}$/;

/**
 * Checks the parts the XSD constrains before anything is sent, so that a bad configuration
 * is a clear local error rather than a SOAP fault. Messages name fields, never values.
 */
export function checkQuery(settings: RequestSettings, query: SsbtekQuery): void {
  if (!ORGANISATIONSNUMMER.test(settings.ingivare.organisationsnummer)) {
    throw new Error('ssbtek: ingivare.organisationsnummer ska vara 12 siffror (SSBTEK:s format)');
  }
  if (!settings.ingivare.namn.trim() || !settings.ingivare.handlaggare.trim()) {
    throw new Error('ssbtek: ingivare.namn och ingivare.handlaggare får inte vara tomma');
  }
  if (!PERSONIDENTITET.test(query.personalNumber)) {
    throw new Error('ssbtek: personnumret ska vara normaliserat till 12 siffror');
  }
  if (!query.caseId.trim()) throw new Error('ssbtek: ärende-id saknas');
  if (!isIsoDate(query.period.from) || !isIsoDate(query.period.tom) || query.period.from > query.period.tom) {
    throw new Error('ssbtek: perioden ska vara två datum ÅÅÅÅ-MM-DD, from före tom');
  }
}

function el(name: string, value: string): string {
  return `<ssbt:${name}>${escapeXml(value)}</ssbt:${name}>`;
}

/** The hamtaBastjanstInformation element alone (what the XSD validates). */
export function buildRequestBody(settings: RequestSettings, query: SsbtekQuery): string {
  checkQuery(settings, query);
  const asked = new Set<Agency>(query.agencies ?? AGENCIES);
  const { from, tom } = query.period;
  const inkludera = (agency: Agency) => `inkludera="${asked.has(agency)}"`;

  // FK's LEFI question repeats the person and period in its own JSON dialect.
  const lefi = Buffer.from(JSON.stringify(buildLefiQuestion(query.personalNumber, { from, tom })), 'utf8').toString('base64');
  const fk = asked.has('FK')
    ? `<ssbt:FK ${inkludera('FK')}><ssbt:fraga>${el('version', LEFI_VERSION)}${el('aktorsid', settings.fkAktorsId)}${el('lefiJsonFraga', lefi)}</ssbt:fraga></ssbt:FK>`
    : `<ssbt:FK ${inkludera('FK')}/>`;

  return (
    `<ssbt:hamtaBastjanstInformation xmlns:ssbt="${SSBT_NS}">` +
    '<ssbt:generellaFrageparametrar>' +
    el('fraganSkallInkluderasISvaret', 'false') +
    '<ssbt:ingivare>' +
    el('organisationsnummer', settings.ingivare.organisationsnummer) +
    el('namn', settings.ingivare.namn) +
    el('handlaggare', settings.ingivare.handlaggare) +
    '</ssbt:ingivare>' +
    el('personidentitet', query.personalNumber) +
    el('arendeidentitet', query.caseId) +
    `<ssbt:tidsperiod>${el('fromDatum', from)}${el('tomDatum', tom)}</ssbt:tidsperiod>` +
    el('syfte', settings.syfte ?? DEFAULT_SYFTE) +
    el('lagtext', settings.lagtext ?? DEFAULT_LAGTEXT) +
    '</ssbt:generellaFrageparametrar>' +
    '<ssbt:specifikaFrageparametrar>' +
    // XSD order: AF, CSN, FK, SKV, SO, TNS, MIV. The general period applies to all.
    `<ssbt:AF ${inkludera('AF')}/>` +
    `<ssbt:CSN ${inkludera('CSN')}/>` +
    fk +
    `<ssbt:SKV ${inkludera('SKV')}/>` +
    `<ssbt:SO ${inkludera('SO')}/>` +
    `<ssbt:TNS ${inkludera('TNS')}/>` +
    `<ssbt:MIV ${inkludera('MIV')}/>` +
    '</ssbt:specifikaFrageparametrar>' +
    '</ssbt:hamtaBastjanstInformation>'
  );
}

export function soapEnvelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_NS}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** The whole SOAP 1.1 envelope to POST (SOAPAction "" per the WSDL binding). */
export function buildRequest(settings: RequestSettings, query: SsbtekQuery): string {
  return soapEnvelope(buildRequestBody(settings, query));
}
