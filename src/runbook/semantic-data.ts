// The shapes the semantic checks read the parsed runbook through: it may be
// malformed (the schema reports that), so every access is defensive.

export type Path = (string | number)[];
export type Obj = Record<string, unknown>;
/** A hint, or a function computing it: suggestions compare against every id, so only shown problems pay for them. */
export type Hint = string | (() => string);
export type Report = (path: Path, message: string, hint: Hint) => void;

export interface IndexedStep {
  step: Obj;
  id: string;
  kind: string | undefined;
  path: Path;
  order: number;
}
export type StepIndex = Map<string, IndexedStep>;

export const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function idsOfKind(steps: StepIndex, kind: string): string[] {
  return [...steps.values()].filter((s) => s.kind === kind).map((s) => s.id);
}
