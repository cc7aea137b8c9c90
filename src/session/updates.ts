// Status updates and the next-update ETA (issue 13, engine/updates.ts): a
// notice step with `updates: true` is sent any number of times, each update
// rendered from its own fields — validated as an input step's (types,
// patterns, equals:, a `future:` ETA later than now), written into the
// bundle as notices/<step>.update-<n>.md/.txt and journaled with both
// digests (notice.updated). An ETA that passes with no newer notice is
// journaled once (update.overdue), by whichever process holds the run.
import type { EventBody, JournalEvent } from '../engine/events.js';
import type { RunState } from '../engine/fold.js';
import type { StepActions } from '../engine/policy.js';
import { isUpdateStep, unrecordedEtaOverdue, updateInput, type EtaState, type UpdateStep } from '../engine/updates.js';
import { render, type RefContext } from '../runbook/resolve.js';
import type { NoticeStep, Runbook, Step } from '../runbook/types.js';
import type { Clock } from '../shared/clock.js';
import { resolveRelativeTimes, validateFields } from './inputs.js';
import { writeNoticeFiles } from './notices.js';
import { describe, refusalOf } from './policy.js';
import { OK, refuse, type IntentResult } from './result.js';

export interface UpdateHost {
  readonly runbook: Runbook;
  readonly operator: string;
  readonly state: RunState;
  readonly clock: Clock;
  readonly bundleDir: string;
  mask(text: string): string;
  findStep(id: string): Step | undefined;
  actionsFor(id: string): StepActions;
}

export interface UpdateOptions {
  /** Where it was sent (default: the step's channel). */
  channel?: string;
}

export class UpdateDesk {
  constructor(
    private readonly host: UpdateHost,
    private readonly append: (body: EventBody, at?: Date) => JournalEvent,
    private readonly refContext: () => RefContext,
  ) {}

  /** The context an update renders in: its own values (and number) as `${step.field}`. */
  private contextWith(step: UpdateStep, values: Record<string, string>, n: number): RefContext {
    const ctx = this.refContext();
    return { ...ctx, inputs: { ...ctx.inputs, [step.id]: { ...values, number: String(n) } } };
  }

  /** The next-update ETA a notice promises as sent now (its `next_update` rendered); undefined without one. */
  etaOf(step: NoticeStep): string | undefined {
    if (!step.next_update) return undefined;
    const eta = render(step.next_update, this.refContext());
    return Number.isFinite(Date.parse(eta)) ? eta : undefined;
  }

  /** notice.sent's `next_update_eta`: the ETA the notice promises (the countdown), when it has one. */
  etaField(step: NoticeStep): { next_update_eta?: string } {
    const eta = this.etaOf(step);
    return eta ? { next_update_eta: eta } : {};
  }

  /** The number the next update of `id` gets. */
  nextNumber(id: string): number {
    return (this.host.state.updates[id]?.length ?? 0) + 1;
  }

