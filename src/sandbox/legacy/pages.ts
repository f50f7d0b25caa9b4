import { pageDialogScript, saveDialogAttribute, type LegacyPlan, type LegacyStep } from './faults.js';
import { KINDS, OUTCOMES, type FormState, type LegacyEntry } from './form.js';

/**
 * The legacy case system's pages, server-rendered HTML from another decade: tables, forms, a
 * Windows-2000 stylesheet. Every page goes through `layout`, which applies the renames (a vendor
 * upgrade) and the page-dialog fault.
 */

/** What the pages show of the system's state. */
export interface PageView {
  plan(): LegacyPlan;
  renames(): ReadonlyArray<readonly [string, string]>;
  /** Every saved decision, in order. */
  entries(): readonly LegacyEntry[];
  caseExists(id: string): boolean;
}

export const esc = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `body{font-family:Verdana,Arial,sans-serif;font-size:11px;background:#d4d0c8;margin:0;color:#000}
.topp{background:#0a246a;background:linear-gradient(90deg,#0a246a,#a6caf0);color:#fff;padding:5px 8px;font-weight:bold;font-size:13px}
.meny{background:#ece9d8;border-bottom:1px solid #808080;padding:3px 8px}
.meny a{color:#000080;margin-right:14px}
.innehall{padding:10px 12px}
h1{font-size:14px;margin:4px 0 10px 0}
h2{font-size:12px;margin:14px 0 6px 0}
table,td,th{font-size:11px}
table.rutnat{border-collapse:collapse;background:#fff}
table.rutnat th{background:#ece9d8;border:1px solid #808080;padding:2px 6px;text-align:left}
table.rutnat td{border:1px solid #c0c0c0;padding:2px 6px}
fieldset{border:1px solid #808080;margin:0 0 8px 0;background:#ece9d8}
input[type=text],input[type=password],select{font-family:Verdana,Arial,sans-serif;font-size:11px;border:1px solid #7f9db9;padding:1px}
input[type=submit]{font-family:Verdana,Arial,sans-serif;font-size:11px;padding:1px 8px}
.felmeddelande{color:#c00000;font-weight:bold;border:1px solid #c00000;background:#fff0f0;padding:4px;margin:6px 0}
.info{color:#000080;font-weight:bold;margin:6px 0}
.sidfot{color:#606060;padding:6px 12px;border-top:1px solid #808080;font-size:10px}`;

