// The only ways out of the engine. Adapters implement them in src/daemon; the simulation
// implements them in test/sim. Ports only record or enqueue: they never call back into the
// engine synchronously (outcomes come back later as inputs, see inputs.ts).
import type { TimeZone } from './calendar.ts';
import type { EngineEvent } from './events.ts';
import type { ExecId, Pid, TimerId, UnitName, Usec } from './types.ts';

export interface Clock {
  /** Monotonic time in µs. */
  now(): Usec;
  /** Wall-clock time in µs since the epoch (timestamps shown to users only). */
  realtime(): Usec;
}

export interface TimerService {
  /** Arms (or re-arms) timer `id` to fire at monotonic time `at`; it comes back as TimerFired. */
  arm(id: TimerId, at: Usec): void;
  cancel(id: TimerId): void;
}

/** systemd sets these to the child's own pid: LISTEN_PID with passed fds, WATCHDOG_PID with a watchdog. */
export const OWN_PID_VARIABLES = ['LISTEN_PID', 'WATCHDOG_PID'] as const;
export type OwnPidVariable = (typeof OWN_PID_VARIABLES)[number];

export interface SpawnRequest {
  readonly execId: ExecId;
  readonly unit: UnitName;
  /** Role decides the notify socket and how the driver labels output. */
  readonly role: 'main' | 'control';
  readonly path: string;                        // absolute or bare name (driver searches PATH)
  readonly argv: readonly string[];             // argv[0] first
  readonly env: Readonly<Record<string, string>>; // complete environment, nothing inherited
  readonly cwd: string;
  readonly cwdOptional: boolean;                // '-' prefix on WorkingDirectory=
  readonly user: string | null;
  readonly group: string | null;
  readonly supplementaryGroups: readonly string[];
  readonly umask: number | null;
  readonly nice: number | null;
  readonly limits: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
  readonly stdin: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly syslogIdentifier: string;
  /** Give this process NOTIFY_SOCKET (the driver owns the socket and attributes datagrams to `unit`). */
  readonly notify: boolean;
  /** Socket activation: fds placed at 3, 4, … in the child (05 §A.6). */
  readonly fds: readonly number[];
  /**
   * Variables the driver sets to the pid of the process itself, known only after fork
   * (sd_listen_fds and sd_watchdog_enabled compare them with getpid()). Absent or empty: none.
   */
  readonly ownPidEnv?: readonly OwnPidVariable[];
  /** RuntimeDirectory= and friends, created (with parents) before the command runs. */
  readonly directories?: readonly ExecDirectory[];
}

/** One directory to create before a command runs; `owned` = chown to User=/Group= (not configuration). */
export interface ExecDirectory {
  readonly path: string;
  readonly mode: number;
  readonly owned: boolean;
  /** systemd's exit status when creating it fails (233 RUNTIME_DIRECTORY …). */
  readonly exitStatus: number;
}

/** Removes what a unit leaves behind when it goes dead (RuntimeDirectory=, PIDFile=). */
export interface PathRemover {
  /** Best effort: a missing path is not an error; `recursive` removes a directory tree. */
  remove(path: string, options: { readonly recursive: boolean }): void;
}

export interface SignalRequest {
  readonly unit: UnitName;
  readonly signal: number;
  /** Commands whose processes (their process-group leaders) get the signal. */
  readonly execIds: readonly ExecId[];
  /** Also signal every other process left in the unit's process groups (KillMode=control-group). */
  readonly wholeUnit: boolean;
}

export interface ProcessDriver {
  /**
   * Starts a command in a new process group. Outcomes: ProcessStarted (the exec succeeded),
   * ProcessExited or SpawnFailed. Returns the pid when the fork happened at once (as systemd
   * knows it right after fork, so ExecStartPost= sees MAINPID), else null.
   */
  spawn(req: SpawnRequest): Pid | null;
  /** Sends a signal; returns how many processes or groups were signalled (0 = nothing left). */
  signal(req: SignalRequest): number;
  /** Watches a process we did not spawn (a forking daemon's main PID): ProcessExited when it is gone. */
  adopt(execId: ExecId, unit: UnitName, pid: Pid): void;
  /** True while any process of the unit's groups is alive (the cgroup-empty check without cgroups). */
  hasProcesses(unit: UnitName): boolean;
  /** Whether `pid` lives in one of the unit's process groups or was adopted by it (cgroup membership). */
  ownsProcess?(unit: UnitName, pid: Pid): boolean;
  /** Reports UnitProcessesGone once every process of the unit's groups has ended (cgroup empty). */
  watchProcessesGone(unit: UnitName): void;
}

/** One listener of a socket unit, as the driver opens it (05 §A.1–A.2). */
export interface ListenSpec {
  readonly kind: 'stream' | 'datagram' | 'seqpacket' | 'fifo';
  readonly address: string;
}

