// Writes schema/runbook.schema.json. The schema is authored here as a JS
// object (shorter than hand-written JSON, with shared pieces) and committed
// as JSON so editors and the runtime use the same file.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const id = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', description: 'Stable identifier: lower case letters, digits, - and _.' };
const duration = { type: 'string', pattern: '^([0-9]+(ms|s|m|h|d))+$', description: 'A duration such as 90s, 15m, 1h30m, 24h.' };
const nonEmpty = { type: 'string', minLength: 1 };
const stringList = { type: 'array', items: nonEmpty };

const pin = {
  type: 'object',
  description: 'A release pin: the tag and commit, plus the contract versions it carries.',
  required: ['release_tag', 'commit'],
  additionalProperties: false,
  properties: {
    release_tag: { ...nonEmpty, description: 'Release tag, e.g. v0.3.2.' },
    commit: { type: 'string', pattern: '^([0-9a-f]{40}|\\$\\{[^}]+\\})$', description: 'Full 40-hex commit sha (or a ${var}).' },
    service_contract: { ...nonEmpty, description: 'e.g. service.v2' },
    api_contract: { ...nonEmpty, description: 'e.g. api.v1' },
    integration_baseline: { ...nonEmpty, description: 'e.g. integration/v1' },
  },
};

const stepCommon = {
  type: 'object',
  required: ['id', 'kind', 'title'],
  properties: {
    id: { ...id, description: 'Stable step id, unique in the runbook; used by requires, due.after, answers files and the journal.' },
    kind: { enum: ['command', 'check', 'confirm', 'input', 'notice', 'signoff', 'decision'] },
    title: { ...nonEmpty, description: 'What the step does, in a few words.' },
    description: { type: 'string', description: 'Longer guidance shown to the operator.' },
    owner: { ...id, description: 'Id of the role that owns this step (declared in roles).' },
    required: { type: 'boolean', default: true, description: 'Whether the step must pass before a GO (default true).' },
    follow_up: { type: 'boolean', default: false, description: 'A follow-up (e.g. a 24 h incident summary): it does not block the GO or the close, the run may close with it open, and `cutover resume` on the closed bundle records it later (confirm, input and notice steps).' },
    requires: { type: 'array', items: id, description: 'Steps that must be complete before this one can run.' },
    due: {
      type: 'object',
      description: 'A deadline: this step must be completed within `within` after `after`.',
      required: ['after', 'within'],
      additionalProperties: false,
      properties: {
        after: { type: 'string', pattern: '^(start|trigger|[a-z][a-z0-9_-]*)$', description: '`start`, `trigger` (a rollback trigger was declared) or a step id (its completion).' },
        within: duration,
      },
    },
    max_age: { ...duration, description: 'Evidence older than this is stale for a GO.' },
    protocol: { enum: ['identification', 'initial-notice', 'recommendation', 'rollback-executed', 'repin-confirmed', 'final-record', 'joint-summary'], description: 'The part of the rollback protocol this step is, whatever its id (at most one step per role): the report\'s deadlines, the drill milestones and the time to recovery find it by this. identification: an input step with a timestamp field (when the trigger was identified); final-record: its first timestamp field is when the rollback completed. A role with a protocol deadline (initial-notice 15m, recommendation 30m, joint-summary 24h after the trigger; repin-confirmed 30m after rollback-executed) gets it unless the step sets due.' },
    modes: { type: 'array', items: { enum: ['rehearsal', 'cutover'] }, minItems: 1, uniqueItems: true, description: 'Run the step only in these modes (default: every mode). In a run of another mode the step is recorded as not in this mode and does not block a GO.' },
  },
};

const kindSchema = (kind, properties, required = []) => ({
  allOf: [{ $ref: '#/$defs/stepCommon' }],
  properties: { kind: { const: kind }, ...properties },
  required,
  unevaluatedProperties: false,
});

const commandStep = kindSchema('command', {
  run: {
    description: 'The command: an argv list (no shell), or a string split into words (no shell) unless shell: true.',
    oneOf: [{ type: 'array', items: { type: 'string' }, minItems: 1 }, nonEmpty],
  },
  shell: { type: 'boolean', description: 'Run `run` (a string) with /bin/sh -c. Variables are shell-quoted when substituted.' },
  cwd: { ...nonEmpty, description: 'Working directory (relative paths are relative to the runbook file).' },
  env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra environment variables.' },
  timeout: duration,
  expect_exit: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 }, minItems: 1, description: 'Exit codes that count as passed (default [0]).' },
  expect: {
    type: 'object',
    additionalProperties: false,
    description: 'Output assertions; each listed text must (not) appear in the captured output.',
    properties: {
      stdout_contains: stringList, stdout_not_contains: stringList,
      stderr_contains: stringList, stderr_not_contains: stringList,
    },
  },
  pin_commit: { type: 'string', description: 'The git HEAD of cwd must equal this commit (e.g. ${target.commit}).' },
  environment_failure: { type: 'array', items: nonEmpty, minItems: 1, uniqueItems: true, description: 'Output texts meaning "could not run here" (e.g. Could not resolve host): a failed attempt whose stdout or stderr contains one is recorded as an environment failure.' },
}, ['run']);