export function legacyPages(view: PageView) {
  function layout(title: string, body: string, loggedIn: boolean, step?: LegacyStep): string {
    const menu = loggedIn
      ? `<div class="meny"><a href="/sok">Ärendesök</a><a href="/sok">Mina ärenden</a><a href="/loggaut" id="lnkLoggaUt">Logga ut</a></div>`
      : '<div class="meny">&nbsp;</div>';
    const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="sv"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>${esc(title)} - Socialsystemet 3.1</title><style>${STYLE}</style></head>
<body><div class="topp">Socialsystemet 3.1 &ndash; Individ- och familjeomsorg</div>${menu}
<div class="innehall">${body}</div>
<div class="sidfot">Socialsystemet 3.1.7 (build 2009-11-04) &middot; Sandlådemiljö, endast testdata</div>${pageDialogScript(view.plan(), step)}</body></html>`;
    return view.renames().reduce((text, [from, to]) => text.split(from).join(to), html);
  }

  function loginPage(message?: { text: string; error: boolean }): string {
    const note = message ? `<div class="${message.error ? 'felmeddelande' : 'info'}">${esc(message.text)}</div>` : '';
    return layout(
      'Inloggning',
      `<h1>Inloggning</h1>${note}
<form method="post" action="/login"><fieldset><legend>Ange användaruppgifter</legend>
<table><tr><td><label for="anvandare">Användarnamn:</label></td><td><input type="text" id="anvandare" name="anvandare" size="20"></td></tr>
<tr><td><label for="losenord">Lösenord:</label></td><td><input type="password" id="losenord" name="losenord" size="20"></td></tr>
<tr><td></td><td><input type="submit" id="btnLoggaIn" value="Logga in"></td></tr></table></fieldset></form>`,
      false,
    );
  }

  function searchPage(query: string | undefined): string {
    let results = '';
    if (query !== undefined) {
      const id = query.trim();
      results = view.caseExists(id)
        ? `<h2>Sökresultat</h2><table class="rutnat" id="tblTraffar"><tr><th>Ärendenr</th><th>Ärendetyp</th><th>Status</th></tr>
<tr><td><a class="arendelank" href="/arende/${encodeURIComponent(id)}">${esc(id)}</a></td><td>Ekonomiskt bistånd</td><td>Pågående</td></tr></table>`
        : `<p id="ingaTraffar" class="info">Inga träffar.</p>`;
    }
    return layout(
      'Ärendesök',
      `<h1>Ärendesök</h1><form method="get" action="/sok"><fieldset><legend>Sök ärende</legend>
<label for="arendenr">Ärendenummer:</label> <input type="text" id="arendenr" name="arendenr" size="24" value="${esc(query ?? '')}">
<input type="submit" id="btnSok" value="Sök"></fieldset></form>${results}`,
      true,
      'search',
    );
  }

  function casePage(id: string): string {
    const count = view.entries().filter((e) => e.caseId === id).length;
    return layout(
      `Ärende ${id}`,
      `<h1>Ärende <span id="arendenummer">${esc(id)}</span></h1>
<table class="rutnat"><tr><th>Ärendetyp</th><td>Ekonomiskt bistånd (försörjningsstöd)</td></tr>
<tr><th>Status</th><td>Pågående</td></tr><tr><th>Registrerade beslut</th><td>${count}</td></tr></table>
<h2>Åtgärder</h2><ul><li><a id="lnkBerakning" href="/arende/${encodeURIComponent(id)}/berakning">Beräkning och beslut</a></li><li><a href="/sok">Tillbaka till sök</a></li></ul>`,
      true,
      'case',
    );
  }

  /** `step`: the form as first shown ('form'), with more rows ('moreRows') or turned back by a save ('save'). */
  function formPage(id: string, state: FormState, step: LegacyStep, error?: string): string {
    const entries = view.entries().filter((e) => e.caseId === id);
    const registered = entries.length
      ? entries
          .map(
            (e) =>
              `<tr class="beslutsrad"><td class="beslutsref">${esc(e.decisionId)}</td><td>${esc(e.period)}</td><td>${esc(OUTCOMES[e.outcome] ?? e.outcome)}</td><td align="right">${esc(e.totalAmount.replace('.', ','))}</td><td class="kvittensnr">${esc(e.confirmation)}</td><td>${esc(e.user)}</td></tr>`,
          )
          .join('\n')
      : '<tr><td colspan="6"><i>Inga beslut registrerade.</i></td></tr>';
    const option = (values: Record<string, string>, selected: string) =>
      Object.entries(values)
        .map(([v, text]) => `<option value="${v}"${v === selected ? ' selected' : ''}>${esc(text)}</option>`)
        .join('');
    const rows = state.rows
      .map(
        (r, i) =>
          `<tr class="berakningsrad"><td>${i + 1}</td><td><select class="radtyp" name="typ_${i}">${option({ '': '', ...KINDS }, r.kind)}</select></td>` +
          `<td><input type="text" class="radtext" name="text_${i}" size="48" value="${esc(r.label)}"></td>` +
          `<td><input type="text" class="radbelopp" name="belopp_${i}" size="12" style="text-align:right" value="${esc(r.amount)}"></td></tr>`,
      )
      .join('\n');
    const a = `/arende/${encodeURIComponent(id)}/berakning`;
    return layout(
      'Ekonomiskt bistånd – beräkning',
      `<h1>Ekonomiskt bistånd &ndash; beräkning, ärende ${esc(id)}</h1>
<h2>Registrerade beslut</h2><table class="rutnat" id="tblBeslut"><tr><th>Beslutsref.</th><th>Period</th><th>Beslut</th><th>Belopp</th><th>Kvittensnr</th><th>Reg. av</th></tr>
${registered}</table>
<h2>Nytt beslut</h2>${error ? `<div class="felmeddelande">${esc(error)}</div>` : ''}
<form method="post" action="${a}"><fieldset><legend>Beslut</legend><table>
<tr><td><label for="beslutsref">Beslutsreferens:</label></td><td><input type="text" id="beslutsref" name="beslutsref" size="30" value="${esc(state.decisionId)}"></td>
<td><label for="period">Period (ÅÅÅÅ-MM):</label></td><td><input type="text" id="period" name="period" size="8" value="${esc(state.period)}"></td></tr>
<tr><td><label for="beslutstyp">Beslut:</label></td><td><select id="beslutstyp" name="beslutstyp">${option({ '': '', ...OUTCOMES }, state.outcome)}</select></td>
<td><label for="totalbelopp">Belopp kr:</label></td><td><input type="text" id="totalbelopp" name="totalbelopp" size="12" value="${esc(state.totalAmount)}"></td></tr>
<tr><td><label for="handlaggare">Beslutsfattare:</label></td><td colspan="3"><input type="text" id="handlaggare" name="handlaggare" size="30" value="${esc(state.signedBy)}"></td></tr>
</table></fieldset>
<fieldset><legend>Beräkningsrader</legend><table class="rutnat" id="tblRader"><tr><th>Rad</th><th>Typ</th><th>Text</th><th>Belopp kr</th></tr>
${rows}</table><input type="hidden" name="antalrader" value="${state.rows.length}">
<p><input type="submit" id="btnFlerRader" name="atgard" value="Fler rader"> &nbsp; <input type="submit" id="btnSpara" name="atgard" value="Spara"${saveDialogAttribute(view.plan(), esc)}></p></fieldset></form>`,
      true,
      step,
    );
  }

  function receiptPage(entry: LegacyEntry): string {
    return layout(
      'Kvittens',
      `<h1>Kvittens</h1><p class="info">Beslutet är sparat.</p>
<table class="rutnat"><tr><th>Ärende</th><td>${esc(entry.caseId)}</td></tr><tr><th>Beslutsreferens</th><td>${esc(entry.decisionId)}</td></tr>
<tr><th>Bekräftelsenummer</th><td><b id="bekraftelsenr">${esc(entry.confirmation)}</b></td></tr></table>
<p><a href="/arende/${encodeURIComponent(entry.caseId)}">Tillbaka till ärendet</a></p>`,
      true,
      'receipt',
    );
  }

  return { layout, loginPage, searchPage, casePage, formPage, receiptPage };
}
