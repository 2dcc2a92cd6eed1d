// `npm run docker:pitfall [-- --image IMAGE]`: lesson 9's pitfall on a real Docker engine: two PostgreSQL
// containers on one throwaway volume, both of which start (scripts/docker/shared-volume.ts). The image is
// postgres:18 unless --image or LAB_PG_IMAGE names another (`npm run docker:prepare` builds the stand-in,
// local/postgres:18, where no registry answers).
import { parseArgs } from "node:util";
import { dockerEngine } from "./engine.ts";
import { sharedVolumePitfall } from "./shared-volume.ts";

const { values } = parseArgs({ options: { image: { type: "string" } } });
const image = values.image || process.env["LAB_PG_IMAGE"] || "postgres:18";
const say = (line: string) => console.log(line);

try {
  const engine = await dockerEngine(say);
  if (engine.unavailable) throw new Error(`No Docker engine: ${engine.unavailable}`);
  const outcome = await sharedVolumePitfall(image, say);
  say("");
  if (!outcome.bothRan) {
    say("The second server did not start: its log says why.\n" + outcome.secondLog.slice(-1500));
  } else {
    say(`Two servers ran at once on one data folder (${outcome.dataDirectory.first}):`);
    say(`  the first started at ${outcome.started.first}, the second at ${outcome.started.second};`);
    const { first, second } = outcome.lockPid;
    say(`  each one's lock file named PID ${first} and ${second}: itself, in its own container.`);
    const telling = outcome.secondLog.split("\n").filter((line) => /LOG:|FATAL:|PANIC:/.test(line));
    say("The second server's log:");
    for (const line of telling.slice(0, 14)) say(`  ${line}`);
    say("It ran crash recovery on files the first server was still writing, and its end-of-recovery checkpoint");
    say("wrote over them. The volume was a throwaway, and it is gone. The fix is one volume per server, as");
    say("compose/docker-compose-async.yml has.");
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
