/**
 * A strict, single-pass XML reader for SSBTEK replies and the agency documents inside them.
 * It checks well-formedness while it reads (one root; names; quoted, unique attributes;
 * matching end tags; entity and character references; nothing but space, comments and
 * processing instructions outside the root) and builds a tree of XmlElement in the same pass.
 * A document type declaration is refused: replies have none, and refusing it rules out entity
 * expansion.
 *
 * Why elements and not plain objects keyed by name (fast-xml-parser's shape, which this reader
 * once copied): every element name then became a property key, which V8 must look up in its
 * string table, and every node a differently shaped object; reading a reply cost a tenth of the
 * robot's CPU per application. Elements of one class with their children in document order
 * cost neither, and the readers only ever ask for a child by name (xml.ts).
 */
export class XmlElement {
  /** [local name, value, local name, value, ...] without xmlns declarations; null when none. */
  attributes: string[] | null = null;
  /** Child elements in document order; null when none. */
  children: XmlElement[] | null = null;
  /** The element's own text, references resolved, trimmed ('' when none). */
  text = '';
  /** The local name: prefixes are dropped (agencies and samples disagree on them). */
  constructor(readonly name: string) {}
}

class NotWellFormed extends Error {}

// A name is [A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*, once more after one ':'
// (a prefix). Read by character code: sticky regular expressions cost a third of a reply.
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0xc0 && c <= 0xffff);
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0xb7;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** Where the name starting at `i` ends; throws when no name starts there. */
function nameEnd(xml: string, i: number): number {
  if (!isNameStart(xml.charCodeAt(i))) throw new NotWellFormed();
  i++;
  while (isNameChar(xml.charCodeAt(i))) i++;
  if (xml.charCodeAt(i) === 0x3a /* : */ && isNameStart(xml.charCodeAt(i + 1))) {
    i += 2;
    while (isNameChar(xml.charCodeAt(i))) i++;
  }
  return i;
}

function spaceEnd(xml: string, i: number): number {
  while (isSpace(xml.charCodeAt(i))) i++;
  return i;
}

function isAllSpace(xml: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSpace(xml.charCodeAt(k))) return false;
  return true;
}

/** Where `end` occurs from `i` on; throws when it does not. */
function find(xml: string, end: string, i: number): number {
  const at = xml.indexOf(end, i);
  if (at < 0) throw new NotWellFormed();
  return at;
}

function validCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Text with its references resolved; a bare '&' or an unknown entity is not well-formed. */
function decode(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  // By hand rather than a replace with a callback: SKV's answer is escaped XML, an entity every few characters.
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    const next = raw.indexOf('&', amp + 1);
    if (semi < 0 || (next >= 0 && next < semi)) throw new NotWellFormed();
    out += raw.slice(from, amp) + reference(raw.slice(amp + 1, semi));
    from = semi + 1;
    amp = next;
  }
  return out + raw.slice(from);
}

