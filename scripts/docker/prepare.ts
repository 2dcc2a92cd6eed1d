// `npm run docker:prepare`: a Docker engine (started if none runs, as root) and the stand-in images
// (local/debian:bookworm, local/node:20, local/postgres:18), built once and kept; prints how long each step
// took. The tests that use Docker call the same functions, so running this first only moves the wait.
import { debianBase, nodeBase } from "./base-images.ts";
import { postgresImage, POSTGRES_STAND_IN } from "./postgres-image.ts";
import { dockerEngine } from "./engine.ts";

const say = (line: string) => console.log(line);

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await step();
  say(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

try {
  const engine = await timed("docker engine", () => dockerEngine(say));
  if (engine.unavailable) {
    console.error(`No Docker engine: ${engine.unavailable}`);
    process.exitCode = 1;
  } else {
    await timed(`base image local/debian:bookworm`, () => debianBase(say));
    await timed(`base image local/node:20`, () => nodeBase(say));
    await timed(`stand-in ${POSTGRES_STAND_IN}`, () => postgresImage(say));
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
