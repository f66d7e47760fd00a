// Real-time signals (SIGRTMIN+n), which Node's process.on cannot name: a libuv signal handle on
// Node's own event loop, created through the uv_* functions the node binary exports. libuv's
// handler only writes to a pipe, so the callback runs on the main thread like any other event.
import koffi from 'koffi';

/** glibc's SIGRTMIN (the kernel's 32 and 33 belong to the C library), as systemd and Docker count. */
export const SIGRTMIN = 34;
const UV_SIGNAL = 16;

interface Uv {
  readonly loop: unknown;
  readonly size: number;
  init(loop: unknown, handle: unknown): number;
  start(handle: unknown, cb: unknown, signum: number): number;
  stop(handle: unknown): number;
  unref(handle: unknown): void;
  readonly cbType: ReturnType<typeof koffi.pointer>;
}

let uv: Uv | null = null;

function load(): Uv {
  if (uv) return uv;
  const self = koffi.load(null);
  const cbProto = koffi.proto('void unitd_uv_signal_cb(void *handle, int signum)');
  const init = self.func('int uv_signal_init(void *, void *)');
  const start = self.func('int uv_signal_start(void *, unitd_uv_signal_cb *, int)');
  const stop = self.func('int uv_signal_stop(void *)');
  const unref = self.func('void uv_unref(void *)');
  const size = Number(self.func('size_t uv_handle_size(int)')(UV_SIGNAL));
  uv = {
    loop: self.func('void *uv_default_loop()')(), size, cbType: koffi.pointer(cbProto),
    init: (l, h) => init(l, h) as number, start: (h, cb, n) => start(h, cb, n) as number,
    stop: (h) => stop(h) as number, unref: (h) => { unref(h); },
  };
  return uv;
}

/**
 * Calls `onSignal(signum)` for each of `signums` arriving; the handles do not keep the process
 * alive. Returns the function that stops watching. Throws when the node binary does not export
 * libuv (the caller logs that and goes on without these signals).
 */
export function watchRealtimeSignals(signums: readonly number[], onSignal: (signum: number) => void): () => void {
  const u = load();
  const cb = koffi.register((_handle: unknown, signum: number) => { onSignal(signum); }, u.cbType);
  const handles = signums.map((signum) => {
    const handle = koffi.alloc('uint8_t', u.size);
    if (u.init(u.loop, handle) !== 0 || u.start(handle, cb, signum) !== 0) throw new Error(`cannot watch signal ${signum}`);
    u.unref(handle);
    return handle;
  });
  // The handles stay initialised (closing one needs uv_close and a callback): stopped, they cost nothing.
  return () => { for (const h of handles) u.stop(h); };
}
