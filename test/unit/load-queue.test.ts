// Workshop mode's load queue on its own: at most `slots` runs at once, the rest first come first served, each told
// its place as the line moves; a run that leaves the line moves the ones behind it up.
import { describe, expect, it } from "vitest";
import { LoadQueue } from "../../server/load-run/queue.ts";
import { ordinal } from "../../src/lib/ordinal.ts";

describe("the load queue", () => {
  it("grants `slots` runs at once and lines the rest up in order, telling each its place", async () => {
    const queue = new LoadQueue(1);
    const places: Record<string, number[]> = { a: [], b: [], c: [] };
    const a = queue.enter((place) => places["a"]!.push(place));
    const b = queue.enter((place) => places["b"]!.push(place));
    const c = queue.enter((place) => places["c"]!.push(place));
    expect(a.now).toBeTypeOf("function");
    expect(b.now).toBeUndefined();
    const releaseA = await a.granted;
    expect(places).toEqual({ a: [], b: [1], c: [2] });
    expect(queue.status()).toEqual({ running: 1, waiting: 2, slots: 1 });
    releaseA();
    const releaseB = await b.granted;
    expect(places["c"]).toEqual([2, 1]);
    releaseB();
    releaseB(); // a second release gives nothing back twice
    (await c.granted)();
    expect(queue.status()).toEqual({ running: 0, waiting: 0, slots: 1 });
  });

  it("lets a waiting run leave the line; those behind it move up and it is never granted", async () => {
    const queue = new LoadQueue(1);
    const first = queue.enter(() => {});
    const leaving = queue.enter(() => {});
    const cPlaces: number[] = [];
    const last = queue.enter((place) => cPlaces.push(place));
    leaving.leave();
    expect(cPlaces).toEqual([2, 1]);
    let leftGranted = false;
    void leaving.granted.then(() => (leftGranted = true));
    (await first.granted)();
    (await last.granted)();
    expect(leftGranted).toBe(false);
    expect(queue.status().running).toBe(0);
  });

  it("refuses fewer than one slot", () => {
    expect(() => new LoadQueue(0)).toThrow(RangeError);
  });
});

describe("ordinal", () => {
  it("says places as English does", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "23rd",
      "101st",
      "111th",
    ]);
  });
});
