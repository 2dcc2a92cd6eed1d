// Workshop labs start a few at a time (server/workshop/provision/start-gate.ts): at most `slots` at once, in
// order, except that a start someone waits for (urgent when a slot frees) goes ahead of the pool's refills.
import { describe, expect, it } from "vitest";
import { StartGate } from "../../server/workshop/provision/start-gate.ts";

function startable(name: string, log: string[]) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    start: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    finish,
    fail,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the start gate", () => {
  it("runs at most `slots` starts at once, the rest in order as slots free", async () => {
    const gate = new StartGate(2);
    const log: string[] = [];
    const [a, b, c, d] = ["a", "b", "c", "d"].map((name) => startable(name, log));
    const runs = [a, b, c, d].map((lab) => gate.run(lab!.start));
    await settle();
    expect(log).toEqual(["start a", "start b"]);
    expect(gate.status()).toEqual({ running: 2, waiting: 2 });
    b!.finish();
    await settle();
    expect(log).toEqual(["start a", "start b", "start c"]);
    a!.fail(new Error("initdb failed"));
    await expect(runs[0]).rejects.toThrow("initdb failed");
    await settle();
    // A failed start frees its slot as a finished one does.
    expect(log).toEqual(["start a", "start b", "start c", "start d"]);
    c!.finish();
    d!.finish();
    expect(await Promise.all(runs.slice(1))).toEqual(["b", "c", "d"]);
    expect(gate.status()).toEqual({ running: 0, waiting: 0 });
  });

  it("lets a start that became urgent while in line go ahead of the refills", async () => {
    const gate = new StartGate(1);
    const log: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((name) => startable(name, log));
    let cClaimed = false;
    void gate.run(a!.start);
    void gate.run(b!.start);
    const cRun = gate.run(c!.start, () => cClaimed);
    await settle();
    cClaimed = true; // an attendee took the lab c is starting
    a!.finish();
    await settle();
    expect(log).toEqual(["start a", "start c"]);
    c!.finish();
    expect(await cRun).toBe("c");
    await settle();
    expect(log).toEqual(["start a", "start c", "start b"]);
    b!.finish();
  });

  it("refuses a gate without slots", () => {
    expect(() => new StartGate(0)).toThrow(RangeError);
  });
});
