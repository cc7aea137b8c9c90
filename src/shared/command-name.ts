// How to name the `cutover` command in a hint the operator will copy. Run by
// `npm start` in a clone, `cutover` is not on the PATH: the hint says
// `npx cutover`, which is.

export function commandName(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'start' ? 'npx cutover' : 'cutover';
}
