import * as z from 'zod';

/**
 * The legacy case system's trouble on demand (see ../legacyCaseSystem.ts for what each does), and
 * the dialogs two of them put into its pages.
 */

export const LEGACY_STEPS = ['search', 'case', 'form', 'moreRows', 'save', 'receipt'] as const;
export type LegacyStep = (typeof LEGACY_STEPS)[number];

export const legacyFaultPlanSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    expireAt: z.object({ step: z.enum(LEGACY_STEPS), times: z.number().int().min(1).default(1) }).strict().optional(),
    sessionMaxRequests: z.number().int().min(1).optional(),
    saveDialog: z.object({ type: z.enum(['alert', 'confirm']), message: z.string().min(1).max(2000) }).strict().optional(),
    pageDialog: z.object({ step: z.enum(LEGACY_STEPS), type: z.enum(['alert', 'confirm']), message: z.string().min(1).max(2000) }).strict().optional(),
  })
  .strict();
export type LegacyFaultPlan = z.input<typeof legacyFaultPlanSchema>;
export type LegacyPlan = z.output<typeof legacyFaultPlanSchema>;

/** A JavaScript string literal that is safe inside a <script> element too. */
const jsString = (text: string) => JSON.stringify(text).replace(/</g, '\\u003c');

/** The pageDialog fault's script, on the page of its step ('' elsewhere). */
export function pageDialogScript(plan: LegacyPlan, step: LegacyStep | undefined): string {
  const dialog = plan.pageDialog;
  return dialog && step !== undefined && dialog.step === step ? `<script>${dialog.type}(${jsString(dialog.message)});</script>` : '';
}

/** The saveDialog fault's onclick on "Spara" (attribute text, HTML-escaped by `esc`): a confirm() decides whether the form is posted. */
export function saveDialogAttribute(plan: LegacyPlan, esc: (text: string) => string): string {
  const dialog = plan.saveDialog;
  if (!dialog) return '';
  const call = `${dialog.type}(${jsString(dialog.message)})`;
  return ` onclick="${esc(dialog.type === 'confirm' ? `return ${call};` : `${call}; return true;`)}"`;
}
