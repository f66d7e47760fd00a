// Records by a numeric id that only grows (job ids, exec ids). Most records end soon after they
// are added, so the table is an array indexed by id from the oldest live one: adding appends,
// deleting clears a slot, and recent ids sit next to each other in memory. A Map would hash every
// id and rehash itself as it grows and shrinks with each boot's jobs and processes. Records that
// outlive many younger ones move to a small map, so one job that waits for days (or one service
// that runs for months) does not keep a slot for every id handed out since.

/** Window length below which it is never compacted. */
const MIN_WINDOW = 1024;

export class IdTable<T> {
  /** slots[i] is the record with id base + i, or undefined once it was deleted. */
  private slots: (T | undefined)[] = [];
  private base = 1;
  /** Index of the first slot that may hold a record. */
  private head = 0;
  /** Old records moved out of the window (all ids below base), nearly always in id order. */
  private readonly old = new Map<number, T>();
  private count = 0;

  get size(): number { return this.count; }

  get(id: number): T | undefined {
    const i = id - this.base;
    return i >= this.head && i < this.slots.length ? this.slots[i] : id < this.base ? this.old.get(id) : undefined;
  }

  /**
   * Adds a record under a new id. Ids only grow, but one can be added after a younger one
   * (installing a job may end the job it replaces, and what that triggers may install another
   * first): then it takes the slot left for it, or goes to `old` if the window has moved past it.
   */
  set(id: number, value: T): void {
    const i = id - this.base;
    if (i >= this.slots.length) {
      while (this.slots.length < i) this.slots.push(undefined);
      this.slots.push(value);
      this.count++;
    } else if (i >= 0) {
      if (this.slots[i] === undefined) this.count++;
      this.slots[i] = value;
      if (i < this.head) this.head = i;
    } else {
      if (!this.old.has(id)) this.count++;
      this.old.set(id, value);
    }
  }

  /** Removes the record of `id`; false when there was none. */
  delete(id: number): boolean {
    const i = id - this.base;
    if (i >= this.head && i < this.slots.length) {
      if (this.slots[i] === undefined) return false;
      this.slots[i] = undefined;
      this.count--;
      while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
      this.compact();
      return true;
    }
    if (id < this.base && this.old.delete(id)) {
      this.count--;
      return true;
    }
    return false;
  }

  /** Every record, in id order but for one added after a younger one had left the window. */
  forEach(f: (value: T) => void): void {
    this.old.forEach((v) => f(v));
    const slots = this.slots;
    for (let i = this.head; i < slots.length; i++) {
      const v = slots[i];
      if (v !== undefined) f(v);
    }
  }

  /**
   * Drops the deleted prefix once it is half the window; when hardly any slot is live (an old
   * record holds the window open), the older half's few live records move to `old`.
   */
  private compact(): void {
    const slots = this.slots;
    if (slots.length < MIN_WINDOW) return;
    let cut = 0;
    if (this.head * 2 >= slots.length) cut = this.head;
    else if ((this.count - this.old.size) * 16 < slots.length) {
      cut = slots.length >> 1;
      for (let i = this.head; i < cut; i++) {
        const v = slots[i];
        if (v !== undefined) this.old.set(this.base + i, v);
      }
    }
    if (cut === 0) return;
    this.slots = slots.slice(cut);
    this.base += cut;
    this.head = 0;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
  }
}
