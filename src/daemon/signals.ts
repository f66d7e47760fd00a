// Process signals → daemon actions: SIGTERM/SIGINT begin the shutdown (once; a second one is
// logged), SIGHUP asks for a daemon-reload. Handlers are installed and removed together.
export interface SignalActions {
  readonly shutdown: (signal: NodeJS.Signals) => void;
  readonly reload: () => void;
}

const TABLE = { SIGTERM: 'shutdown', SIGINT: 'shutdown', SIGHUP: 'reload' } as const satisfies Partial<Record<NodeJS.Signals, keyof SignalActions>>;

/** Installs the handlers; returns a function that removes them. */
export function installSignalHandlers(actions: SignalActions): () => void {
  const handlers = Object.entries(TABLE).map(([sig, action]) => {
    const signal = sig as NodeJS.Signals;
    const handler = action === 'shutdown' ? () => actions.shutdown(signal) : () => actions.reload();
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => { for (const [signal, handler] of handlers) process.off(signal, handler); };
}
