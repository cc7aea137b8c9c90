// Secret masking: the one place where secret values become '***', for
// command output (SecretMasker, streamed), for text (maskText) and for
// structured values such as journal events and `plan --json` (maskValue).
// All three hide the same bytes. It works on bytes, not decoded text, so
// output that is not valid UTF-8 still reaches the evidence files byte-exact.
// Every byte that belongs to an occurrence of a secret is hidden (overlapping
// and nested secrets included); each hidden run becomes one '***'. Across
// chunks it keeps a little look-behind (an occurrence may start in bytes
// already emitted) and holds back only a tail that could be the start of a
// secret, so the live view is not delayed by more than that.

export const MASKED = '***';
const MASK = Buffer.from(MASKED);
const EMPTY = Buffer.alloc(0);
const MIN_SECRET_LENGTH = 4;
/** Names of variables whose values are secret whatever the runbook says. */
export const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/i;
/** Common non-secret values of variables that merely look secret by name (USE_KEYCHAIN=true). */
const NOT_SECRET_VALUES = new Set(['true', 'false', 'null', 'none', 'unset', 'undefined']);

/**
 * Values to mask: those of the variables the runbook declares as secrets,
 * plus any variable whose name says TOKEN, SECRET, PASSWORD or KEY.
 * Values shorter than 4 characters are ignored (masking them would garble
 * the output); so are boolean-like values of name-matched variables.
 */
export function secretValuesFrom(env: Record<string, string | undefined>, declared: string[]): string[] {
  const declaredNames = new Set(declared);
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    if (declaredNames.has(name)) values.add(value);
    else if (SECRET_NAME.test(name) && !NOT_SECRET_VALUES.has(value.toLowerCase())) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * A secret as given, and as it reads once quoted: inside a JSON string (an
 * assertion's text, check parameters, `plan --json`) and in a shell command
 * (the `'\''` of single quotes, backslashes inside double quotes). A value
 * with a quote or a backslash in it is then masked in those forms too.
 */
function quotedForms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), secret.replaceAll("'", `'\\''`), secret.replace(/[\\$`"]/g, '\\$&')];
}

export class SecretMasker {
  private readonly secrets: Buffer[];
  private readonly maxLength: number;
  /** Bytes already emitted, kept because an occurrence may start in them. */
  private lookBehind = EMPTY;
  /** Bytes not yet emitted because they may be the start of a secret. */
  private held = EMPTY;
  private lastEmittedWasMask = false;

  constructor(secrets: readonly string[]) {
    this.secrets = [...new Set(secrets.flatMap(quotedForms))].filter((s) => s.length > 0).map((s) => Buffer.from(s, 'utf8'));
    this.maxLength = Math.max(0, ...this.secrets.map((s) => s.length));
  }

  /** Masks a chunk; the returned bytes are final (may be shorter: some may be held back). */
  push(chunk: Buffer): Buffer {
    if (this.secrets.length === 0) return chunk;
    return this.emit(Buffer.concat([this.lookBehind, this.held, chunk]), false);
  }

  /** End of stream: releases the held-back bytes, masked. */
  flush(): Buffer {
    if (this.secrets.length === 0 || this.held.length === 0) return EMPTY;
    return this.emit(Buffer.concat([this.lookBehind, this.held]), true);
  }

  private emit(data: Buffer, final: boolean): Buffer {
    const from = this.lookBehind.length;
    const limit = final ? data.length : Math.max(from, this.partialStart(data));
    const out: Buffer[] = [];
    let at = from;
    let masked = this.lastEmittedWasMask;
    for (const [start, end] of this.hiddenRuns(data, from, limit)) {
      if (start > at) {
        out.push(data.subarray(at, start));
        masked = false;
      }
      if (!masked) out.push(MASK);
      masked = true;
      at = end;
    }
    if (limit > at) {
      out.push(data.subarray(at, limit));
      masked = false;
    }
    this.lastEmittedWasMask = masked;
    this.lookBehind = Buffer.from(data.subarray(Math.max(0, limit - (this.maxLength - 1)), limit));
    this.held = Buffer.from(data.subarray(limit));
    return out.length === 1 && out[0] ? out[0] : Buffer.concat(out);
  }

  /** Merged [start, end) runs of bytes covered by a secret occurrence, clipped to [from, limit). */
  private hiddenRuns(data: Buffer, from: number, limit: number): Array<[number, number]> {
    const found: Array<[number, number]> = [];
    for (const secret of this.secrets) {
      let at = data.indexOf(secret, Math.max(0, from - secret.length + 1));
      while (at !== -1 && at < limit) {
        found.push([Math.max(at, from), Math.min(at + secret.length, limit)]);
        at = data.indexOf(secret, at + 1);
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    const runs: Array<[number, number]> = [];
    for (const [start, end] of found) {
      const last = runs[runs.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else runs.push([start, end]);
    }
    return runs;
  }

  /** Earliest position whose suffix is a proper prefix of some secret (data.length if none). */
  private partialStart(data: Buffer): number {
    for (let at = Math.max(0, data.length - (this.maxLength - 1)); at < data.length; at++) {
      const rest = data.subarray(at);
      for (const secret of this.secrets) {
        if (secret.length > rest.length && rest.equals(secret.subarray(0, rest.length))) return at;
      }
    }
    return data.length;
  }
}

/** `text` with every occurrence of a secret hidden, exactly as SecretMasker hides it in output. */
export function maskText(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text.length === 0) return text;
  const masker = new SecretMasker(secrets);
  const data = Buffer.from(text, 'utf8');
  const out = Buffer.concat([masker.push(data), masker.flush()]);
  return out === data || out.equals(data) ? text : out.toString('utf8');
}

/**
 * A copy of a JSON-like value with every string in it masked (object keys
 * are names, not values, and stay). `keep(path)` names the strings to leave
 * as they are — identifiers and digests a program reads back; `path` is the
 * chain of object keys from the root, array positions left out.
 */
export function maskValue<T>(value: T, secrets: readonly string[], keep: (path: readonly string[]) => boolean = () => false): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string') return keep(path) ? v : maskText(v, secrets);
    if (Array.isArray(v)) return v.map((x) => walk(x, path));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  return walk(value, []) as T;
}
