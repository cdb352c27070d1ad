/**
 * Per-job order. Events of one job (key = cluster + jobId + startTime) form a FIFO lane: only a
 * lane's head may be posted, so a stop never overtakes its start inside this forwarder, while
 * different jobs run in parallel. Stops that cc-backend answered 404 (their start is not there
 * yet, e.g. it was published after the stop) leave their lane and wait in {@link ParkedStops}
 * until their start succeeds here or their retry time comes.
 */

/** `cluster \0 jobId \0 startTime`; a stop without startTime gets `*` (matches any start of the job). */
export function jobKey(cluster: string, jobId: number, startTime: number | undefined): string {
  return `${cluster}\u0000${jobId}\u0000${startTime ?? '*'}`;
}

/** The key a stop without startTime is filed under, for a start's key. */
export function anyStartKey(key: string): string {
  const i = key.lastIndexOf('\u0000');
  return `${key.slice(0, i)}\u0000*`;
}

export class Lanes<T> {
  private readonly lanes = new Map<string, T[]>();

  /** Appends an item; returns true when it is the lane's head (runnable now). */
  push(key: string, item: T): boolean {
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(item);
      return false;
    }
    this.lanes.set(key, [item]);
    return true;
  }

  /**
   * Removes `item` from its lane (normally the head). Returns the new head when the removed item
   * was the head and another one waits, i.e. the item that just became runnable.
   */
  remove(key: string, item: T): T | undefined {
    const lane = this.lanes.get(key);
    if (!lane) return undefined;
    const i = lane.indexOf(item);
    if (i < 0) return undefined;
    lane.splice(i, 1);
    if (lane.length === 0) {
      this.lanes.delete(key);
      return undefined;
    }
    return i === 0 ? lane[0] : undefined;
  }

  isHead(key: string, item: T): boolean {
    return this.lanes.get(key)?.[0] === item;
  }

  /** Number of lanes (distinct jobs) with work. */
  get size(): number {
    return this.lanes.size;
  }

  /** Every item, lane by lane. */
  *items(): IterableIterator<T> {
    for (const lane of this.lanes.values()) yield* lane;
  }
}

interface Parked<T> {
  item: T;
  dueAt: number;
}

/** Stops waiting for their start: woken by key, or when due. */
export class ParkedStops<T> {
  private readonly byKey = new Map<string, Parked<T>[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  park(key: string, item: T, dueAt: number): void {
    const list = this.byKey.get(key) ?? [];
    list.push({ item, dueAt });
    this.byKey.set(key, list);
    this.count++;
  }

  /** Takes every stop parked under `key` (and, for a start's key, those filed without startTime). */
  wake(key: string): T[] {
    const out: T[] = [];
    for (const k of key.endsWith('\u0000*') ? [key] : [key, anyStartKey(key)]) {
      const list = this.byKey.get(k);
      if (!list) continue;
      this.byKey.delete(k);
      this.count -= list.length;
      out.push(...list.map((p) => p.item));
    }
    return out;
  }

  /** Takes the stops whose time has come. */
  takeDue(now: number): Array<{ key: string; item: T }> {
    const out: Array<{ key: string; item: T }> = [];
    for (const [key, list] of this.byKey) {
      const keep = list.filter((p) => p.dueAt > now);
      for (const p of list) if (p.dueAt <= now) out.push({ key, item: p.item });
      this.count -= list.length - keep.length;
      if (keep.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, keep);
    }
    return out;
  }

  /** The earliest due time, or undefined when nothing is parked. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const list of this.byKey.values()) for (const p of list) if (min === undefined || p.dueAt < min) min = p.dueAt;
    return min;
  }

  /** Takes everything (shutdown). */
  drain(): T[] {
    const out: T[] = [];
    for (const list of this.byKey.values()) out.push(...list.map((p) => p.item));
    this.byKey.clear();
    this.count = 0;
    return out;
  }
}