export interface SocketOpenRequest {
  readonly unit: UnitName;
  readonly listen: readonly ListenSpec[];
  readonly socketMode: number;
  readonly directoryMode: number;
  readonly backlog: number;
  readonly user: string | null;
  readonly group: string | null;
  readonly symlinks: readonly string[];
  /** BindIPv6Only=: IPV6_V6ONLY on IPv6 listeners ('default' leaves the kernel's setting). */
  readonly bindIPv6Only: 'default' | 'both' | 'ipv6-only';
  readonly reusePort: boolean;
}

export type SocketOpenResult = { readonly ok: true; readonly fds: readonly number[] } | { readonly ok: false; readonly message: string };

/**
 * An accepted connection (Accept=yes): its fd, the instance name part after the counter
 * (`127.0.0.1:80-127.0.0.1:5123` for IP, `PID-UID` of the peer for AF_UNIX, as socket.c
 * instance_from_socket), and the peer address for REMOTE_ADDR/REMOTE_PORT.
 */
export interface AcceptedConnection { readonly fd: number; readonly instance: string; readonly remoteAddr: string | null; readonly remotePort: string | null }

/**
 * Listening sockets of socket units. Opening is synchronous and all-or-nothing, as in systemd
 * (the state machine has no "opening" state); readability comes back as SocketTriggered.
 */
export interface SocketDriver {
  open(req: SocketOpenRequest): SocketOpenResult;
  /** Reports SocketTriggered once when one of the fds becomes readable (or fails); never accepts. */
  watch(unit: UnitName, fds: readonly number[]): void;
  unwatch(unit: UnitName): void;
  /** Discards pending connections and datagrams (FlushPending=, suppressed triggers). */
  flush(fds: readonly number[]): void;
  /** Accept=yes: takes one pending connection, or null when none is waiting. */
  accept(fd: number): AcceptedConnection | null;
  /** Closes fds (listeners or connections); with removePaths, unlinks the socket nodes and symlinks. */
  close(fds: readonly number[], o: { readonly removePaths: readonly string[] }): void;
}

export interface EventSink {
  emit(event: EngineEvent): void;
}

export interface FileStat { readonly kind: 'file' | 'dir' | 'symlink' | 'other'; readonly size: number; readonly mtimeUsec: number }

/** A synchronous, read-only view of the file system, for unit files, EnvironmentFile= and PIDFile=. */
export interface FileSystem {
  /** Like lstat: null if missing. */
  lstat(path: string): FileStat | null;
  /** Like stat (follows symlinks): null if missing or dangling. */
  stat(path: string): FileStat | null;
  readlink(path: string): string | null;
  /** Entry names of a directory, or null if it does not exist. */
  readdir(path: string): string[] | null;
  readFile(path: string): string | null;
}

/** Facts about the host that specifiers and conditions need (%H, %m, %u …). */
export interface HostInfo {
  readonly hostname: string;
  readonly machineId: string;
  readonly bootId: string;
  readonly kernelRelease: string;
  readonly architecture: string;
  readonly userName: string;
  readonly uid: number;
  readonly groupName: string;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  readonly runtimeDir: string;                   // %t
  /** The manager's own environment (PATH, and set-environment results). */
  readonly environment: Readonly<Record<string, string>>;
  /** The daemon's own process environment: what PassEnvironment= may pass (never inherited otherwise). */
  readonly processEnvironment?: Readonly<Record<string, string>>;
  /** Whether tzdata knows this zone (OnCalendar= zone words); absent: any IANA-shaped name passes. */
  readonly isTimeZone?: (name: string) => boolean;
}

/** Persistent= timers: each timer's last trigger (realtime µs), kept across daemon restarts. */
export interface TimerStampStore {
  read(unit: UnitName): Usec | null;
  /** The daemon keeps it as the mtime of <state-dir>/timers/stamp-UNIT, as systemd does. */
  write(unit: UnitName, realtimeUsec: Usec): void;
}

/** Zones for OnCalendar=: the manager's local zone and named (IANA) zones. */
export interface TimeZones {
  local(): TimeZone;
  named(name: string): TimeZone;
}

export interface Ports {
  readonly clock: Clock;
  readonly timers: TimerService;
  readonly processes: ProcessDriver;
  readonly events: EventSink;
  readonly sockets: SocketDriver;
  readonly fs: FileSystem;
  readonly host: HostInfo;
  /** Allocates a fresh InvocationID (32 lowercase hex); injected so simulations stay deterministic. */
  readonly newInvocationId: () => string;
  readonly timerStamps: TimerStampStore;
  readonly timeZones: TimeZones;
  /** Uniform in [0, 1), for RandomizedDelaySec=; seeded in simulation. */
  readonly random: () => number;
  /** Optional: without it nothing is removed on stop. */
  readonly paths?: PathRemover;
}
