import { describe, expect, it } from 'vitest';
import { SecretMasker, secretValuesFrom } from '../../src/runner/index.js';

/** Reference: hide every byte covered by any occurrence, one '***' per hidden run. */
function maskAtOnce(data: Buffer, secrets: string[]): Buffer {
  const hidden = new Array<boolean>(data.length).fill(false);
  for (const secret of secrets.filter((s) => s !== '').map((s) => Buffer.from(s))) {
    for (let at = data.indexOf(secret); at !== -1; at = data.indexOf(secret, at + 1)) {
      hidden.fill(true, at, at + secret.length);
    }
  }
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i++) {
    if (!hidden[i]) out.push(data.subarray(i, i + 1));
    else if (i === 0 || !hidden[i - 1]) out.push(Buffer.from('***'));
  }
  return Buffer.concat(out);
}

function maskInChunks(chunks: Buffer[], secrets: string[]): Buffer {
  const masker = new SecretMasker(secrets);
  return Buffer.concat([...chunks.map((c) => masker.push(c)), masker.flush()]);
}

/** Deterministic PRNG so a failing fuzz case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('SecretMasker', () => {
  it('replaces each occurrence with *** and leaves other bytes alone', () => {
    const out = maskInChunks([Buffer.from('token=hunter22 and again hunter22.\n')], ['hunter22']);
    expect(out.toString()).toBe('token=*** and again ***.\n');
  });

  it('passes chunks through untouched when there are no secrets', () => {
    const chunk = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const masker = new SecretMasker([]);
    expect(masker.push(chunk)).toBe(chunk);
    expect(masker.flush().length).toBe(0);
  });

  it('keeps invalid UTF-8 byte-exact around a masked secret', () => {
    const data = Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from('sekret'), Buffer.from([0x80, 0xe2, 0x82])]);
    const out = maskInChunks([data], ['sekret']);
    expect(out).toEqual(Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from('***'), Buffer.from([0x80, 0xe2, 0x82])]));
  });

  it('masks a secret split across two chunks at every possible point', () => {
    const text = 'before pa55word-Xy after';
    for (let cut = 0; cut <= text.length; cut++) {
      const chunks = [Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))];
      expect(maskInChunks(chunks, ['pa55word-Xy']).toString(), `cut at ${cut}`).toBe('before *** after');
    }
  });

  it('masks a secret delivered one byte at a time', () => {
    const chunks = [...Buffer.from('a pa55word-Xy b')].map((byte) => Buffer.from([byte]));
    expect(maskInChunks(chunks, ['pa55word-Xy']).toString()).toBe('a *** b');
  });

  it('holds back only bytes that could start a secret', () => {
    const masker = new SecretMasker(['abcd']);
    expect(masker.push(Buffer.from('hello ab')).toString()).toBe('hello ');
    expect(masker.push(Buffer.from('x')).toString()).toBe('abx');
    expect(masker.push(Buffer.from(' abc')).toString()).toBe(' ');
    expect(masker.flush().toString()).toBe('abc');
  });

  it('never leaks part of a secret that overlaps or extends another one', () => {
    const secrets = ['abc', 'abcdef', 'bcd', 'cdzz'];
    for (const text of ['xabcdefx', 'xabcdx', 'xbcdzzx', 'abcabcdef', 'zabcdzz']) {
      for (let cut = 0; cut <= text.length; cut++) {
        const chunks = [Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))];
        const expected = maskAtOnce(Buffer.from(text), secrets);
        expect(maskInChunks(chunks, secrets), `${text} cut at ${cut}`).toEqual(expected);
      }
    }
  });

  it('matches the whole-output reference for random output and random chunking', () => {
    const next = random(42);
    const secrets = ['abca', 'bcc', 'cab', 'aaaa'];
    for (let round = 0; round < 500; round++) {
      const length = Math.floor(next() * 60);
      const data = Buffer.from(Array.from({ length }, () => 'abcx'.charCodeAt(Math.floor(next() * 4))));
      const chunks: Buffer[] = [];
      for (let at = 0; at < data.length; ) {
        const size = 1 + Math.floor(next() * 7);
        chunks.push(data.subarray(at, at + size));
        at += size;
      }
      expect(maskInChunks(chunks, secrets), `data ${data.toString()}`).toEqual(maskAtOnce(data, secrets));
    }
  });
});

describe('secretValuesFrom', () => {
  const env = {
    GITHUB_TOKEN: 'ghp_abcdefgh',
    db_password: 'correct-horse',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
    ApiKey: 'k-123456',
    RELEASE_NOTES_URL: 'https://example.test/notes',
    DEPLOY_PIN: '4242-4242',
    SHORT_TOKEN: 'abc',
    EMPTY_SECRET: '',
    UNSET_KEY: undefined,
    USE_KEYCHAIN: 'true',
    PATH: '/usr/bin:/bin',
  };

  it('takes declared variables and names containing TOKEN/SECRET/PASSWORD/KEY, case-insensitively', () => {
    const values = secretValuesFrom(env, ['DEPLOY_PIN', 'NOT_SET_AT_ALL']);
    expect(values.sort()).toEqual(['4242-4242', 'correct-horse', 'ghp_abcdefgh', 'k-123456', 'wJalrXUtnFEMI'].sort());
  });

  it('ignores empty, unset, very short and boolean-like values', () => {
    const values = secretValuesFrom(env, ['SHORT_TOKEN', 'EMPTY_SECRET', 'UNSET_KEY']);
    expect(values).not.toContain('abc');
    expect(values).not.toContain('');
    expect(values).not.toContain('true');
    expect(values).not.toContain('/usr/bin:/bin');
  });

  it('lists each value once, longest first', () => {
    const values = secretValuesFrom({ A_TOKEN: 'same-value', B_TOKEN: 'same-value', C_KEY: 'longer-value!' }, []);
    expect(values).toEqual(['longer-value!', 'same-value']);
  });
});
