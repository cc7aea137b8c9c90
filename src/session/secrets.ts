// Which values are secret in a run (src/runbook/secret-names.ts) and the one
// masking module (src/shared/secret-mask.ts), for the session's files.
export { maskText as maskSecrets, maskValue, secretNamesIn, secretsFor, shownVars } from '../runbook/secret-names.js';
