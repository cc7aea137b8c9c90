// The one clock of a run. Session, runner, deadlines, the GO lock's
// freshness rule and the reporters all read time through it, so a test can
// move time for all of them at once and every recorded time agrees.

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
