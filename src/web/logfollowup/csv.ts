import { CHECK_WORDS, type CheckCode } from '../../logfollowup/checks.js';
import type { FollowUpReportRecord } from '../../store/index.js';
import { CSV_BOM, csvRow } from '../admin/csv.js';

const swedish = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * A report as CSV for Swedish Excel (semicolon, UTF-8 with BOM, Swedish time): one row per
 * finding with the audit row ids behind it ("#502 #573": two ids with a space between read as
 * the number 502 573 in Swedish Excel), then, after an empty row, the review under its own
 * headings. No personal numbers: a finding names user, case id and time only.
 */
export function followUpCsv(report: FollowUpReportRecord): string {
  const head = csvRow(['Kommun', 'Period från', 'Period till', 'Kontroll', 'Användare', 'Ärende', 'Tid (svensk)', 'Beskrivning', 'Loggrader (id)']);
  const rows = report.findings.map((f) =>
    csvRow([report.municipality, report.periodFrom, report.periodTo, CHECK_WORDS[f.check as CheckCode] ?? f.check, f.user, f.caseId ?? '', swedish.format(new Date(f.at)), f.text, f.auditIds.map((id) => `#${id}`).join(' ')]),
  );
  const review = csvRow(['Granskning', 'Tid (svensk)', 'Granskare', 'Kommentar']);
  const signed = report.signOff
    ? csvRow(['Granskad', swedish.format(report.signOff.signedAt), report.signOff.signedBy, report.signOff.comment])
    : csvRow(['Ej granskad', '', '', '']);
  return `${CSV_BOM}${head}${rows.join('')}\r\n${review}${signed}`;
}
