// Monotonic and wall clocks in µs, and the TimerService over setTimeout: one Node timer per id,
// firing pushes a TimerFired input. Holds no policy: the engine decides what each timer means.
import type { Clock, TimerService } from '../engine/ports.ts';
import type { Input } from '../engine/inputs.ts';
import type { TimerId, Usec } from '../engine/types.ts';

/** setTimeout's largest delay; longer waits are chained. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function createClock(): Clock {
  return {
    now: () => Number(process.hrtime.bigint() / 1000n),
    realtime: () => Date.now() * 1000,
  };
}

export class NodeTimerService implements TimerService {
  private readonly clock: Clock;
  private readonly fire: (input: Input) => void;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();

  constructor(clock: Clock, fire: (input: Input) => void) {
    this.clock = clock;
    this.fire = fire;
  }

  arm(id: TimerId, at: Usec): void {
    this.cancel(id);
    if (!Number.isFinite(at)) return; // infinity: never fires
    this.schedule(id, at);
  }

  cancel(id: TimerId): void {
    const t = this.timers.get(id);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(id);
  }

  /** Number of armed timers (for tests and shutdown diagnostics). */
  get size(): number {
    return this.timers.size;
  }

  cancelAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(id: TimerId, at: Usec): void {
    const remainingMs = Math.max(0, Math.ceil((at - this.clock.now()) / 1000));
    const delay = Math.min(remainingMs, MAX_DELAY_MS);
    const handle = setTimeout(() => {
      if (this.timers.get(id) !== handle) return;
      if (remainingMs > MAX_DELAY_MS || this.clock.now() < at) {
        this.schedule(id, at);
        return;
      }
      this.timers.delete(id);
      this.fire({ kind: 'TimerFired', id });
    }, delay);
    this.timers.set(id, handle);
  }
}

/**
 * Node has no timerfd TFD_TIMER_CANCEL_ON_SET, so wall-clock jumps (settimeofday, NTP steps) are
 * found by polling the distance between the two clocks; a jump pushes ClockChanged. Returns stop.
 */
export function watchClockJumps(clock: Clock, push: (input: Input) => void, o: { intervalMs?: number; thresholdUsec?: Usec } = {}): () => void {
  const threshold = o.thresholdUsec ?? 1_000_000;
  let offset = clock.realtime() - clock.now();
  const handle = setInterval(() => {
    const now = clock.realtime() - clock.now();
    if (Math.abs(now - offset) >= threshold) push({ kind: 'ClockChanged' });
    offset = now;
  }, o.intervalMs ?? 5_000);
  handle.unref();
  return () => clearInterval(handle);
}
