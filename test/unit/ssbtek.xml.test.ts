import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AGENCIES } from '../../src/domain/snapshot.js';
import { buildRequest } from '../../src/registers/ssbtek/request.js';
import { parseXml, type XmlElement } from '../../src/registers/ssbtek/xml.js';
import { generateHouseholds } from '../../src/sandbox/generate.js';
import { readQuestion } from '../../src/sandbox/ssbtek.js';
import { loadFixtures } from '../../src/sandbox/ssbtekFixtures.js';
import { buildResponseBody } from '../../src/sandbox/ssbtekReplies.js';

/**
 * The robot's own XML reader (xmlScan.ts) against fast-xml-parser, which it replaced on the hot
 * path: on every real document at hand (the SSBTEK reference samples and contract, the
 * project's fixtures, the documents inside them and the simulator's replies) both give the
 * same shape; where they differ the reader is the stricter one, as XML 1.0 asks.
 */
const REFERENCE = process.env['SSBTEK_REFERENCE_DIR'] ?? fileURLToPath(new URL('../../../shared/reference/ssbtek-v10/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const oracle = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const byOracle = (xml: string) => (XMLValidator.validate(xml) === true ? oracle.parse(xml) : null);

function* xmlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* xmlFiles(path);
    else if (/\.(xml|xsd|wsdl)$/.test(name)) yield path;
  }
}

/**
 * The element tree in fast-xml-parser's shape: an element is its text when it has neither
 * attributes nor children, else an object with '@_' attributes, children by name (an array
 * when a name repeats) and '#text'. What the oracle gives, so the two compare whole.
 */
function plain(element: XmlElement): unknown {
  if (element.attributes === null && element.children === null) return element.text;
  const out: Record<string, unknown> = {};
  const attributes = element.attributes ?? [];
  for (let k = 0; k < attributes.length; k += 2) out[`@_${attributes[k]}`] = attributes[k + 1];
  for (const kid of element.children ?? []) {
    const value = plain(kid);
    const existing = out[kid.name];
    if (existing === undefined) out[kid.name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[kid.name] = [existing, value];
  }
  if (element.text !== '') out['#text'] = element.text;
  return out;
}
const read = (xml: string) => {
  const doc = parseXml(xml);
  return doc === null ? null : (plain(doc) as Record<string, unknown>);
};

/** The document and the XML documents carried base64 inside it (CSN's svar). */
function withInner(xml: string): string[] {
  const inner = [...xml.matchAll(/<(?:\w+:)?svar>([A-Za-z0-9+/=\s]{20,})<\//g)]
    .map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'))
    .filter((text) => text.trimStart().startsWith('<'));
  return [xml, ...inner];
}

describe('parseXml (xmlScan.ts)', () => {
  it('reads every reference and fixture document as fast-xml-parser did', () => {
    const dirs = [REFERENCE, FIXTURES].filter((dir) => existsSync(dir));
    let documents = 0;
    for (const dir of dirs) {
      for (const file of xmlFiles(dir)) {
        for (const xml of withInner(readFileSync(file, 'utf8'))) {
          documents++;
          expect(read(xml), file).toEqual(byOracle(xml));
        }
      }
    }
    expect(documents).toBeGreaterThan(0);
  });

  it("reads the simulator's replies (fixtures, generated people, agency errors) as fast-xml-parser did", async () => {
    const settings = {
      ingivare: { organisationsnummer: '162120001165', namn: 'Trelleborgs kommun', handlaggare: 'bistandsrobot' },
      fkAktorsId: 'aktor-1287',
    };
    const fixtures = [...(await loadFixtures()), ...generateHouseholds(30, 7).flatMap((h) => h.ssbtek)];
    const replies = fixtures.flatMap((fixture, i) => {
      const question = readQuestion(buildRequest(settings, { caseId: 'A-1', personalNumber: fixture.personalNumber, period: { from: '2026-02-01', tom: '2026-02-28' } }));
      return withInner(buildResponseBody(question, fixture, i % 5 === 0 ? new Set(AGENCIES.slice(0, 2)) : new Set()));
    });
    expect(replies.length).toBeGreaterThan(30);
    for (const xml of replies) expect(read(xml)).toEqual(byOracle(xml));
  });

  it('gives the shape the readers expect: text, attributes, repeats, prefixes dropped, values trimmed', () => {
    expect(read('<?xml version="1.0"?><p:a xmlns:p="urn:x" p:k=" v "><p:b> 1 </p:b><p:b>2</p:b><c/><d x="y">t</d></p:a>')).toEqual({
      a: { '@_k': 'v', b: ['1', '2'], c: '', d: { '@_x': 'y', '#text': 't' } },
    });
    expect(read('<a>&lt;&amp;&#65;&#x42;<![CDATA[<b>]]></a>')).toEqual({ a: '<&AB<b>' });
    expect(read('<a x="&quot;&apos;&gt;">1 &lt; 2 </a >')).toEqual({ a: { '@_x': `"'>`, '#text': '1 < 2' } });
    expect(read('<a>  <b/> x <c/> y </a>')).toEqual({ a: { b: '', c: '', '#text': 'x  y' } });
  });

  it.each([
    ['', 'empty'],
    ['text', 'no element'],
    ['<a>', 'unclosed'],
    ['<a></b>', 'mismatched end tag'],
    ['<a></ab>', 'end tag longer than the open name'],
    ['<a></a:b>', 'end tag with a prefix the open name lacks'],
    ['<p:a xmlns:p="urn:x"></p>', 'end tag shorter than the open name'],
    ['<a>&lt</a>', "entity without ';'"],
    ['<a>&amp&lt;</a>', "'&' before the ';' of the one before"],
    ['<a>&#xD800;</a>', 'reference to a surrogate'],
    ['<a><b></a></b>', 'crossed elements'],
    ['<a/><b/>', 'two roots'],
    ['<a x=1/>', 'unquoted attribute'],
    ['<a x="1" x="2"/>', 'repeated attribute'],
    ['<a b="<"/>', "'<' in an attribute"],
    ['<a>&foo;</a>', 'unknown entity'],
    ['<a>& b</a>', "bare '&'"],
    ['<a>&#0;</a>', 'reference to a character XML forbids'],
    ['<a>]]></a>', "']]>' in text"],
    ['<!DOCTYPE a><a/>', 'document type declaration'],
    ['<a/><?xml version="1.0"?>', 'declaration not first'],
    ['<a>x</a>trailing', 'text after the root'],
    ['<1a/>', 'bad name'],
  ])('refuses %j (%s)', (xml) => {
    expect(parseXml(xml)).toBeNull();
  });
});
