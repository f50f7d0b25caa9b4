import { RobotError } from '../../domain/errors.js';
import { AGENCIES, type Agency, type SsbtekAnswer } from '../../domain/snapshot.js';
import { readCsn } from './csn.js';
import { readFk } from './lefi.js';
import { readAf, readMiv, readSkv, readSo, readTns } from './readers.js';
import { safeCode, type AgencyReader, type Payment } from './reading.js';
import { child, children, parseXml, path, text, type XmlNode } from './xml.js';

/**
 * From a SOAP reply of hamtaBastjanstInformation to the snapshot's SsbtekAnswer. Each agency
 * stands alone: one that answered with `error`, answered nothing, or answered something we
 * cannot read with certainty is listed in agencyErrors and contributes no payments, so the
 * case goes to a caseworker (REGISTER_INCOMPLETE) instead of a guess.
 */

/** Why an agency counts as errored, in our words: safe for logs and the audit trail. */
export interface AgencyProblem {
  agency: Agency;
  problem: string;
}

export interface SsbtekParseResult {
  answer: SsbtekAnswer;
  problems: AgencyProblem[];
}

/** The reply is not an SSBTEK answer at all (not XML, no envelope, a fault): a system error. */
export class SsbtekResponseError extends RobotError {
  readonly kind = 'system' as const;
  override name = 'SsbtekResponseError';
}

export interface SoapFault {
  /** SOAP 1.1: a Server fault may pass if tried again; Client (and the rest) will not. */
  kind: 'server' | 'client';
  faultcode: string;
  /** hamtaBastjanstInformationFault/felkod, when given. */
  felkod: string;
}

const READERS: Record<Agency, AgencyReader> = {
  FK: readFk,
  CSN: readCsn,
  SO: readSo,
  AF: readAf,
  SKV: readSkv,
  TNS: readTns,
  MIV: readMiv,
};

/** The SOAP Fault in a reply, or null when there is none (or the reply is not XML). */
export function readSoapFault(xml: string): SoapFault | null {
  return soapFaultOf(parseXml(xml));
}

/** The SOAP Fault in a parsed reply (parseXml), or null when there is none or it was not XML. */
export function soapFaultOf(doc: XmlNode | null): SoapFault | null {
  const fault = path(doc, 'Envelope', 'Body', 'Fault');
  if (fault === undefined) return null;
  const code = text(child(fault, 'faultcode'))?.trim() ?? '';
  const local = code.slice(code.lastIndexOf(':') + 1);
  const felkod = text(path(fault, 'detail', 'hamtaBastjanstInformationFault', 'felkod'));
  return {
    kind: local === 'Server' || local.startsWith('Server.') ? 'server' : 'client',
    faultcode: safeCode(local),
    felkod: safeCode(felkod),
  };
}

export interface ParseOptions {
  /** The person asked about (12 digits); the answer is checked against it. */
  personalNumber: string;
  /** The agencies asked; one of them missing from the reply is an agency error. */
  agencies?: readonly Agency[];
}

export function parseSsbtekResponse(xml: string, options: ParseOptions): SsbtekParseResult {
  return ssbtekAnswerOf(parseXml(xml), options);
}

/**
 * The answer in a parsed reply (parseXml; null when the reply was not well-formed), so a
 * client that first looked for a SOAP Fault reads the document once.
 * @throws SsbtekResponseError when it is not an SSBTEK answer.
 */
export function ssbtekAnswerOf(doc: XmlNode | null, options: ParseOptions): SsbtekParseResult {
  if (doc === null) throw new SsbtekResponseError('SSBTEK-svaret är inte välformad XML');
  const body = path(doc, 'Envelope', 'Body');
  if (body === undefined) throw new SsbtekResponseError('SSBTEK-svaret saknar SOAP Envelope/Body');
  if (child(body, 'Fault') !== undefined) throw new SsbtekResponseError('SSBTEK svarade med en SOAP Fault');
  const response = child(body, 'hamtaBastjanstInformationResponse');
  if (children(response, 'svarsdata').length === 0) {
    throw new SsbtekResponseError('SSBTEK-svaret saknar hamtaBastjanstInformationResponse/svarsdata');
  }
  const svarsdata = child(response, 'svarsdata');

  const asked = new Set<Agency>(options.agencies ?? AGENCIES);
  const problems: AgencyProblem[] = [];
  const payments: Payment[] = [];
  const vehicles: unknown[] = [];
  for (const agency of AGENCIES) {
    if (!asked.has(agency)) continue;
    const problem = readAgency(agency, child(svarsdata, agency), options.personalNumber, payments, vehicles);
    if (problem) problems.push({ agency, problem });
  }
  payments.sort((a, b) => AGENCIES.indexOf(a.agency) - AGENCIES.indexOf(b.agency) || a.paidOn.localeCompare(b.paidOn));
  return {
    answer: {
      personalNumber: options.personalNumber,
      status: 'answered',
      agencyErrors: problems.map((p) => p.agency),
      payments,
      vehicles,
    },
    problems,
  };
}

function readAgency(
  agency: Agency,
  node: unknown,
  personalNumber: string,
  payments: Payment[],
  vehicles: unknown[],
): string | null {
  if (node === undefined) return 'svar saknas fast myndigheten efterfrågades';
  const error = child(node, 'error');
  if (error !== undefined) {
    // felmeddelande is free text from the register and may name the person: not kept.
    const kalla = safeCode(text(child(error, 'kalla')));
    return `fel från ${kalla === 'BT' ? 'bastjänsten' : 'SSBTEK'} (felkod ${safeCode(text(child(error, 'felkod')))})`;
  }
  const data = child(node, 'data');
  if (data === undefined) return 'varken data eller error i svaret';
  const reading = READERS[agency](data, personalNumber, agency);
  if (!reading.ok) return reading.problem;
  payments.push(...reading.payments);
  vehicles.push(...reading.vehicles);
  return null;
}