const checkStep = {
  ...kindSchema('check', {
    check: { enum: ['handoff-payload', 'envelope', 'artifact-digest'], description: 'The built-in check to run.' },
    with: { type: 'object', description: 'Parameters of the check.' },
    cwd: { ...nonEmpty, description: 'Directory the check paths are relative to (default: the runbook file\'s directory).' },
  }, ['check', 'with']),
  allOf: [
    { $ref: '#/$defs/stepCommon' },
    {
      if: { properties: { check: { const: 'handoff-payload' } } },
      then: { properties: { with: { required: ['manifest', 'payload'], additionalProperties: false, properties: { manifest: nonEmpty, payload: nonEmpty, strict: { type: 'boolean' }, expect_release_tag: nonEmpty, expect_commit_sha: { type: 'string', pattern: '^([0-9a-f]{40}|.*\\$\\{[^}]+\\}.*)$', description: 'The full 40-hex commit sha the payload must name, or a ${var} such as ${target.commit}.' } } } } },
    },
    {
      if: { properties: { check: { const: 'envelope' } } },
      then: { properties: { with: { required: ['contract', 'sample'], additionalProperties: false, properties: { contract: { enum: ['v2', 'v3'] }, sample: nonEmpty, policy: nonEmpty, manifest: nonEmpty } } } },
    },
    {
      if: { properties: { check: { const: 'artifact-digest' } } },
      then: {
        properties: {
          with: {
            required: ['root'], additionalProperties: false,
            oneOf: [{ required: ['artifacts'] }, { required: ['from'] }],
            properties: {
              root: nonEmpty, from: nonEmpty,
              artifacts: { type: 'array', minItems: 1, items: { type: 'object', required: ['path', 'sha256'], additionalProperties: false, properties: { path: nonEmpty, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } } } },
            },
          },
        },
      },
    },
  ],
};

const confirmStep = kindSchema('confirm', {
  statement: { ...nonEmpty, description: 'What the operator attests.' },
  note: { enum: ['required', 'optional'], description: 'Whether a note must accompany the confirmation.' },
  link: { enum: ['required', 'optional'], description: 'Whether a link (URL) must accompany the confirmation.' },
}, ['statement']);

const inputFields = {
    type: 'array', minItems: 1,
    items: {
      type: 'object', required: ['id', 'label', 'type'], additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'Field id; referenced as ${step_id.field_id} in notices.' },
        label: nonEmpty,
        type: { enum: ['text', 'select', 'sha', 'tag', 'duration', 'url', 'timestamp'] },
        options: { type: 'array', items: nonEmpty, minItems: 1, description: 'Choices of a select field.' },
        required: { type: 'boolean', default: true },
        pattern: { type: 'string', description: 'A regular expression the value must match.' },
        multiline: { type: 'boolean' },
        equals: { ...nonEmpty, description: 'The value must equal this text after substitution, e.g. ${baseline.release_tag} or ${other_step.field}.' },
        future: { type: 'boolean', description: 'A timestamp field: the time must be later than the moment it is entered (e.g. a next-update ETA).' },
      },
      if: { properties: { type: { const: 'select' } } },
      then: { required: ['options'] },
    },
};

const inputStep = kindSchema('input', { fields: inputFields }, ['fields']);

const noticeStep = kindSchema('notice', {
  channel: { type: 'string', description: 'Where the notice is sent (e.g. #incident-bridge).' },
  audience: { type: 'string' },
  template: { ...nonEmpty, description: 'Message text with ${var}, ${run.*}, ${baseline.*}, ${target.*} and ${step_id.field} references.' },
  updates: { type: 'boolean', default: false, description: 'Repeatable status updates: sent any number of times (notices/<step>.update-<n>.md/.txt), each rendered from its own `fields` (referenced as ${this_step.field}, and ${this_step.number}); needs `fields` and `next_update`. Never blocks the GO.' },
  fields: { ...inputFields, description: 'The fields each status update is entered with (only with updates: true), validated like an input step\'s.' },
  next_update: { ...nonEmpty, description: 'The next-update ETA this notice promises: ${step.field} of a timestamp field with future: true. The latest sent notice\'s ETA is a live countdown; passing it without a newer update is journaled (update.overdue).' },
}, ['template']);

const signoffStep = kindSchema('signoff', {
  roles: { type: 'array', items: id, minItems: 1, description: 'Roles that must each sign.' },
  statement: { ...nonEmpty, description: 'The statement each approver signs.' },
  distinct: { type: 'boolean', default: true, description: 'Each role signed by a different person.' },
  exclude_operator: { type: 'boolean', default: true, description: 'The operator who started the run may not sign.' },
}, ['roles', 'statement']);

