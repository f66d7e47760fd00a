// The exec chain for what Node's spawn cannot apply: resource limits (util-linux prlimit), the
// nice level (coreutils nice) and credentials WITH supplementary groups (util-linux setpriv).
// Each tool execs the next and the last execs the service; no shell is ever involved.

export interface Identity {
  readonly uid: number | null;
  readonly gid: number | null;
  /** The complete supplementary group list, or null to keep the daemon's. */
  readonly groups: readonly number[] | null;
}

export interface Tools {
  readonly prlimit: string | null;
  readonly nice: string | null;
  readonly setpriv: string | null;
  /** For a custom argv[0] ('@' prefix) behind the other links: bash's `exec -a` (dash has none). */
  readonly bash: string | null;
}

export interface WrapRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly identity: Identity | null;
  /** Absolute Nice= value, and the daemon's own (nice(1) takes an adjustment). */
  readonly nice: number | null;
  readonly currentNice: number;
  readonly limits: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
}

export interface Wrapped {
  readonly file: string;
  readonly args: readonly string[];
  readonly wrapped: boolean;
  /** Credentials to hand to Node itself when setpriv is missing (supplementary groups are lost). */
  readonly fallbackIdentity: Identity | null;
}

export type WrapResult = { readonly ok: true; readonly value: Wrapped } | { readonly ok: false; readonly status: number; readonly message: string };

/** Limit…= suffix → prlimit's long option (they only differ in case). */
const limitOption = (key: string): string => `--${key.toLowerCase()}`;
const limitValue = (n: number): string => (Number.isFinite(n) ? String(n) : 'unlimited');

function setprivArgs(id: Identity): string[] {
  const out: string[] = [];
  if (id.uid !== null) out.push('--reuid', String(id.uid));
  if (id.gid !== null) out.push('--regid', String(id.gid));
  if (id.groups === null) out.push('--keep-groups');
  else if (id.groups.length === 0) out.push('--clear-groups');
  else out.push('--groups', id.groups.join(','));
  return out;
}

/**
 * Builds `prlimit --nofile=S:H … -- nice -n D -- setpriv --reuid … -- file args…`, keeping only
 * the links that are needed: an unwrapped command is spawned as it is (the fast path).
 * Limits are set first (still privileged, so hard limits may be raised), credentials last.
 */
export function wrapExec(req: WrapRequest, tools: Tools): WrapResult {
  let chain: string[] = [req.file, ...req.args];
  let fallbackIdentity: Identity | null = null;
  if (req.identity !== null) {
    if (tools.setpriv !== null) chain = [tools.setpriv, ...setprivArgs(req.identity), '--', ...chain];
    else fallbackIdentity = req.identity;
  }
  if (req.nice !== null && req.nice !== req.currentNice) {
    if (tools.nice === null) return { ok: false, status: 201, message: 'Failed at step NICE: nice(1) not found' };
    chain = [tools.nice, '-n', String(req.nice - req.currentNice), '--', ...chain];
  }
  const keys = Object.keys(req.limits);
  if (keys.length > 0) {
    if (tools.prlimit === null) return { ok: false, status: 205, message: 'Failed at step LIMITS: prlimit(1) not found' };
    const opts = keys.map((k) => `${limitOption(k)}=${limitValue(req.limits[k]!.soft)}:${limitValue(req.limits[k]!.hard)}`);
    chain = [tools.prlimit, ...opts, '--', ...chain];
  }
  const [file, ...args] = chain as [string, ...string[]];
  return { ok: true, value: { file, args, wrapped: file !== req.file, fallbackIdentity } };
}
