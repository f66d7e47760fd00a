// The manager environment that every service inherits (set-environment, unset-environment,
// show-environment). The Manager owns one mutable record seeded from HostInfo.environment;
// exec-env.ts reads it through the host port. Validation follows systemd's env-util.c rules.
import { fail, ok, type Result } from './errors.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Longest name or assignment systemd accepts (sysconf ARG_MAX/2 in spirit; a fixed bound here). */
const MAX_ASSIGNMENT = 128 * 1024;

export const isValidEnvName = (n: string): boolean => n.length > 0 && n.length <= MAX_ASSIGNMENT && NAME.test(n);

/** Control characters other than tab and newline make a value invalid. */
const isValidEnvValue = (v: string): boolean => v.length <= MAX_ASSIGNMENT && !/[\x00-\x08\x0b-\x1f\x7f]/.test(v);

export function isValidAssignment(a: string): boolean {
  const eq = a.indexOf('=');
  return eq > 0 && isValidEnvName(a.slice(0, eq)) && isValidEnvValue(a.slice(eq + 1));
}

/** SetEnvironment: all or nothing; later assignments of one name win. */
export function setEnvironment(env: Record<string, string>, assignments: readonly string[]): Result<void> {
  if (!assignments.every(isValidAssignment)) return fail('InvalidArgs', ['Invalid environment assignments']);
  for (const a of assignments) {
    const eq = a.indexOf('=');
    env[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return ok(undefined);
}

/** UnsetEnvironment: a name removes the variable; NAME=VALUE only when the value matches (env_match). */
export function unsetEnvironment(env: Record<string, string>, names: readonly string[]): Result<void> {
  if (!names.every((n) => isValidEnvName(n) || isValidAssignment(n))) {
    return fail('InvalidArgs', ['Invalid environment variable names or assignments']);
  }
  for (const n of names) {
    const eq = n.indexOf('=');
    if (eq < 0) delete env[n];
    else if (env[n.slice(0, eq)] === n.slice(eq + 1)) delete env[n.slice(0, eq)];
  }
  return ok(undefined);
}

/** NAME=VALUE lines sorted by byte order, as ShowEnvironment returns them. */
export function environmentBlock(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env).sort().map((k) => `${k}=${env[k]}`);
}
