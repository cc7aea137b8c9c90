// "Did you mean …?" for misspelt ids, field names and values in runbooks.

/** Edit distance counting a swap of two neighbouring letters as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates `word` is most plausibly a misspelling or a shortening of,
 * best first (at most `limit`).
 */
export function closest(word: string, candidates: Iterable<string>, limit = 2): string[] {
  const w = word.toLowerCase();
  // Long inputs are not typos of short names; this also bounds the work.
  if (w.length > 64) return [];
  const allowed = Math.max(1, Math.floor(w.length / 3));
  const scored: { c: string; score: number }[] = [];
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    if (lc === w) continue;
    // The distance is at least the difference in length: skip the far ones cheaply.
    const dist = Math.abs(lc.length - w.length) > allowed ? Infinity : editDistance(w, lc);
    if (dist <= allowed) scored.push({ c, score: dist });
    else if (w.length >= 3 && (lc.startsWith(w) || w.startsWith(lc))) scored.push({ c, score: allowed + 1 });
  }
  return scored.sort((x, y) => x.score - y.score || x.c.localeCompare(y.c)).slice(0, limit).map((s) => s.c);
}

/** `did you mean "a" or "b"?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const near = closest(word, candidates);
  return near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined;
}
