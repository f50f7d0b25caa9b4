import type { LetterContact } from '../../domain/labels.js';
import type { MunicipalityNames } from './view.js';
import { esc } from '../layout.js';

/**
 * Who a letter is from and where to write and call: the municipality's name, and its contact
 * from the rules (rules/municipalities `contact`), or none when the rules give none.
 */
export interface Addressee {
  kommun: string;
  contact: LetterContact | undefined;
}

export function addresseeOf(names: MunicipalityNames, municipality: string): Addressee {
  return { kommun: names(municipality), contact: names.contact?.(municipality) };
}

/** The sender block's first paragraph: the address lines and the phone, or the name and the unit. HTML. */
export function senderLines(to: Addressee): string {
  if (!to.contact) return `<p><strong>${esc(to.kommun)}</strong><br>Socialtjänsten, ekonomiskt bistånd</p>`;
  const [first, ...rest] = to.contact.postalAddress;
  return `<p><strong>${esc(first!)}</strong><br>${rest.map(esc).join('<br>')}<br>Telefon: <span class="nowrap">${esc(to.contact.phone)}</span></p>`;
}
