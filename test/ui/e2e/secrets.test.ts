// The screen shows no secret (issue 10, class 5): the preflight message,
// the commands and working directories in the detail pane, and a failure
// whose spawn error names a path with the token — all masked, in every byte
// the screen wrote to the terminal.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, killAll, messageOf, opened, runSection, select, settled, start, WAIT } from './helpers.js';

afterEach(killAll);

const DEPLOY_TOKEN = `dpl-"quo'ted-7f3a9c`;
const SIGNING_KEY = 'sk-live-MARK-LEAK-5e6d';

/** Each secret as written, and as JSON or a shell command would quote it. */
function leaks(text: string): string[] {
  const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), s.replaceAll("'", `'\\''`), s.replace(/[\\$`"]/g, '\\$&')];
  return [...new Set([DEPLOY_TOKEN, SIGNING_KEY].flatMap(forms))].filter((f) => text.includes(f));
}

describe('secrets on the screen', () => {
  it('the preflight, the detail pane and a spawn failure show *** where the token was', async () => {
    const dir = tempDir();
    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(runbook, readFileSync(join(REPO, 'test/fixtures/hostile/secrets-everywhere.yaml'), 'utf8').replaceAll('@NODE@', process.execPath));
    mkdirSync(join(dir, `work-${DEPLOY_TOKEN}`));
    const p = start(['run', runbook, '--evidence-dir', join(dir, 'evidence')], { cwd: dir, columns: 160, rows: 30, env: { DEPLOY_TOKEN, SIGNING_KEY } });
    await opened(p, 'Secrets everywhere');
    const seen: string[] = [];

    const screen = await settled(p);
    seen.push(screen.join('\n'));
    expect(messageOf(screen)).toMatch(/preflight: 2 problem\(s\) found before the first step \(\+\d+ more above\)/);
    // Each problem whole, with its fix, above the message line: the token masked there too.
    expect(screen.join('\n')).toMatch(/bin-\*\*\*\/deploy/);
    expect(screen.join('\n')).toContain(`in ${join(dir, 'work-***')}`);

    // The section runs until the first failure: a tool under a path named after the token.
    expect(await runSection(p)).toContain('(tool-missing) failed');
    await p.waitFor('could not start: cannot run "./bin-***/deploy"', WAIT);
    seen.push(p.text());

    await select(p, 'A working directory named after the token that is not there');
    await p.waitFor(`in ${join(dir, 'gone-***')}`, WAIT);
    seen.push(p.text());

    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
    seen.push(p.text());
    expect(seen.flatMap(leaks)).toEqual([]);
    expect(leaks(p.raw())).toEqual([]);
  });
});
