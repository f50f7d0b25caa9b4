/**
 * A strict, single-pass XML reader for SSBTEK replies and the agency documents inside them.
 * It checks well-formedness while it reads (one root; names; quoted, unique attributes;
 * matching end tags; entity and character references; nothing but space, comments and
 * processing instructions outside the root) and builds the small shape xml.ts hands out, in
 * the same pass. fast-xml-parser validated and then parsed every reply (two passes, with a
 * path matcher on every tag): a quarter of the robot's CPU per application.
 *
 * Shape (what fast-xml-parser gave with removeNSPrefix, '@_' attributes, text kept as text,
 * values trimmed): an element is a string when it has neither attributes nor children (''
 * when empty); otherwise an object with its children by local name (an array when a name
 * repeats), '@_<local name>' per attribute (xmlns declarations left out) and '#text' when it
 * also has text. A document type declaration is refused: replies have none, and refusing it
 * rules out entity expansion.
 */
export type XmlNode = Record<string, unknown>;

interface Frame {
  /** The name as written (prefix included): the end tag must repeat it. */
  qname: string;
  local: string;
  /** Made at the first child or attribute (the element is then an object, not a bare string): most elements have neither. */
  node: XmlNode | null;
  text: string;
}

class NotWellFormed extends Error {}

// A name is [A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*, once more after one ':'
// (a prefix). Read by character code: the sticky regular expressions cost a third of a reply.
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0xc0 && c <= 0xffff);
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0xb7;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

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

function addChild(parent: XmlNode, name: string, value: unknown): void {
  // A name that would reach Object.prototype is not one SSBTEK or an agency uses.
  if (name === '__proto__') throw new NotWellFormed();
  const existing = parent[name];
  if (existing === undefined) parent[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent[name] = [existing, value];
}

/** Parses a document, or null when it is not well-formed XML. */
export function scanXml(xml: string): XmlNode | null {
  try {
    return scan(xml);
  } catch (error) {
    if (error instanceof NotWellFormed) return null;
    throw error;
  }
}

function scan(xml: string): XmlNode {
  const doc: XmlNode = {};
  const stack: Frame[] = [];
  let rootSeen = false;
  const start = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  const n = xml.length;

  const name = (): string => {
    const from = i;
    if (!isNameStart(xml.charCodeAt(i))) throw new NotWellFormed();
    i++;
    while (isNameChar(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) === 0x3a /* : */ && isNameStart(xml.charCodeAt(i + 1))) {
      i += 2;
      while (isNameChar(xml.charCodeAt(i))) i++;
    }
    return xml.slice(from, i);
  };
  const space = (): boolean => {
    const from = i;
    while (isSpace(xml.charCodeAt(i))) i++;
    return i > from;
  };
  const upTo = (end: string): string => {
    const at = xml.indexOf(end, i);
    if (at < 0) throw new NotWellFormed();
    const inside = xml.slice(i, at);
    i = at + end.length;
    return inside;
  };

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const raw = xml.slice(i, textEnd);
      if (raw.includes(']]>')) throw new NotWellFormed();
      const top = stack[stack.length - 1];
      // Leading space goes at close (values are trimmed), so the indentation between child
      // elements never builds up a string.
      if (top) top.text = top.text === '' ? decode(raw).trimStart() : top.text + decode(raw);
      else if (raw.trim() !== '') throw new NotWellFormed();
      i = textEnd;
      continue;
    }
    // At a '<'.
    const next = xml.charCodeAt(i + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', i)) {
        i += 4;
        if (upTo('-->').includes('--')) throw new NotWellFormed();
      } else if (xml.startsWith('<![CDATA[', i)) {
        const top = stack.at(-1);
        if (!top) throw new NotWellFormed();
        i += 9;
        top.text += upTo(']]>');
      } else {
        // <!DOCTYPE (or anything else): refused.
        throw new NotWellFormed();
      }
    } else if (next === 0x3f /* ? */) {
      const at = i;
      i += 2;
      const target = name();
      // The declaration only first in the document; other processing instructions anywhere.
      if (target.toLowerCase() === 'xml' && (target !== 'xml' || at !== start)) throw new NotWellFormed();
      upTo('?>');
    } else if (next === 0x2f /* / */) {
      i += 2;
      // The end tag must repeat the open element's name: compared in place, not read out.
      const frame = stack.pop();
      if (!frame || !xml.startsWith(frame.qname, i) || isNameChar(xml.charCodeAt(i + frame.qname.length)) || xml.charCodeAt(i + frame.qname.length) === 0x3a) {
        throw new NotWellFormed();
      }
      i += frame.qname.length;
      space();
      if (xml.charCodeAt(i) !== 0x3e) throw new NotWellFormed();
      i++;
      close(frame, stack, doc);
    } else {
      i++;
      if (stack.length === 0) {
        if (rootSeen) throw new NotWellFormed();
        rootSeen = true;
      }
      const qname = name();
      const frame: Frame = { qname, local: localName(qname), node: null, text: '' };
      let seen: string[] | undefined;
      for (;;) {
        const spaced = space();
        const c = xml.charCodeAt(i);
        if (c === 0x3e /* > */) {
          i++;
          stack.push(frame);
          break;
        }
        if (c === 0x2f /* / */) {
          if (xml.charCodeAt(i + 1) !== 0x3e) throw new NotWellFormed();
          i += 2;
          close(frame, stack, doc);
          break;
        }
        if (!spaced) throw new NotWellFormed();
        const attribute = name();
        if (seen?.includes(attribute)) throw new NotWellFormed();
        (seen ??= []).push(attribute);
        space();
        if (xml.charCodeAt(i) !== 0x3d /* = */) throw new NotWellFormed();
        i++;
        space();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") throw new NotWellFormed();
        i++;
        const raw = upTo(quote);
        if (raw.includes('<')) throw new NotWellFormed();
        // Trimmed like text (fast-xml-parser's trimValues did both): CSN pads Status with spaces.
        const value = decode(raw).trim();
        if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
        const key = `@_${localName(attribute)}`;
        if (key === '@___proto__') throw new NotWellFormed();
        (frame.node ??= {})[key] = value;
      }
    }
  }
  if (stack.length > 0 || !rootSeen) throw new NotWellFormed();
  return doc;
}

/** Hands a finished element to its parent (or the document) in the shape described above. */
function close(frame: Frame, stack: Frame[], doc: XmlNode): void {
  const text = frame.text.trim();
  let value: unknown;
  if (frame.node !== null) {
    if (text !== '') frame.node['#text'] = text;
    value = frame.node;
  } else {
    value = text;
  }
  const parent = stack.at(-1);
  if (parent) {
    addChild((parent.node ??= {}), frame.local, value);
  } else {
    addChild(doc, frame.local, value);
  }
}
