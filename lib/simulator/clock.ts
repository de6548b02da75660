/**
 * Injectable clocks. The simulator never calls Date.now() or setTimeout directly:
 * a VirtualClock lets tests run hours of simulated time in milliseconds
 * (advance(ms) runs every due timer in time order, ties in scheduling order),
 * a RealClock drives `npm run simulator`.
 */
export interface TimerHandle {
  cancelled: boolean;
}

export interface Clock {
  readonly kind: "virtual" | "real";
  now(): number;
  setTimer(fn: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle | null | undefined): void;
  /** Stops every pending timer (used by close()). */
  dispose(): void;
}

interface VirtualTimer extends TimerHandle {
  due: number;
  seq: number;
  fn: () => void;
}

export class VirtualClock implements Clock {
  readonly kind = "virtual" as const;
  private t: number;
  private seq = 0;
  private heap: VirtualTimer[] = [];
  private live = 0;

  constructor(startMs: number = Date.parse("2026-06-01T12:00:00.000Z")) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const d = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const timer: VirtualTimer = { due: this.t + d, seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    this.live++;
    return timer;
  }

  clearTimer(handle: TimerHandle | null | undefined): void {
    if (handle && !handle.cancelled) {
      handle.cancelled = true;
      this.live--;
    }
  }

  /** Number of timers still pending (not cancelled). */
  pendingTimers(): number {
    return this.live;
  }

  /** Due time of the earliest pending timer, or null. */
  nextTimerAt(): number | null {
    this.dropCancelled();
    return this.heap.length ? this.heap[0].due : null;
  }

  /** Moves time forward by ms, running every timer that falls due, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    this.advanceTo(this.t + ms);
  }

  advanceTo(target: number): void {
    if (target < this.t) throw new RangeError("a virtual clock cannot go backwards");
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.due > target) break;
      this.pop();
      top.cancelled = true;
      this.live--;
      if (top.due > this.t) this.t = top.due;
      top.fn();
    }
    this.t = target;
  }

  dispose(): void {
    for (const t of this.heap) t.cancelled = true;
    this.heap = [];
    this.live = 0;
  }

  private dropCancelled() {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
  }

  private less(a: VirtualTimer, b: VirtualTimer) {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(x: VirtualTimer) {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): VirtualTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

interface RealTimer extends TimerHandle {
  t: ReturnType<typeof setTimeout> | null;
}

const MAX_DELAY = 2 ** 31 - 1;

export class RealClock implements Clock {
  readonly kind = "real" as const;
  private timers = new Set<RealTimer>();

  now(): number {
    return Date.now();
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const handle: RealTimer = { cancelled: false, t: null };
    const due = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const left = due - Date.now();
      handle.t = setTimeout(() => {
        if (handle.cancelled) return;
        if (due - Date.now() > 0) return arm(); // long delays are chained past setTimeout's 24.8-day cap
        handle.cancelled = true;
        this.timers.delete(handle);
        fn();
      }, Math.min(Math.max(0, left), MAX_DELAY));
      handle.t.unref?.();
    };
    this.timers.add(handle);
    arm();
    return handle;
  }

  clearTimer(handle: TimerHandle | null | undefined): void {
    if (!handle || handle.cancelled) return;
    const h = handle as RealTimer;
    h.cancelled = true;
    if (h.t) clearTimeout(h.t);
    this.timers.delete(h);
  }

  dispose(): void {
    for (const h of this.timers) {
      h.cancelled = true;
      if (h.t) clearTimeout(h.t);
    }
    this.timers.clear();
  }
}
