// The transaction's links (02 §4) in struct-of-arrays form: making one, following a job's chains.
// Private to transaction*.ts; the arrays live as long as one build.
import type { Tx, TxJob } from './transaction-model.ts';

/**
 * Links, "subject needs object" (02 §4), in struct-of-arrays form by link number. Numbers are
 * given in creation order, so the smaller number is the older link. Each job threads its
 * incoming and outgoing links through `nextIn`/`nextOut` (-1 ends a chain). A link costs a few
 * typed-array slots, which the garbage collector never scans or copies, instead of an object
 * plus a slot in two per-job lists. Jobs are named by their `seq` (their index in `Tx.all`).
 */
export interface Links {
  count: number;
  subject: Int32Array;
  object: Int32Array;
  /** LINK_* bits. */
  flags: Uint8Array;
  nextIn: Int32Array;
  nextOut: Int32Array;
  /** The dependency's label, `Requires=` … (the subject's side), or `isolate` / `triggering`. */
  readonly kind: string[];
}

export const newLinks = (capacity: number): Links => ({
  count: 0, subject: new Int32Array(capacity), object: new Int32Array(capacity), flags: new Uint8Array(capacity),
  nextIn: new Int32Array(capacity), nextOut: new Int32Array(capacity), kind: [],
});

/** Doubles the typed arrays' room, keeping their contents. */
function growLinks(links: Links): void {
  links.subject = doubled(links.subject, new Int32Array(links.subject.length * 2));
  links.object = doubled(links.object, new Int32Array(links.object.length * 2));
  links.flags = doubled(links.flags, new Uint8Array(links.flags.length * 2));
  links.nextIn = doubled(links.nextIn, new Int32Array(links.nextIn.length * 2));
  links.nextOut = doubled(links.nextOut, new Int32Array(links.nextOut.length * 2));
}

function doubled<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export const linkSubject = (tx: Tx, l: number): TxJob => tx.all[tx.links.subject[l]!]!;
export const linkObject = (tx: Tx, l: number): TxJob => tx.all[tx.links.object[l]!]!;

/** Mandatory; a stop caused by Conflicts=; not deleted yet. */
export const LINK_MATTERS = 1, LINK_CONFLICTS = 2, LINK_ALIVE = 4;

/** The subject and flags of a link about to be made. */
export interface LinkSpec { readonly job: TxJob; readonly matters: boolean; readonly conflicts: boolean; readonly kind: string }

export function addLink(tx: Tx, subject: TxJob, object: TxJob, o: LinkSpec): void {
  const links = tx.links;
  const l = links.count++;
  if (l === links.subject.length) growLinks(links);
  links.subject[l] = subject.seq;
  links.object[l] = object.seq;
  links.kind.push(o.kind);
  links.flags[l] = LINK_ALIVE | (o.matters ? LINK_MATTERS : 0) | (o.conflicts ? LINK_CONFLICTS : 0);
  chainOut(links, subject, l);
  chainIn(links, object, l);
  object.inAlive++;
}

/** Appends link `l` to the end of the job's outgoing chain. */
export function chainOut(links: Links, job: TxJob, l: number): void {
  links.nextOut[l] = -1;
  if (job.lastOut < 0) job.firstOut = l; else links.nextOut[job.lastOut] = l;
  job.lastOut = l;
}

/** Appends link `l` to the end of the job's incoming chain. */
export function chainIn(links: Links, job: TxJob, l: number): void {
  links.nextIn[l] = -1;
  if (job.lastIn < 0) job.firstIn = l; else links.nextIn[job.lastIn] = l;
  job.lastIn = l;
}
