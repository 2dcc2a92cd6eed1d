// A workshop lab's disk figure (folderBytes, by `du -s`) counts what the Node walk (diskUse) counts: blocks,
// each file once however many names it has; where du can't run, the walk answers.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diskUse, folderBytes } from "../../server/lesson-start/disk-use.ts";

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "folder-bytes-"));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe("folderBytes", () => {
  it("counts the blocks diskUse counts, a hard-linked file once", async () => {
    await fs.mkdir(path.join(dir, "base", "1"), { recursive: true });
    await fs.writeFile(path.join(dir, "base", "1", "table"), Buffer.alloc(300_000, 1));
    await fs.writeFile(path.join(dir, "small"), "x");
    await fs.link(path.join(dir, "base", "1", "table"), path.join(dir, "same-table"));
    const walked = await diskUse(dir);
    expect(walked.bytes).toBeGreaterThanOrEqual(300_000);
    expect(walked.bytes).toBeLessThan(600_000);
    expect(await folderBytes(dir)).toBe(walked.bytes);
  });

  it("runs the du on PATH, and walks the folder itself where there is none", async () => {
    const bin = path.join(dir, "bin");
    await fs.mkdir(bin);
    await fs.writeFile(path.join(bin, "du"), '#!/bin/sh\nprintf "4096\\t%s\\n" "$3"\n', { mode: 0o755 });
    const saved = process.env["PATH"];
    try {
      // The du found on PATH is the one asked: this one says 4096 whatever the folder.
      process.env["PATH"] = bin;
      expect(await folderBytes(dir)).toBe(4096);
      process.env["PATH"] = path.join(dir, "no-such-bin");
      expect(await folderBytes(dir)).toBe((await diskUse(dir)).bytes);
    } finally {
      process.env["PATH"] = saved;
    }
  });
});
