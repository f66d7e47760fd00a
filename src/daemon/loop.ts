// The single input queue in front of the engine: inputs and RPC calls run one at a time, never
// re-entering the Manager; queued jobs are dispatched at the lowest priority (02 §7.1), from
// setImmediate, after pending I/O (RPC replies, new inputs) has had its turn.
import type { Input } from '../engine/inputs.ts';
import type { ManagerApi } from '../engine/manager-api.ts';

type Item =
  | { readonly kind: 'input'; readonly input: Input }
  | { readonly kind: 'call'; readonly run: () => void };

export interface LoopOptions {
  /** Called with anything the engine threw; the loop carries on. */
  readonly onError: (err: unknown, what: string) => void;
}

export class Loop {
  private readonly manager: ManagerApi;
  private readonly options: LoopOptions;
  private readonly queue: Item[] = [];
  private head = 0;
  private running = false;
  private dispatchScheduled = false;
  private stopped = false;

  constructor(manager: ManagerApi, options: LoopOptions) {
    this.manager = manager;
    this.options = options;
  }

  /** Queues one input; it is handled before this call returns unless the loop is busy. */
  push(input: Input): void {
    if (this.stopped) return;
    this.queue.push({ kind: 'input', input });
    this.drain();
  }

  /** Runs `fn` between inputs (never inside another engine call) and returns its value. */
  call<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.stopped) { reject(new Error('the manager has stopped')); return; }
      this.queue.push({
        kind: 'call',
        run: () => {
          try { resolve(fn()); } catch (err) { reject(err); }
        },
      });
      this.drain();
    });
  }

  /** Stops feeding the engine (after shutdown); pending items are dropped. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.head = 0;
  }

  private drain(): void {
    if (this.running) return;
    this.running = true;
    try {
      while (this.head < this.queue.length) {
        const item = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as Item;
        if (item.kind === 'call') item.run();
        else this.handle(item.input);
      }
      this.queue.length = 0;
      this.head = 0;
    } finally {
      this.running = false;
    }
    this.scheduleDispatch();
  }

  private handle(input: Input): void {
    try {
      this.manager.handle(input);
    } catch (err) {
      this.options.onError(err, `handling ${input.kind}`);
    }
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled || this.stopped || !this.safeHasQueuedJobs()) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      if (this.stopped) return;
      if (this.head < this.queue.length) { this.drain(); return; }
      this.running = true;
      try {
        this.manager.dispatch();
      } catch (err) {
        this.options.onError(err, 'dispatching jobs');
      } finally {
        this.running = false;
      }
      this.drain();
    });
  }

  private safeHasQueuedJobs(): boolean {
    try {
      return this.manager.hasQueuedJobs();
    } catch (err) {
      this.options.onError(err, 'checking the run queue');
      return false;
    }
  }
}
