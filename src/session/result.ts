// What an operator intent returns. A mistake of the operator (a closed run,
// a missing note, a step whose prerequisites have not passed) is a refusal
// with every reason in words — never an exception; exceptions are for bugs
// and for evidence that cannot be written.

export interface Refusal {
  ok: false;
  /** Every reason, in words, as shown to the operator. */
  reasons: string[];
  /** How to fix it, where there is one thing to say. */
  hint?: string;
  /** For inputs: field id → what is wrong with it. */
  fields?: Record<string, string>;
}

export type IntentResult = { ok: true } | Refusal;

export const OK: IntentResult = Object.freeze({ ok: true as const });

export function refuse(reason: string | string[], hint?: string, fields?: Record<string, string>): Refusal {
  return { ok: false, reasons: Array.isArray(reason) ? reason : [reason], ...(hint ? { hint } : {}), ...(fields ? { fields } : {}) };
}
