// Who is operating: --operator, else git user.name, else the login name.
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

export function resolveOperator(explicit?: string): string {
  if (explicit?.trim()) return explicit.trim();
  try {
    const name = execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
    if (name) return name;
  } catch {
    // no git or no user.name: fall through to the login name
  }
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
