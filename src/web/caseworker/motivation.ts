import { kronor } from '../../domain/labels.js';
import { personalNumberInFreeText } from '../../domain/personalNumberInText.js';
import { esc } from '../layout.js';

/**
 * A caseworker's free text for the decision letter (a motivation): how long it may be, how it
 * is read from a form, and what the page says about the limit. One place, so the field's
 * maxlength, the note beside it and the server's check can never disagree.
 */

/** The longest motivation a decision letter takes, in characters. */
export const MOTIVATION_MAX = 4000;

/**
 * A posted motivation as the user typed it: every line break one character ("\n"), trimmed;
 * '' for anything but a string. Browsers send a textarea's line breaks as CRLF while its
 * maxlength counts each as one, so without this a text the field accepted could be refused.
 */
export function readMotivation(raw: unknown): string {
  return typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n').trim() : '';
}

/**
 * The refusal of a text over `max` characters, naming the field by its label ("Motivering i
 * beslutsbrevet: texten är 4 213 tecken, högst 4 000 får plats. …"); undefined when it fits.
 * Never quotes the text (it may hold personal data).
 */
export function tooLong(label: string, text: string, max = MOTIVATION_MAX): string | undefined {
  if (text.length <= max) return undefined;
  return `${label}: texten är ${kronor(String(text.length))} tecken, högst ${kronor(String(max))} får plats. Korta texten; det du skrev finns kvar i fältet.`;
}

/**
 * What stops a motivation: too long (tooLong), or a personal number in it. A motivation is
 * printed in the decision letter and shown on the case: the letter already says whom it is
 * about, and another person's number there would tell the applicant about someone else.
 * Undefined when it may be signed. Never quotes the text.
 */
export function motivationProblem(label: string, text: string, max = MOTIVATION_MAX): string | undefined {
  return (
    tooLong(label, text, max) ??
    (personalNumberInFreeText(text) ? `${label}: skriv inte personnummer i motiveringen; beslutsbrevet anger redan vem det gäller. Det du skrev finns kvar i fältet.` : undefined)
  );
}

/** The limit beside a field, for its aria-describedby: `<p id="…" class="small">Högst 4 000 tecken.</p>`. */
export function limitNote(id: string, max = MOTIVATION_MAX): string {
  return `<p id="${esc(id)}" class="small">Högst ${kronor(String(max))} tecken.</p>`;
}