const decisionStep = kindSchema('decision', {
  options: {
    type: 'array', minItems: 1,
    items: {
      type: 'object', required: ['id', 'label', 'go'], additionalProperties: false,
      properties: {
        id,
        label: nonEmpty,
        go: { type: 'boolean', description: 'Whether this option is a GO (locked until its conditions hold).' },
        modes: { type: 'array', items: { enum: ['rehearsal', 'cutover'] }, minItems: 1 },
        requires_steps: { oneOf: [{ const: 'all' }, { type: 'array', items: id }], description: '`all` (every required step before the decision) or a list of step ids.' },
        requires_signoffs: { type: 'array', items: id, description: 'Sign-off steps that must be complete.' },
        remediation: { type: 'boolean', description: 'The option needs a remediation plan (NO-GO).' },
      },
    },
  },
}, ['options']);

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://cutover.dev/schema/runbook.schema.json',
  title: 'cutover runbook (format cutover-runbook/v1)',
  type: 'object',
  required: ['format', 'id', 'title', 'version', 'modes', 'baseline', 'target', 'roles', 'sections'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    format: { const: 'cutover-runbook/v1', description: 'Runbook format version.' },
    id: { ...id, description: 'Runbook id; names the evidence bundle.' },
    title: nonEmpty,
    version: { ...nonEmpty, description: 'Version of this runbook (e.g. 1.0.0).' },
    description: { type: 'string' },
    kind: { enum: ['cutover', 'rollback'], description: 'rollback: the runbook rolls back from `target` to `baseline` (shown as target → baseline). Default cutover.' },
    modes: { type: 'array', items: { enum: ['rehearsal', 'cutover'] }, minItems: 1, uniqueItems: true, description: 'Modes this runbook may be run in.' },
    baseline: { ...pin, description: 'The baseline that stays active until the cutover gate is passed (and the rollback target).' },
    target: { ...pin, description: 'The cutover target.' },
    roles: {
      type: 'array', minItems: 1,
      items: { type: 'object', required: ['id', 'title', 'side'], additionalProperties: false, properties: { id, title: nonEmpty, side: { enum: ['producer', 'consumer', 'joint'] } } },
    },
    vars: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: {
        type: 'object', required: ['type', 'description'], additionalProperties: false,
        properties: {
          type: { enum: ['string', 'path', 'url', 'sha', 'tag', 'int', 'bool', 'duration'] },
          description: nonEmpty,
          default: { type: ['string', 'number', 'boolean'] },
          required: { type: 'boolean' },
          env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable to read the value from.' },
        },
      },
    },
    tools: { type: 'array', items: { type: 'string', pattern: '^[^/\\s]+$' }, uniqueItems: true, description: 'Executables the preflight requires on PATH.' },
    secrets: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, description: 'Environment variables whose values are masked everywhere.' },
    rollback: { ...nonEmpty, description: 'Path of the rollback runbook, relative to this file.' },
    triggers: {
      type: 'array',
      items: {
        type: 'object', required: ['id', 'title', 'severity', 'action'], additionalProperties: false,
        properties: { id, title: nonEmpty, severity: { enum: ['SEV-1', 'SEV-2', 'SEV-3'] }, action: nonEmpty, rollback: { type: 'boolean' } },
      },
    },
    max_age: { ...duration, description: 'Default maximum age of evidence for a GO.' },
    signers: {
      type: 'object', required: ['file', 'roles'], additionalProperties: false,
      description: 'SSH-signed sign-offs (docs/signoffs.md): every sign-off of this runbook must carry an `ssh-keygen -Y sign` signature (namespace cutover-signoff) by a principal allowed for its role.',
      properties: {
        file: { ...nonEmpty, description: 'The allowed-signers file (git\'s / ssh-keygen\'s format): a path relative to this runbook, or a ${var}.' },
        roles: {
          type: 'object',
          description: 'Per role id, the principals of the allowed-signers file that may sign for it.',
          propertyNames: { pattern: '^[a-z][a-z0-9_-]*$' },
          additionalProperties: { type: 'array', items: nonEmpty, minItems: 1, uniqueItems: true },
        },
        operator_principal: { enum: ['required', 'optional'], default: 'optional', description: 'required: a run starts only with --operator-principal (the operator\'s principal in the allowed-signers file), so the operator\'s keys are told apart from the approvers\' by key, not by name.' },
      },
    },
    sections: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['id', 'title', 'steps'], additionalProperties: false,
        properties: {
          id, title: nonEmpty, description: { type: 'string' },
          on_failure: { enum: ['continue', 'stop'], default: 'continue', description: 'stop: once a required step of this section fails, its later steps are not run until that step passes (or is skipped).' },
          steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
        },
      },
    },
  },
  $defs: {
    stepCommon,
    step: {
      type: 'object',
      required: ['id', 'kind', 'title'],
      properties: { kind: stepCommon.properties.kind },
      allOf: ['command', 'check', 'confirm', 'input', 'notice', 'signoff', 'decision'].map((k) => ({
        if: { properties: { kind: { const: k } }, required: ['kind'] },
        then: { $ref: `#/$defs/${k}Step` },
      })),
    },
    commandStep, checkStep, confirmStep, inputStep, noticeStep, signoffStep, decisionStep,
  },
};

// `--out FILE` writes elsewhere (the test compares that with the committed file).
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : new URL('../schema/runbook.schema.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
