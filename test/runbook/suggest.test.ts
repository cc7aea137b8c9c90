// "Did you mean …?" suggestions for misspelt ids and fields.
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/runbook/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions, and a swap of neighbours as one edit', () => {
    expect(editDistance('hello', 'hello')).toBe(0);
    expect(editDistance('helo', 'hello')).toBe(1);
    expect(editDistance('hallo', 'hello')).toBe(1);
    expect(editDistance('slto', 'slot')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('build', 'deploy')).toBe(5); // b→d u→e i→p (l) d→o +y
  });
});

describe('closest and didYouMean', () => {
  const steps = ['build', 'test', 'deploy-prod', 'deploy-staging', 'smoke'];
  it('suggests near misses, best first, and nothing for unrelated words', () => {
    expect(closest('biuld', steps)).toEqual(['build']);
    expect(closest('deploy-prd', steps)).toEqual(['deploy-prod']);
    expect(closest('rollback', steps)).toEqual([]);
    expect(didYouMean('smok', steps)).toBe('did you mean "smoke"?');
    expect(didYouMean('zzz', steps)).toBeUndefined();
  });
  it('suggests a longer name for its prefix (handoff → handoff-payload)', () => {
    expect(closest('handoff', ['handoff-payload', 'envelope', 'artifact-digest'])).toEqual(['handoff-payload']);
  });
  it('never suggests the word itself, and ignores case', () => {
    expect(closest('Build', ['build', 'BUILD'])).toEqual([]);
  });
  it('gives up on very long words instead of comparing them', () => {
    expect(closest('x'.repeat(10_000), ['x'.repeat(10_000)])).toEqual([]);
  });
});
