// Regenerates the producer handoff payload from the canonical manifest (the
// sandbox twin of generate_producer_handoff_payload.sh). The rehearsal writes
// the service-v3-candidate payload under out/, outside the committed tree, so
// the pinned checkout stays clean.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generateHandoffPayload, MANIFEST, parseArgs, producerRoot, readJson, run } from './lib/contract.mjs';

const USAGE = `Usage: node scripts/generate-handoff-payload.mjs [--mode stable|service-v3-candidate] [--memorykernel-root DIR] [--out-json FILE]

Generates a producer handoff payload JSON from ${MANIFEST}; prints it and,
with --out-json, writes it there.`;

run('handoff payload generation', () => {
  const args = parseArgs(process.argv.slice(2), ['mode', 'memorykernel-root', 'out-json'], USAGE);
  const mode = args.mode ?? 'stable';
  if (mode !== 'stable' && mode !== 'service-v3-candidate') {
    console.error(`invalid --mode value: ${mode} (expected stable|service-v3-candidate)`);
    process.exit(2);
  }
  const root = producerRoot(args);
  const payload = generateHandoffPayload(root, readJson(root, MANIFEST), mode);
  const text = `${JSON.stringify(payload, null, 2)}\n`;
  if (args['out-json']) {
    const out = resolve(root, args['out-json']);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    console.error(`wrote ${mode} handoff payload for ${payload.release_tag} (${payload.commit_sha}) to ${out}`);
  }
  process.stdout.write(text);
});
