import { scanXml, type XmlNode } from './xmlScan.js';

/**
 * One XML reading for SSBTEK and the agency documents inside them. Namespace prefixes are
 * dropped (agencies and samples disagree on prefixes and even on schema versions) and
 * every value stays text: amounts and personal numbers must never become JS numbers.
 */
export type { XmlNode };

/** Parses a document, or null when it is not well-formed XML (xmlScan.ts: strict, one pass). */
export function parseXml(text: string): XmlNode | null {
  return scanXml(text);
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** All children with a local name, whether the parser gave one, many or none. */
export function children(node: unknown, name: string): unknown[] {
  if (!isNode(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function child(node: unknown, name: string): unknown {
  return children(node, name)[0];
}

/** Follows a path of local names, first match at each step. */
export function path(node: unknown, ...names: string[]): unknown {
  let current = node;
  for (const name of names) current = child(current, name);
  return current;
}

/** The text of an element: a bare string, or the #text of an element with attributes. */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (isNode(node) && typeof node['#text'] === 'string') return node['#text'];
  if (isNode(node) && Object.keys(node).every((k) => k.startsWith('@_'))) return '';
  return undefined;
}

export function attr(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
