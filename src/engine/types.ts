// Scalars and ids shared by the whole engine. Plain aliases: they document intent without
// forcing casts at every boundary (the engine is small enough that names carry the meaning).

/** Microseconds, monotonic unless the name says `realtime`. The only time unit in the engine. */
export type Usec = number;
/** A unit name such as `web.service` (validated by unit-name.ts before it is used). */
export type UnitName = string;
export type JobId = number;
/** Engine-allocated id of one spawned command; the process driver reports outcomes by it. */
export type ExecId = number;
export type Pid = number;
/** Key of one armed timer; the owner decides the format (`job:42`, `unit:web.service:state`). */
export type TimerId = string;

export const USEC_INFINITY: Usec = Number.POSITIVE_INFINITY;
export const USEC_PER_MSEC = 1_000;
export const USEC_PER_SEC = 1_000_000;

export const UNIT_TYPES = ['service', 'socket', 'target', 'timer', 'path', 'slice', 'scope', 'mount', 'automount', 'swap', 'device'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const LOAD_STATES = ['stub', 'loaded', 'not-found', 'bad-setting', 'error', 'merged', 'masked'] as const;
export type LoadState = (typeof LOAD_STATES)[number];

export const ACTIVE_STATES = ['active', 'reloading', 'inactive', 'failed', 'activating', 'deactivating', 'maintenance'] as const;
export type ActiveState = (typeof ACTIVE_STATES)[number];

export const JOB_TYPES = ['start', 'verify-active', 'stop', 'reload', 'restart', 'nop', 'try-restart', 'try-reload', 'reload-or-start'] as const;
export type JobType = (typeof JOB_TYPES)[number];
/** The six types that can sit in a job slot (the last three collapse before install). */
export type InstallableJobType = 'start' | 'verify-active' | 'stop' | 'reload' | 'restart' | 'nop';

export const JOB_MODES = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements', 'triggering', 'restart-dependencies'] as const;
export type JobMode = (typeof JOB_MODES)[number];

export const JOB_STATES = ['waiting', 'running'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_RESULTS = ['done', 'canceled', 'timeout', 'failed', 'dependency', 'skipped', 'invalid', 'assert', 'unsupported', 'collected', 'once', 'frozen'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

/** Verbs a client may ask for; the manager maps the reload-or-* ones to job types (02 §2.4, 06 §3.1). */
export const REQUEST_TYPES = ['start', 'stop', 'reload', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'verify-active'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
