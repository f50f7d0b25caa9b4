import { inflateSync } from 'node:zlib';

/**
 * What a test needs to know of a PDF that Chromium (Skia) wrote: its pages, the text on each
 * page, and whether it is tagged. A small reader for that one producer, not a general PDF
 * parser: uncompressed cross-reference-free object lookup, FlateDecode streams, Type0 fonts
 * with ToUnicode CMaps, the text operators Tj/TJ, and form XObjects (Chromium draws the
 * header and footer in those). Throws when the file is not shaped so.
 */
export interface PdfFacts {
  pages: number;
  /** Text per page, in drawing order, glyphs mapped back to Unicode; whitespace collapsed. */
  pageTexts: string[];
  /** A structure tree in the catalog and MarkInfo /Marked true: a tagged PDF. */
  tagged: boolean;
}

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const start = /(\d+) 0 obj\b/g;
  let m: RegExpExecArray | null;
  while ((m = start.exec(text))) {
    const bodyStart = m.index + m[0].length;
    const streamAt = text.indexOf('stream', bodyStart);
    const endAt = text.indexOf('endobj', bodyStart);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = text.slice(bodyStart, streamAt);
      let dataStart = streamAt + 'stream'.length;
      if (text[dataStart] === '\r') dataStart++;
      if (text[dataStart] === '\n') dataStart++;
      const length = /\/Length (\d+)(?! \d+ R)/.exec(dict);
      const dataEnd = length ? dataStart + Number(length[1]) : text.indexOf('endstream', dataStart);
      const raw = pdf.subarray(dataStart, dataEnd);
      objects.set(Number(m[1]), { dict, stream: /\/FlateDecode/.test(dict) ? inflateSync(raw) : raw });
      start.lastIndex = text.indexOf('endobj', dataEnd);
    } else {
      objects.set(Number(m[1]), { dict: text.slice(bodyStart, endAt) });
      start.lastIndex = endAt;
    }
  }
  return objects;
}

/** `/Name N 0 R` pairs inside the dictionary named `key` (inline or by reference). */
function namedRefs(objects: Map<number, PdfObject>, dict: string, key: string): Map<string, number> {
  const refs = new Map<string, number>();
  const inline = new RegExp(`/${key}\\s*<<([^>]*)>>`).exec(dict);
  const byRef = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict);
  const body = inline?.[1] ?? (byRef ? objects.get(Number(byRef[1]))?.dict ?? '' : '');
  for (const r of body.matchAll(/\/([^\s/<>[\]]+)\s+(\d+) 0 R/g)) refs.set(r[1]!, Number(r[2]));
  return refs;
}

function resourcesOf(objects: Map<number, PdfObject>, dict: string): string {
  const ref = /\/Resources\s+(\d+) 0 R/.exec(dict);
  return ref ? objects.get(Number(ref[1]))?.dict ?? '' : dict;
}

function toUnicodeMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const e of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(e[1]!, 16), utf16(e[2]!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const e of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
      const from = parseInt(e[1]!, 16);
      const to = parseInt(e[2]!, 16);
      if (e[3]!.startsWith('[')) {
        [...e[3]!.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((h, i) => map.set(from + i, utf16(h[1]!)));
      } else {
        const base = parseInt(e[3]!.slice(1, -1), 16);
        for (let c = from; c <= to; c++) map.set(c, String.fromCodePoint(base + c - from));
      }
    }
  }
  return map;
}

function contentText(objects: Map<number, PdfObject>, content: string, resources: string, depth = 0): string {
  if (depth > 8) throw new Error('PDF: form XObjects nested too deep');
  const fonts = new Map([...namedRefs(objects, resources, 'Font')].map(([name, ref]) => {
    const cmapRef = /\/ToUnicode (\d+) 0 R/.exec(objects.get(ref)?.dict ?? '');
    const cmap = cmapRef ? objects.get(Number(cmapRef[1]))?.stream?.toString('latin1') ?? '' : '';
    return [name, toUnicodeMap(cmap)] as const;
  }));
  const xobjects = namedRefs(objects, resources, 'XObject');
  let font = new Map<number, string>();
  const out: string[] = [];
  const decode = (hex: string) => {
    let s = '';
    for (let i = 0; i + 4 <= hex.length; i += 4) s += font.get(parseInt(hex.slice(i, i + 4), 16)) ?? '';
    return s;
  };
  const ops = /\/([^\s/<>[\]()]+)\s+[-\d.]+\s+Tf|<([0-9a-fA-F]*)>\s*Tj|\[((?:[^\]\\]|\\.)*)\]\s*TJ|\/([^\s/<>[\]()]+)\s+Do\b|\b(ET)\b/g;
  for (const op of content.matchAll(ops)) {
    if (op[1] !== undefined) font = fonts.get(op[1]) ?? new Map();
    else if (op[2] !== undefined) out.push(decode(op[2]));
    else if (op[3] !== undefined) out.push([...op[3].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => decode(h[1]!)).join(''));
    else if (op[4] !== undefined) {
      const form = objects.get(xobjects.get(op[4]) ?? -1);
      if (form?.stream && /\/Subtype\s*\/Form/.test(form.dict)) out.push(contentText(objects, form.stream.toString('latin1'), resourcesOf(objects, form.dict), depth + 1));
    } else out.push(' ');
  }
  return out.join('');
}

export function pdfFacts(pdf: Buffer): PdfFacts {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('not a PDF');
  const objects = readObjects(pdf);
  const pages = [...objects.values()].filter((o) => /\/Type\s*\/Page(?![s\w])/.test(o.dict));
  const pageTexts = pages.map((p) => {
    const contents = /\/Contents\s*(?:(\d+) 0 R|\[([^\]]*)\])/.exec(p.dict);
    const refs = contents?.[1] ? [Number(contents[1])] : [...(contents?.[2] ?? '').matchAll(/(\d+) 0 R/g)].map((r) => Number(r[1]));
    const stream = refs.map((r) => objects.get(r)?.stream?.toString('latin1') ?? '').join('\n');
    return contentText(objects, stream, resourcesOf(objects, p.dict)).replace(/\s+/g, ' ').trim();
  });
  const catalog = [...objects.values()].find((o) => /\/Type\s*\/Catalog/.test(o.dict))?.dict ?? '';
  const tagged = /\/StructTreeRoot\s+\d+ 0 R/.test(catalog) && /\/MarkInfo\s*<<[^>]*\/Marked\s+true/.test(catalog);
  return { pages: pages.length, pageTexts, tagged };
}