  /** The values with relative times made absolute, and every problem by field id. */
  private checked(step: UpdateStep, values: Record<string, string>, now = this.host.clock()): { clean: Record<string, string>; problems: Record<string, string> } {
    const input = updateInput(step);
    const clean = resolveRelativeTimes(input, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v ?? '').trim()])), now, this.refContext());
    return { clean, problems: validateFields(input, clean, this.refContext(), false, now) };
  }

  /** One field's problem as the form shows it inline (undefined: fine). */
  fieldProblem(id: string, fieldId: string, values: Record<string, string>): string | undefined {
    const step = this.host.findStep(id);
    if (!isUpdateStep(step)) return undefined;
    const problem = this.checked(step, values).problems[fieldId];
    return problem === undefined ? undefined : this.host.mask(problem);
  }

  /**
   * The form's editable defaults: the previous update's values; for the
   * first, the values of earlier inputs with the same field id (the
   * incident assessment's impact, actions…). An ETA already past is left out.
   */
  prefill(id: string): Record<string, string> {
    const step = this.host.findStep(id);
    if (!isUpdateStep(step)) return {};
    const last = this.host.state.updates[id]?.at(-1)?.values;
    const earlier = Object.values(this.host.state.inputs);
    const now = this.host.clock().getTime();
    const out: Record<string, string> = {};
    for (const f of step.fields) {
      const v = last ? last[f.id] : earlier.map((vals) => vals[f.id]).filter((x): x is string => typeof x === 'string').at(-1);
      if (v === undefined || v.includes('***')) continue;
      if (f.type === 'timestamp' && f.future && !(Date.parse(v) > now)) continue;
      out[f.id] = v;
    }
    return out;
  }

  /** The update as it would be sent with `values` (masked), for a preview. */
  renderUpdate(id: string, values: Record<string, string>): string | undefined {
    const step = this.host.findStep(id);
    if (!isUpdateStep(step)) return undefined;
    return this.host.mask(render(step.template, this.contextWith(step, this.checked(step, values).clean, this.nextNumber(id))));
  }

  /** Sends the next status update of `id`: validated, written, journaled (notice.updated); refused naming each wrong field. */
  send(id: string, values: Record<string, string>, opts: UpdateOptions = {}): IntentResult {
    const step = this.host.findStep(id);
    if (!step) return refuse(`unknown step "${id}" in runbook ${this.host.runbook.id}`);
    if (!isUpdateStep(step)) return refuse(`${describe(step)} is not a status-update notice (updates: true)`, step.kind === 'notice' ? 'send it once with its own action' : 'answer it with what its kind needs (see docs/runbook-format.md)');
    const allowed = this.host.actionsFor(id).answer;
    if (!allowed.ok) return refusalOf(allowed);
    const now = new Date(Math.max(this.host.clock().getTime(), Date.parse(this.host.state.lastAt))); // one moment: the ETA is later than the time the update is sent, its sent_at the event's time
    const { clean, problems } = this.checked(step, values, now);
    if (Object.keys(problems).length) return refuse(`status update of "${step.title}" (${id}): ${Object.values(problems).map((p) => this.host.mask(p)).join('; ')}`, 'correct the values and send it again', problems);
    const n = this.nextNumber(id);
    const ctx = this.contextWith(step, clean, n);
    const eta = render(step.next_update, ctx);
    if (!Number.isFinite(Date.parse(eta))) return refuse(`status update of "${step.title}" (${id}): its next_update ${step.next_update} gives ${JSON.stringify(this.host.mask(eta))}, not a time: every update promises the time of the next one`, `enter ${etaFieldLabel(step)} (a UTC time such as now+30m)`, { [etaFieldId(step)]: `${etaFieldLabel(step)} is required: it is the time of the next update` });
    const text = this.host.mask(render(step.template, ctx));
    const unresolved = text.match(/\$\{[^}]+\}/g);
    if (unresolved) return refuse(`status update of "${step.title}" (${id}) still has unfilled fields: ${unresolved.join(', ')}`, 'record the input steps it refers to first');
    const channel = opts.channel?.trim() ? this.host.mask(opts.channel.trim()) : step.channel ? this.host.mask(render(step.channel, ctx)) : undefined;
    const sentAt = now.toISOString();
    const audience = step.audience ? this.host.mask(render(step.audience, ctx)) : undefined;
    const files = writeNoticeFiles(this.host.bundleDir, step, text, { sentAt, by: this.host.operator, update: n, nextUpdate: eta, ...(channel ? { channel } : {}), ...(audience ? { audience } : {}) });
    this.append({ type: 'notice.updated', step: id, update: n, by: this.host.operator, ...(channel ? { channel } : {}), sent_at: sentAt, values: Object.fromEntries(Object.entries(clean).map(([k, v]) => [k, this.host.mask(v)])), next_update_eta: eta, text: files.text, plain: files.plain }, now);
    return OK;
  }

  /** Journals the current ETA once it has passed with no newer notice (update.overdue, once per ETA); returns it when written now. */
  recordOverdue(): EtaState | undefined {
    const late = unrecordedEtaOverdue(this.host.state, this.host.clock());
    if (late) this.append({ type: 'update.overdue', step: late.step, update: late.update, notice_seq: late.seq, eta: late.eta });
    return late;
  }
}

/** The field an update step's next_update names (`${step.field}`), and its label. */
function etaFieldId(step: UpdateStep): string {
  return /^\$\{[^.}]+\.([^}]+)\}$/.exec(step.next_update.trim())?.[1] ?? 'next_update';
}

function etaFieldLabel(step: UpdateStep): string {
  const id = etaFieldId(step);
  return step.fields.find((f) => f.id === id)?.label ?? id;
}
