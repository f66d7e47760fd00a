// Unloading units nobody needs any more (systemd's GC queue, CollectMode=inactive), for now only
// what asks for it: per-connection instances of Accept=yes sockets once they ended. Runs when the
// manager settles, never in the middle of a state notification.
import type { EngineState } from './engine-state.ts';
import type { Unit } from './unit.ts';

export function requestCollect(s: EngineState, u: Unit): void {
  s.collectQueue.add(u);
}

/** Drops queued units that are inactive (not failed), jobless and processless from every index. */
export function collectUnits(s: EngineState): void {
  for (const u of s.collectQueue) {
    s.collectQueue.delete(u);
    if (u.job || u.nopJob || u.activeState !== 'inactive' || s.ports.processes.hasProcesses(u.id)) continue;
    if (u.liveExecs > 0) continue;
    // Every name a unit is indexed under is in its names (loader.ts): no scan of all units.
    for (const name of u.names) if (s.units.get(name) === u) s.units.delete(name);
    s.graph.clearFrom(u.id);
    s.upholdQueue.delete(u);
    s.boundQueue.delete(u);
    s.unneededQueue.delete(u);
  }
}
