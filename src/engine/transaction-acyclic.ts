// A fast proof that a transaction's ordering graph has no cycle (02 §6.6), for the common case.
// It only answers yes or "maybe not": finding and breaking a cycle stays with verifyOrderOnce.
import { isStopLike } from './job-tables.ts';
import { entryOfNode, headOf, type Tx, type TxJob } from './transaction-model.ts';

const isOrdered = (j: TxJob): boolean => j.type !== 'nop' && !j.ignoreOrder;

/**
 * With no installed jobs the ordering graph's nodes are the units' head jobs, and each ordered
 * pair "a Before= b" (stored on both sides: b After= a) is one arc: b waits for a, unless b's job
 * is stop-like, then a waits for b (orderFirst in job-tables.ts). Enumerating the pairs from
 * the After= side reaches each neighbour's entry through its graph node (every service is After=
 * sysinit.target) instead of walking the hubs' Before= sets of every service by name, which is
 * where the depth-first pass spends its time. Kahn's algorithm then consumes the nodes in order
 * of indices; a node left over means a cycle somewhere.
 */
export function isOrderAcyclic(tx: Tx): boolean {
  const n = tx.entries.length;
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < tx.entries.length; i++) {
    const eb = tx.entries[i]!;
    const hb = headOf(eb);
    const after = hb && isOrdered(hb) ? eb.node?.after : undefined;
    if (!hb || !after || after.size === 0) continue;
    const bWaits = !isStopLike(hb.type);
    // Neighbours as graph nodes whose scratch slot holds their entry: no lookup by name per arc.
    after.forEach((node) => {
      const ea = entryOfNode(tx, node);
      const ha = ea ? headOf(ea) : undefined;
      if (!ha || !isOrdered(ha)) return;
      from.push(bWaits ? ea!.index : eb.index);
      to.push(bWaits ? eb.index : ea!.index);
    });
  }
  // Arcs grouped by source (compressed rows), and every node's count of arcs into it.
  const first = new Int32Array(n + 1);
  const waitsOn = new Int32Array(n);
  for (let k = 0; k < from.length; k++) { first[from[k]! + 1]!++; waitsOn[to[k]!]!++; }
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const next = first.slice(0, n);
  const arcs = new Int32Array(from.length);
  for (let k = 0; k < from.length; k++) arcs[next[from[k]!]!++] = to[k]!;
  const ready = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (waitsOn[i] === 0) ready[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const v = ready[head]!;
    for (let p = first[v]!; p < first[v + 1]!; p++) if (--waitsOn[arcs[p]!]! === 0) ready[tail++] = arcs[p]!;
  }
  return tail === n;
}
