// The files of every snapshot, each content kept once, named by its SHA-256 digest: most of a cluster (the
// template databases, the catalogs, whatever a lesson did not touch) is the same from one lesson start to the
// next and from one node to another, so eight lesson starts of four nodes share most of their files. Big files
// (WAL segments, 16 MB each and mostly old WAL past the end of what is written) are kept compressed with
// brotli at its fastest setting, which shrinks a segment 6 to 10 times and inflates it again in tens of ms.
// Objects are never changed once written: a restore copies them out, so the live clusters never share a file
// with the store.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";

/** Files from this size up are kept compressed: a few big files hold most of the bytes, small ones are many. */
const COMPRESS_FROM = 1024 * 1024;

/** Every object is the store owner's alone, and every file copied out of it starts with this mode. */
export const OBJECT_MODE = 0o600;

/** What the store knows a file by: its digest, and its size, which says whether it is kept compressed. */
export interface ObjectRef {
  digest: string;
  size: number;
}

export class ObjectStore {
  constructor(readonly root: string) {}

  /** The object's file, relative to the store's root. */
  static nameOf({ digest, size }: ObjectRef): string {
    return path.join(digest.slice(0, 2), `${digest.slice(2)}${size >= COMPRESS_FROM ? ".br" : ""}`);
  }

  /** Keeps a copy of `file` unless the store holds its content already. */
  async put(file: string, size: number): Promise<ObjectRef> {
    const ref = { digest: await digestOf(file, size), size };
    const target = this.pathOf(ref);
    if (await exists(target)) return ref;
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    // Written beside its name and renamed into it, so an object that exists is whole. Two files with the same
    // content can be put at once (every node has empty files): each writes its own partial file.
    const partial = `${target}.partial-${randomUUID()}`;
    try {
      if (size >= COMPRESS_FROM) {
        const compress = zlib.createBrotliCompress({
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size },
        });
        await pipeline(createReadStream(file), compress, createWriteStream(partial, { mode: OBJECT_MODE }));
      } else {
        await fs.copyFile(file, partial);
      }
      await fs.chmod(partial, OBJECT_MODE);
      await fs.rename(partial, target);
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
    return ref;
  }

  /** The store holds the object, whole as far as its size tells (a compressed one is checked as it is read). */
  async has(ref: ObjectRef): Promise<boolean> {
    const stat = await fs.stat(this.pathOf(ref)).catch(() => null);
    return stat !== null && (ref.size >= COMPRESS_FROM || stat.size === ref.size);
  }

  /**
   * Writes the object's content to `dest`, a new file of mode OBJECT_MODE. A plain copy takes the object's own
   * mode (libuv's copyfile sets it); a decompressed one is checked for its length, which brotli can't promise.
   */
  async copyOut(ref: ObjectRef, dest: string): Promise<void> {
    const source = this.pathOf(ref);
    if (ref.size < COMPRESS_FROM) return fs.copyFile(source, dest, fs.constants.COPYFILE_EXCL);
    await pipeline(
      createReadStream(source),
      zlib.createBrotliDecompress(),
      createWriteStream(dest, { flags: "wx", mode: OBJECT_MODE }),
    );
    await fs.chmod(dest, OBJECT_MODE);
    const { size } = await fs.stat(dest);
    if (size !== ref.size) throw new Error(`${source} gave ${size} bytes instead of ${ref.size}`);
  }

  /** Removes every object not named in `kept` (names from nameOf), and what an interrupted put left. */
  async sweep(kept: ReadonlySet<string>): Promise<void> {
    const prefixes = await fs.readdir(this.root).catch(() => [] as string[]);
    for (const prefix of prefixes) {
      const names = await fs.readdir(path.join(this.root, prefix)).catch(() => [] as string[]);
      const gone = names.filter((name) => !kept.has(path.join(prefix, name)));
      await Promise.all(gone.map((name) => fs.rm(path.join(this.root, prefix, name), { force: true })));
      if (gone.length === names.length) await fs.rmdir(path.join(this.root, prefix)).catch(() => {});
    }
  }

  private pathOf(ref: ObjectRef): string {
    return path.join(this.root, ObjectStore.nameOf(ref));
  }
}

/** A file's SHA-256, in hex. Files up to a WAL segment's size are read at once, which is faster; bigger, streamed. */
export async function digestOf(file: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  if (size <= 16 * 1024 * 1024) hash.update(await fs.readFile(file));
  else for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
