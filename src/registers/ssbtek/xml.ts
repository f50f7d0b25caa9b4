import { scanXml, XmlElement } from './xmlScan.js';

/**
 * One XML reading for SSBTEK and the agency documents inside them. Namespace prefixes are
 * dropped (agencies and samples disagree on prefixes and even on schema versions) and
 * every value stays text: amounts and personal numbers must never become JS numbers.
 * Readers walk the tree only through the functions below, which take anything (`unknown`)
 * and answer "nothing there" for what is not an element.
 */
export { XmlElement };
export type XmlNode = XmlElement;

/** Parses a document, or null when it is not well-formed XML (xmlScan.ts: strict, one pass). */
export function parseXml(text: string): XmlElement | null {
  return scanXml(text);
}

/** All child elements with a local name, in document order. */
export function children(node: unknown, name: string): XmlElement[] {
  if (!(node instanceof XmlElement) || node.children === null) return [];
  const found: XmlElement[] = [];
  for (const kid of node.children) if (kid.name === name) found.push(kid);
  return found;
}

/** The first child element with a local name, or undefined. */
export function child(node: unknown, name: string): XmlElement | undefined {
  if (!(node instanceof XmlElement) || node.children === null) return undefined;
  for (const kid of node.children) if (kid.name === name) return kid;
  return undefined;
}

/** Follows a path of local names, first match at each step. */
export function path(node: unknown, ...names: string[]): XmlElement | undefined {
  let current: XmlElement | undefined = node instanceof XmlElement ? node : undefined;
  for (const name of names) current = child(current, name);
  return current;
}

/**
 * The text of an element. An element that has child elements has text only when it also has
 * text of its own (undefined otherwise): a reader asking for a value finds a structure there.
 */
export function text(node: unknown): string | undefined {
  if (!(node instanceof XmlElement)) return undefined;
  if (node.children !== null && node.text === '') return undefined;
  return node.text;
}

/** An attribute's value by local name (the last, should two prefixes give the same name). */
export function attr(node: unknown, name: string): string | undefined {
  if (!(node instanceof XmlElement) || node.attributes === null) return undefined;
  const attributes = node.attributes;
  for (let k = attributes.length - 2; k >= 0; k -= 2) if (attributes[k] === name) return attributes[k + 1];
  return undefined;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
