// The exact texts systemctl 252 prints around jobs (06 §4, §6, §9), with our program name in the
// hints (the conformance harness normalises `unitctl status X`, `unitctl logs X`, … to systemd's).
import type { JobResult } from '../engine/types.ts';

type Render = (unit: string, program: string) => string;

/** The command that shows logs: `unitctl logs [UNIT]`, or journalctl's `-xe[u UNIT]` when run as
 * systemctl, as systemd prints it (an image built for systemd has our journalctl stand-in or none). */
export const logsCommand = (program: string, unitq?: string): string =>
  program === 'systemctl'
    ? (unitq === undefined ? 'journalctl -xe' : `journalctl -xeu ${unitq}`)
    : (unitq === undefined ? `${program} logs` : `${program} logs ${unitq}`);

/** Per job result: the line printed when a job ends that way, or null for success (06 §4). */
export const JOB_RESULT_MESSAGES = {
  done: null,
  skipped: null,
  canceled: (u) => `Job for ${u} canceled.`,
  timeout: (u) => `Job for ${u} timed out.`,
  dependency: (u, p) => `A dependency job for ${u} failed. See '${logsCommand(p)}' for details.`,
  invalid: (u) => `${u} is not active, cannot reload.`,
  assert: (u) => `Assertion failed on job for ${u}.`,
  unsupported: (u) => `Operation on or unit type of ${u} not supported on this system.`,
  collected: (u) => `Queued job for ${u} was garbage collected.`,
  once: (u) => `Unit ${u} was started already once and can't be started again.`,
  frozen: (u) => `Cannot perform operation on frozen unit ${u}.`,
  failed: (_u, p) => `Job failed. See "${logsCommand(p)}" for details.`,   // non-service units; services: failedServiceLines
} as const satisfies Record<JobResult, Render | null>;

export const isJobSuccess = (result: string): boolean => result === 'done' || result === 'skipped';

/** Lines for a finished job that is not a success (not for failed services, see below). */
export function jobResultLines(result: string, unit: string, program: string): string[] {
  const render = Object.hasOwn(JOB_RESULT_MESSAGES, result) ? JOB_RESULT_MESSAGES[result as JobResult] : null;
  return render ? [render(unit, program)] : [];   // unknown results: systemctl only logs at debug level
}

/** A service `Result` → the explanation after "failed because" (06 §4.1; the typo is systemd's). */
export const SERVICE_RESULT_EXPLANATIONS: Readonly<Record<string, string>> = {
  resources: 'of unavailable resources or another system error',
  protocol: 'the service did not take the steps required by its unit configuration',
  timeout: 'a timeout was exceeded',
  'exit-code': 'the control process exited with error code',
  signal: 'a fatal signal was delivered to the control process',
  'core-dump': 'a fatal signal was delivered causing the control process to dump core',
  watchdog: 'the service failed to send watchdog ping',
  'start-limit-hit': 'start of the service was attempted too often',
  'oom-kill': 'of an out-of-memory (OOM) siutation',
};

/** Double-quotes a name for a shell when it needs it (systemd's shell_maybe_quote, roughly). */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `"${s.replace(/(["\\`$])/g, '\\$1')}"`;
}

/** The two (or four, for start-limit-hit) lines after a failed service job (06 §4.1). */
export function failedServiceLines(unit: string, result: string | null, program: string): string[] {
  const q = shellQuote(unit);
  const why = result !== null && Object.hasOwn(SERVICE_RESULT_EXPLANATIONS, result) ? SERVICE_RESULT_EXPLANATIONS[result] : undefined;
  const lines = [
    why ? `Job for ${unit} failed because ${why}.` : `Job for ${unit} failed.`,
    `See "${program} status ${q}" and "${logsCommand(program, q)}" for details.`,
  ];
  if (result === 'start-limit-hit') {
    lines.push(`To force a start use "${program} reset-failed ${q}"`, `followed by "${program} start ${q}" again.`);
  }
  return lines;
}

/** The hint after most enqueue errors (06 §6); a name starting with '-' needs `--`. */
export const logHintLine = (name: string, program: string): string =>
  `See system logs and '${program} status ${name.startsWith('-') ? '-- ' : ''}${name}' for details.`;

export const needReloadWarning = (name: string, program: string): string =>
  `Warning: The unit file, source configuration file or drop-ins of ${name} changed on disk. Run '${program} daemon-reload' to reload units.`;

/** The one extra line (TTY or --explain only) saying why a job did not succeed. */
export function explainLine(unit: string, result: string, causeText: string): string | null {
  const text = causeText.trim();
  if (!text) return null;
  return `Job for ${unit} ${result}: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
}