/** The character an entity or character reference (without '&' and ';') stands for. */
function reference(ref: string): string {
  switch (ref) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
  if (!numeric) throw new NotWellFormed();
  const cp = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
  if (!validCodePoint(cp)) throw new NotWellFormed();
  return String.fromCodePoint(cp);
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/**
 * Parses a document into its document node: an XmlElement named '' whose one child is the
 * root element. Null when it is not well-formed XML.
 */
export function scanXml(xml: string): XmlElement | null {
  try {
    return scan(xml);
  } catch (error) {
    if (error instanceof NotWellFormed) return null;
    throw error;
  }
}

function scan(xml: string): XmlElement {
  const doc = new XmlElement('');
  // Open elements, and the names their end tags must repeat (prefix included).
  const open: XmlElement[] = [];
  const qnames: string[] = [];
  const start = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  const n = xml.length;

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const top = open.length > 0 ? open[open.length - 1]! : null;
      if (top === null) {
        if (!isAllSpace(xml, i, textEnd)) throw new NotWellFormed();
      } else if (top.text !== '' || !isAllSpace(xml, i, textEnd)) {
        // Space before an element's first text never builds up a string (values are trimmed).
        const raw = xml.slice(i, textEnd);
        if (raw.includes(']]>')) throw new NotWellFormed();
        top.text = top.text === '' ? decode(raw).trimStart() : top.text + decode(raw);
      }
      i = textEnd;
      continue;
    }
    // At a '<'.
    const next = xml.charCodeAt(i + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', i)) {
        const end = find(xml, '-->', i + 4);
        if (xml.slice(i + 4, end).includes('--')) throw new NotWellFormed();
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', i)) {
        if (open.length === 0) throw new NotWellFormed();
        const end = find(xml, ']]>', i + 9);
        const top = open[open.length - 1]!;
        top.text += xml.slice(i + 9, end);
        i = end + 3;
      } else {
        // <!DOCTYPE (or anything else): refused.
        throw new NotWellFormed();
      }
    } else if (next === 0x3f /* ? */) {
      const end = nameEnd(xml, i + 2);
      const target = xml.slice(i + 2, end);
      // The declaration only first in the document; other processing instructions anywhere.
      if (target.toLowerCase() === 'xml' && (target !== 'xml' || i !== start)) throw new NotWellFormed();
      i = find(xml, '?>', end) + 2;
    } else if (next === 0x2f /* / */) {
      i += 2;
      // The end tag must repeat the open element's name: compared in place, not read out.
      const element = open.pop();
      const qname = qnames.pop();
      if (element === undefined || qname === undefined || !xml.startsWith(qname, i)) throw new NotWellFormed();
      const after = xml.charCodeAt(i + qname.length);
      if (isNameChar(after) || after === 0x3a) throw new NotWellFormed();
      i = spaceEnd(xml, i + qname.length);
      if (xml.charCodeAt(i) !== 0x3e) throw new NotWellFormed();
      i++;
      if (element.text !== '') element.text = element.text.trim();
    } else {
      const parent = open.length > 0 ? open[open.length - 1]! : doc;
      if (parent === doc && doc.children !== null) throw new NotWellFormed();
      const end = nameEnd(xml, i + 1);
      const qname = xml.slice(i + 1, end);
      const element = new XmlElement(localName(qname));
      if (parent.children === null) parent.children = [element];
      else parent.children.push(element);
      i = end;
      let seen: string[] | null = null;
      for (;;) {
        const from = i;
        i = spaceEnd(xml, i);
        const c = xml.charCodeAt(i);
        if (c === 0x3e /* > */) {
          i++;
          open.push(element);
          qnames.push(qname);
          break;
        }
        if (c === 0x2f /* / */) {
          if (xml.charCodeAt(i + 1) !== 0x3e) throw new NotWellFormed();
          i += 2;
          break;
        }
        if (i === from) throw new NotWellFormed();
        const attributeEnd = nameEnd(xml, i);
        const attribute = xml.slice(i, attributeEnd);
        if (seen !== null && seen.includes(attribute)) throw new NotWellFormed();
        (seen ??= []).push(attribute);
        i = spaceEnd(xml, attributeEnd);
        if (xml.charCodeAt(i) !== 0x3d /* = */) throw new NotWellFormed();
        i = spaceEnd(xml, i + 1);
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") throw new NotWellFormed();
        const close = find(xml, quote, i + 1);
        const raw = xml.slice(i + 1, close);
        i = close + 1;
        if (raw.includes('<')) throw new NotWellFormed();
        // Trimmed like text: CSN pads Status with spaces.
        const value = decode(raw).trim();
        if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
        if (element.attributes === null) element.attributes = [localName(attribute), value];
        else element.attributes.push(localName(attribute), value);
      }
    }
  }
  if (open.length > 0 || doc.children === null) throw new NotWellFormed();
  return doc;
}
