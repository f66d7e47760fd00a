// A fast proof that a transaction's ordering graph has no cycle (02 §6.6), for the common case.
// It only answers yes or "maybe not": finding and breaking a cycle stays with verifyOrderOnce.
import type { OrderNode } from './deps.ts';
import { isStopLike } from './job-tables.ts';
import { headOf, type Tx } from './transaction-model.ts';

/** What a unit's head job is in the ordering graph, by entry index. */
const NOT_ORDERED = 0, WAITS_FOR_AFTER = 1, STOP_LIKE = 2;

/**
 * The arcs collected so far, and the unit b whose arcs are being added: collecting touches only
 * each After= neighbour's graph node (its scratch slot holds its entry index) and typed arrays.
 */
interface Arcs {
  stamp: number;
  from: Int32Array;
  to: Int32Array;
  count: number;
  b: number;
  bWaits: boolean;
}

function addArc(arcs: Arcs, node: OrderNode): void {
  if (node.txStamp !== arcs.stamp) return;
  const a = node.txIndex;
  const k = arcs.count++;
  arcs.from[k] = arcs.bWaits ? a : arcs.b;
  arcs.to[k] = arcs.bWaits ? arcs.b : a;
}

function reserve(arcs: Arcs, more: number): void {
  if (arcs.count + more <= arcs.from.length) return;
  const size = Math.max(arcs.from.length * 2, arcs.count + more);
  const from = new Int32Array(size), to = new Int32Array(size);
  from.set(arcs.from);
  to.set(arcs.to);
  arcs.from = from;
  arcs.to = to;
}

/**
 * With no installed jobs the ordering graph's nodes are the units' head jobs, and each ordered
 * pair "a Before= b" (stored on both sides: b After= a) is one arc: b waits for a, unless b's job
 * is stop-like, then a waits for b (orderFirst in job-tables.ts). Enumerating the pairs from
 * the After= side reaches each neighbour through its graph node (every service is After=
 * sysinit.target) instead of walking the hubs' Before= sets of every service by name, which is
 * where the depth-first pass spends its time. Kahn's algorithm then consumes the nodes in order
 * of indices; a node left over means a cycle somewhere.
 */
export function isOrderAcyclic(tx: Tx): boolean {
  const n = tx.entries.length;
  // One pass over the entries collects every arc from an ordered unit; an arc whose other end
  // turns out not ordered (known only once that entry is passed) is dropped below.
  const kind = new Uint8Array(n);
  const arcs: Arcs = { stamp: tx.stamp, from: new Int32Array(2 * n), to: new Int32Array(2 * n), count: 0, b: 0, bWaits: false };
  for (let i = 0; i < n; i++) {
    const e = tx.entries[i]!;
    const h = headOf(e);
    if (!h || h.type === 'nop' || h.ignoreOrder) continue;
    const stopLike = isStopLike(h.type);
    kind[i] = stopLike ? STOP_LIKE : WAITS_FOR_AFTER;
    const after = e.node?.after;
    if (!after || after.length === 0) continue;
    reserve(arcs, after.length);
    arcs.b = i;
    arcs.bWaits = !stopLike;
    for (let j = 0; j < after.length; j++) addArc(arcs, after[j]!);
  }
  const { from, to, count } = arcs;
  // Arcs grouped by source (compressed rows), and every node's count of arcs into it.
  const first = new Int32Array(n + 1);
  const waitsOn = new Int32Array(n);
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const a = from[k]!, b = to[k]!;
    if (kind[a] === NOT_ORDERED || kind[b] === NOT_ORDERED) continue;
    from[kept] = a;
    to[kept++] = b;
    first[a + 1]!++;
    waitsOn[b]!++;
  }
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const next = first.slice(0, n);
  const targets = new Int32Array(kept);
  for (let k = 0; k < kept; k++) targets[next[from[k]!]!++] = to[k]!;
  const ready = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (waitsOn[i] === 0) ready[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const v = ready[head]!;
    for (let p = first[v]!; p < first[v + 1]!; p++) if (--waitsOn[targets[p]!]! === 0) ready[tail++] = targets[p]!;
  }
  return tail === n;
}
