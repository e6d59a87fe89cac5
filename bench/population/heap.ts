/**
 * A binary min-heap of events keyed by time, in typed arrays: the model pushes tens of millions of
 * events, and objects per event would make the garbage collector the bottleneck. Ties pop in an
 * unspecified order. Each event carries two integers: what it is about, and a tag to tell a
 * superseded event from a live one.
 */
export class EventHeap {
  #time = new Float64Array(1024)
  #id = new Int32Array(1024)
  #tag = new Int32Array(1024)
  #size = 0

  get size(): number {
    return this.#size
  }

  push(time: number, id: number, tag: number): void {
    if (this.#size === this.#time.length) this.#grow()
    let i = this.#size++
    // Sift up: move parents down until the new event's place is found.
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.#time[parent]! <= time) break
      this.#set(i, this.#time[parent]!, this.#id[parent]!, this.#tag[parent]!)
      i = parent
    }
    this.#set(i, time, id, tag)
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#time[0]!
  }

  /** Removes the earliest event into `out` ([time, id, tag]); false when empty. */
  pop(out: [number, number, number]): boolean {
    if (this.#size === 0) return false
    out[0] = this.#time[0]!
    out[1] = this.#id[0]!
    out[2] = this.#tag[0]!
    const last = --this.#size
    if (last === 0) return true
    const time = this.#time[last]!
    const id = this.#id[last]!
    const tag = this.#tag[last]!
    // Sift the last event down from the root.
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= last) break
      if (child + 1 < last && this.#time[child + 1]! < this.#time[child]!) child++
      if (this.#time[child]! >= time) break
      this.#set(i, this.#time[child]!, this.#id[child]!, this.#tag[child]!)
      i = child
    }
    this.#set(i, time, id, tag)
    return true
  }

  #set(i: number, time: number, id: number, tag: number): void {
    this.#time[i] = time
    this.#id[i] = id
    this.#tag[i] = tag
  }

  #grow(): void {
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2)
      b.set(a)
      return b
    }
    this.#time = grow(this.#time, n => new Float64Array(n))
    this.#id = grow(this.#id, n => new Int32Array(n))
    this.#tag = grow(this.#tag, n => new Int32Array(n))
  }
}
