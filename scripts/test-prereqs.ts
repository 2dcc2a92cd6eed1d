// Run by `npm test` before anything else: finds the browser and psql the lab's tests need, installs them where CI
// would (root on Debian or Ubuntu), and otherwise stops at once, before the lab starts or the site builds, with
// what is missing and the one command to run. It never lets the tests that need them be skipped. Docker's engine
// and debootstrap, for the hub's image test, are installed the same way; where they can't be, that test says so.
// psql 18, for the live comparison of \dRp+ and \dRs+ (psql18-meta.test.ts), is a Debian sid chroot made as root
// (scripts/psql18.ts, 1.5 to 3 minutes, once); Debian's postgresql-18 goes into it for the real pg_createsubscriber
// (pg-createsubscriber.test.ts, scripts/server18.ts, under a minute, once).
import { spawn } from "node:child_process";
import { prepare, prepareDocker, thisMachine, type Run } from "./prerequisites.ts";
import { preparePsql18ForTests } from "./psql18.ts";
import { prepareServer18ForTests } from "./server18.ts";

const run: Run = (command, args, env) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", (error) => resolve({ code: 127, output: `${output}${error.message}` }));
    child.once("close", (code, signal) =>
      resolve({ code: code ?? 128, output: signal ? `${output}killed by ${signal}` : output }),
    );
  });

try {
  const found = await prepare(thisMachine, run, (line) => console.log(line));
  console.log(`npm test: browser ${found.browser}, psql ${found.psql}`);
  await prepareDocker(thisMachine, run, (line) => console.log(line));
  // After the Docker part, which installs debootstrap: psql 18's chroot needs it.
  await preparePsql18ForTests((line) => console.log(line));
  await prepareServer18ForTests((line) => console.log(line));
} catch (error) {
  console.error(`\nnpm test stopped before starting the lab or building the site.\n${(error as Error).message}\n`);
  process.exitCode = 1;
}
