// The runbook format v1 as TypeScript types. The JSON Schema in
// schema/runbook.schema.json is the authority for what a file may contain;
// these types describe a runbook once it has passed that schema and the
// semantic checks in validate.ts.

import type { ProtocolRole } from './protocol.js';

export const RUNBOOK_FORMAT = 'cutover-runbook/v1';

export type Mode = 'rehearsal' | 'cutover';
export type Side = 'producer' | 'consumer' | 'joint';

export interface Pin {
  release_tag: string;
  commit: string;
  service_contract?: string;
  api_contract?: string;
  integration_baseline?: string;
}

export interface Role {
  id: string;
  title: string;
  side: Side;
}

export type VarType = 'string' | 'path' | 'url' | 'sha' | 'tag' | 'int' | 'bool' | 'duration';

export interface VarDecl {
  type: VarType;
  description: string;
  default?: string | number | boolean;
  /** A var without default is required unless `required: false`. */
  required?: boolean;
  /** Read the value from this environment variable when not given by --var. */
  env?: string;
}

export interface Trigger {
  id: string;
  title: string;
  severity: 'SEV-1' | 'SEV-2' | 'SEV-3';
  action: string;
  /** When true, declaring this trigger means: switch to the rollback runbook. */
  rollback?: boolean;
}

export interface Due {
  /** `start` (run started), `trigger` (a rollback trigger was declared) or a step id (its completion). */
  after: string;
  /** A duration such as 15m, 30m, 24h. */
  within: string;
}

interface StepBase {
  id: string;
  title: string;
  description?: string;
  owner?: string;
  /** Required steps must pass before a GO (default true). */
  required?: boolean;
  /** A follow-up: never blocks the GO or the close; may be recorded after the run closed (`cutover resume`). */
  follow_up?: boolean;
  /** Steps that must have completed before this one may run. */
  requires?: string[];
  due?: Due;
  /** The part of the rollback protocol this step is (drill metrics, the report's deadlines): runbook/protocol.ts. */
  protocol?: ProtocolRole;
  /** Evidence older than this is stale for a GO (overrides the runbook default). */
  max_age?: string;
  /** Run the step only in these modes (default: every mode); elsewhere it is recorded as not in this mode. */
  modes?: Mode[];
}

export interface OutputAssertions {
  stdout_contains?: string[];
  stdout_not_contains?: string[];
  stderr_contains?: string[];
  stderr_not_contains?: string[];
}

export interface CommandStep extends StepBase {
  kind: 'command';
  /** argv list, or a string split into words (no shell) unless `shell: true`. */
  run: string | string[];
  shell?: boolean;
  cwd?: string;
  env?: Record<string, string>;
  timeout?: string;
  expect_exit?: number[];
  expect?: OutputAssertions;
  /** The cwd's git HEAD must equal this commit for the step to count as passed. */
  pin_commit?: string;
  /** Output texts meaning "could not run here": a failed attempt whose output contains one is an environment failure. */
  environment_failure?: string[];
}

export interface CheckStep extends StepBase {
  kind: 'check';
  check: 'handoff-payload' | 'envelope' | 'artifact-digest';
  with: Record<string, unknown>;
  cwd?: string;
}

export interface ConfirmStep extends StepBase {
  kind: 'confirm';
  statement: string;
  note?: 'required' | 'optional';
  link?: 'required' | 'optional';
}

export type FieldType = 'text' | 'select' | 'sha' | 'tag' | 'duration' | 'url' | 'timestamp';

export interface InputField {
  id: string;
  label: string;
  type: FieldType;
  options?: string[];
  required?: boolean;
  pattern?: string;
  multiline?: boolean;
  /** The value must equal this text after substitution (pins, vars, run fields, recorded inputs). */
  equals?: string;
  /** A timestamp field: the time must be later than the moment it is entered (the session clock). */
  future?: boolean;
}

export interface InputStep extends StepBase {
  kind: 'input';
  fields: InputField[];
}

export interface NoticeStep extends StepBase {
  kind: 'notice';
  channel?: string;
  audience?: string;
  template: string;
  /** Repeatable status updates (notices/<step>.update-<n>.*), each rendered from its own `fields` (docs/runbook-format.md). */
  updates?: boolean;
  /** The fields each status update is entered with (only with `updates: true`). */
  fields?: InputField[];
  /** `${step.field}` of a `future: true` timestamp: the next-update ETA this notice promises (the ETA countdown). */
  next_update?: string;
}

export interface SignoffStep extends StepBase {
  kind: 'signoff';
  roles: string[];
  statement: string;
  /** Every role signed by a different person (default true). */
  distinct?: boolean;
  /** No approver may be the operator who started the run (default true). */
  exclude_operator?: boolean;
}

/** Who may sign: an allowed-signers file and, per role, its principals. */
export interface Signers {
  /** Path relative to the runbook, or a ${var}. */
  file: string;
  roles: Record<string, string[]>;
  /** required: a run starts only with --operator-principal. */
  operator_principal?: 'required' | 'optional';
}

export interface DecisionOption {
  id: string;
  label: string;
  /** A GO option opens the gate; NO-GO options do not. */
  go: boolean;
  /** Only in these modes (e.g. runtime cutover: [cutover]). */
  modes?: Mode[];
  /** `all` = every required step before the decision; or a list of step ids. */
  requires_steps?: 'all' | string[];
  requires_signoffs?: string[];
  /** NO-GO needs a remediation plan. */
  remediation?: boolean;
}

export interface DecisionStep extends StepBase {
  kind: 'decision';
  options: DecisionOption[];
}

export type Step =
  | CommandStep
  | CheckStep
  | ConfirmStep
  | InputStep
  | NoticeStep
  | SignoffStep
  | DecisionStep;

export interface Section {
  id: string;
  title: string;
  description?: string;
  /** `stop`: after a required step of the section fails, its later steps are not run (default `continue`). */
  on_failure?: 'continue' | 'stop';
  steps: Step[];
}

export interface Runbook {
  format: typeof RUNBOOK_FORMAT;
  id: string;
  title: string;
  version: string;
  description?: string;
  /** `rollback`: the runbook rolls back from `target` to `baseline` (shown target → baseline). Default `cutover`. */
  kind?: 'cutover' | 'rollback';
  modes: Mode[];
  baseline: Pin;
  target: Pin;
  roles: Role[];
  vars?: Record<string, VarDecl>;
  tools?: string[];
  secrets?: string[];
  /** Path of the rollback runbook, relative to this file. */
  rollback?: string;
  triggers?: Trigger[];
  /** Default maximum evidence age for a GO (e.g. 4h). */
  max_age?: string;
  /** SSH-signed sign-offs (docs/signoffs.md). */
  signers?: Signers;
  sections: Section[];
}
