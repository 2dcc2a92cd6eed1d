// Workshop mode's disk figures on their own: measured once per lab while fresh, an old figure answered at once
// while a new one is measured, concurrent callers sharing one measurement, a failure not remembered.
import { describe, expect, it } from "vitest";
import { DiskMeter } from "../../server/workshop/disk-meter.ts";

function meter(maxAgeMs = 1_000) {
  let clock = 0;
  let size = 100;
  const calls: string[] = [];
  const releases: (() => void)[] = [];
  let gated = false;
  let failing = false;
  const measure = async (id: string) => {
    calls.push(id);
    if (gated) await new Promise<void>((resolve) => releases.push(resolve));
    if (failing) throw new Error("the folder went away");
    return size;
  };
  const disk = new DiskMeter(measure, maxAgeMs, () => clock);
  return {
    disk,
    calls,
    tick: (ms: number) => void (clock += ms),
    grow: (bytes: number) => void (size += bytes),
    gate: (on: boolean) => void (gated = on),
    fail: (on: boolean) => void (failing = on),
    release: () => releases.splice(0).forEach((resolve) => resolve()),
  };
}

describe("the disk meter", () => {
  it("measures a lab once while its figure is fresh", async () => {
    const m = meter();
    expect(await m.disk.bytes("001")).toBe(100);
    m.grow(50);
    m.tick(999);
    expect(await m.disk.bytes("001")).toBe(100);
    expect(m.calls).toEqual(["001"]);
    expect(await m.disk.bytes("002")).toBe(150);
    expect(m.calls).toEqual(["001", "002"]);
  });

  it("answers an old figure at once and measures again in the background for the next caller", async () => {
    const m = meter();
    await m.disk.bytes("001");
    m.grow(50);
    m.tick(1_001);
    m.gate(true);
    // Answered while the new measurement still waits: no caller waits on a lab measured before.
    expect(await m.disk.bytes("001")).toBe(100);
    expect(m.calls).toEqual(["001", "001"]);
    m.release();
    await m.disk.refresh("001");
    expect(await m.disk.bytes("001")).toBe(150);
  });

  it("lets concurrent callers of a lab never measured share one measurement", async () => {
    const m = meter();
    m.gate(true);
    const answers = Promise.all([m.disk.bytes("001"), m.disk.bytes("001"), m.disk.bytes("001")]);
    await new Promise((resolve) => setImmediate(resolve));
    m.release();
    expect(await answers).toEqual([100, 100, 100]);
    expect(m.calls).toEqual(["001"]);
  });

  it("passes a failed first measurement on and tries again next time", async () => {
    const m = meter();
    m.fail(true);
    await expect(m.disk.bytes("001")).rejects.toThrow("the folder went away");
    m.fail(false);
    expect(await m.disk.bytes("001")).toBe(100);
    expect(m.calls).toEqual(["001", "001"]);
  });
});

describe("the disk meter's latest figure", () => {
  it("is null until a lab is first measured, never waits, and measures a missing or old figure meanwhile", async () => {
    const m = meter();
    m.gate(true);
    expect(m.disk.latest("001")).toBeNull();
    expect(m.disk.latest("001")).toBeNull();
    expect(m.calls).toEqual(["001"]);
    m.release();
    await m.disk.refresh("001");
    expect(m.disk.latest("001")).toBe(100);
    m.grow(50);
    m.tick(1_001);
    expect(m.disk.latest("001")).toBe(100);
    m.release();
    await m.disk.refresh("001");
    expect(m.disk.latest("001")).toBe(150);
  });
});
