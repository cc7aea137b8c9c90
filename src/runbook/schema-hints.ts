// The wording of schema diagnostics: a fix hint for each kind of schema error,
// and values and JSON Schema types described in the words a YAML author knows.
// schema.ts decides which errors to report and where.

export type Path = (string | number)[];

export function valueAt(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const seg of path) v = (v as Record<string | number, unknown> | null)?.[seg];
  return v;
}

export function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** JSON Schema type names in the words YAML users know. */
export function yamlTypeName(type: string): string {
  return type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
}

export function describeValue(v: unknown, written: string | undefined): string {
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const shown = JSON.stringify(v);
  // YAML reads `1.10` as the number 1.1: show what was written.
  return written !== undefined && written !== shown && written !== String(v) ? `${typeof v} ${shown} (written ${written})` : `${typeof v} ${shown}`;
}

export function typeHint(type: string): string {
  switch (type) {
    case 'array':
      return 'write a list, one `- item` per line or [a, b]';
    case 'object':
      return 'write a mapping of `key: value` lines, indented below this key';
    case 'string':
      return 'quote the value if YAML reads it as a number, boolean or date (e.g. "1.0")';
    case 'boolean':
      return 'write true or false (without quotes)';
    case 'integer':
      return 'write a whole number';
    default:
      return `write ${article(type)}`;
  }
}

export function patternHint(pattern: string): string {
  if (pattern.includes('ms|s|m|h|d')) return 'write a duration such as 90s, 15m, 1h30m or 24h';
  if (pattern.includes('[0-9a-f]{40}')) return 'write the full 40-character lower-case commit sha, or a ${…} reference such as ${target.commit}';
  if (pattern.includes('[0-9a-f]{64}')) return 'write the 64-character lower-case sha256 hex digest';
  if (pattern.includes('start|trigger')) return 'write `start`, `trigger` or the id of a step';
  if (pattern.startsWith('^[a-z]')) return 'ids are lower case letters, digits, - and _, starting with a letter';
  if (pattern === '^[A-Za-z_][A-Za-z0-9_]*$') return 'write a name of letters, digits and _ that does not start with a digit';
  if (pattern === '^[^/\\s]+$') return 'write the name of an executable (no path, no spaces), e.g. git';
  return `the value must match ${pattern}`;
}

const REQUIRED_EXAMPLES: Record<string, string> = {
  format: 'start the runbook with `format: cutover-runbook/v1`',
  title: 'add `title:` with a few words saying what it is',
  kind: 'add `kind:` — one of command, check, confirm, input, notice, signoff, decision',
  run: 'add `run:` with the command, as a list of words (`run: [make, test]`) or one string (`run: make test`)',
  options: 'add `options:` with the choices, e.g. `options: [blue, green]`',
  go: 'add `go: true` for a GO option or `go: false` for a NO-GO option',
  statement: 'add `statement:` with the text that is attested or signed',
  roles: 'add `roles:` with the ids of the roles that must sign, e.g. `roles: [producer_approver]`',
  fields: 'add `fields:` with the values to record, e.g. `- { id: ticket, label: Change ticket, type: text }`',
  template: 'add `template:` with the message text',
  check: 'add `check:` — one of handoff-payload, envelope, artifact-digest',
  with: 'add `with:` with the parameters of the check',
  commit: 'add `commit:` with the full 40-character commit sha',
  release_tag: 'add `release_tag:`, e.g. v1.2.0',
  within: 'add `within:` with a duration such as 15m',
  after: 'add `after:` with `start`, `trigger` or a step id',
  type: 'add `type:`',
  description: 'add `description:` saying what it is for',
};

export function requiredHint(prop: string, path: Path, data: unknown): string {
  if (prop === 'id') {
    const what = path.length === 0 ? 'the runbook' : path.includes('steps') ? 'the step' : 'it';
    return `add \`id:\` to name ${what}: lower case letters, digits, - and _ (e.g. \`id: build-release\`)`;
  }
  if (path[path.length - 1] === 'with') {
    const check = valueAt(data, [...path.slice(0, -1), 'check']);
    return `add \`${prop}:\` — ${CHECK_PARAMS[String(check)] ?? 'see docs/runbook-format.md for the parameters of this check'}`;
  }
  return REQUIRED_EXAMPLES[prop] ?? `add \`${prop}:\` (see docs/runbook-format.md for what it holds)`;
}

const CHECK_PARAMS: Record<string, string> = {
  'handoff-payload': 'a handoff-payload check takes `manifest:` and `payload:` (paths) and optionally `strict:`, `expect_release_tag:` and `expect_commit_sha:`',
  envelope: 'an envelope check takes `contract:` (v2 or v3) and `sample:` (a path), optionally `policy:` and `manifest:`',
  'artifact-digest': 'an artifact-digest check takes `root:` and either `artifacts:` (a list of {path, sha256}) or `from:` (a JSON file)',
};

export function oneOfProblem(where: string, path: Path, value: unknown): { message: string; hint: string } {
  const last = path[path.length - 1];
  if (last === 'run') {
    const empty = value === '' || (Array.isArray(value) && value.length === 0);
    return {
      message: empty ? `${where} is empty` : `${where} must be a list of words or a string, not ${describeValue(value, undefined)}`,
      hint: 'write the command as a list of words ([cargo, test]) or as one string (cargo test)',
    };
  }
  if (last === 'with' && value && typeof value === 'object') {
    const both = 'artifacts' in value && 'from' in value;
    return {
      message: both ? `${where} has both \`artifacts:\` and \`from:\`` : `${where} has neither \`artifacts:\` nor \`from:\``,
      hint: 'an artifact-digest check takes exactly one of them: `artifacts:` (a list of {path, sha256}) or `from:` (a JSON file of digests)',
    };
  }
  if (last === 'requires_steps') return { message: `${where} must be \`all\` or a list of step ids, not ${describeValue(value, undefined)}`, hint: 'write `requires_steps: all` or `requires_steps: [build, smoke]`' };
  return { message: `${where} has an invalid form`, hint: 'see docs/runbook-format.md for the accepted forms' };
}
