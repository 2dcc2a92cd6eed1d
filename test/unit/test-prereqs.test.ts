import { describe, expect, it } from "vitest";
import {
  distroWords,
  dockerPlan,
  findBrowser,
  plan,
  prepare,
  prepareDocker,
  type Machine,
  type Run,
} from "../../scripts/prerequisites.ts";

/** A machine with these programs and nothing else; Debian, root, PATH=/usr/bin unless told otherwise. */
function machine(programs: string[], overrides: Partial<Machine> & { env?: Record<string, string> } = {}): Machine {
  const files = new Set(programs);
  return {
    isRoot: true,
    distro: ["debian"],
    ...overrides,
    env: { PATH: "/usr/bin", ...overrides.env },
    isExecutable: (file) => files.has(file),
  };
}

const APT = "/usr/bin/apt-get";
const CHROMIUM = "/usr/bin/chromium";
const PSQL = "/usr/bin/psql";

describe("finding the browser and psql the lab's tests need", () => {
  it("finds Debian's chromium and psql on PATH", () => {
    expect(plan(machine([CHROMIUM, PSQL]))).toEqual({ kind: "ready", browser: CHROMIUM, psql: PSQL });
  });

  it("takes CHROMIUM_PATH over the usual places, and a Chrome on PATH when the usual places have none", () => {
    expect(findBrowser(machine([CHROMIUM, "/opt/chrome"], { env: { CHROMIUM_PATH: "/opt/chrome" } }))).toBe(
      "/opt/chrome",
    );
    expect(findBrowser(machine(["/usr/bin/google-chrome"]))).toBe("/usr/bin/google-chrome");
    expect(findBrowser(machine(["/opt/bin/chromium-browser"], { env: { PATH: "/usr/bin:/opt/bin" } }))).toBe(
      "/opt/bin/chromium-browser",
    );
    expect(findBrowser(machine([]))).toBeUndefined();
  });

  it(
    "never looks past a CHROMIUM_PATH that names nothing: " + "it stops, even as root on Debian, and says to unset it",
    () => {
      const found = plan(machine([CHROMIUM, PSQL, APT], { env: { CHROMIUM_PATH: "/nonexistent" } }));
      expect(found).toEqual({
        kind: "stop",
        message: expect.stringContaining("CHROMIUM_PATH is /nonexistent, which is not a program this user can run."),
      });
      expect(found.kind === "stop" && found.message.endsWith("\n  unset CHROMIUM_PATH")).toBe(true);
      // With no browser in the usual places either, unsetting it is not enough.
      const bare = plan(machine([PSQL, APT], { env: { CHROMIUM_PATH: "/nonexistent" } }));
      expect(
        bare.kind === "stop" && bare.message.endsWith("\n  unset CHROMIUM_PATH && apt-get install -y chromium"),
      ).toBe(true);
    },
  );

  it("installs only what is missing, as root on Debian or Ubuntu with apt-get", () => {
    expect(plan(machine([APT]))).toEqual({ kind: "install", packages: ["chromium", "postgresql-client"] });
    expect(plan(machine([APT, CHROMIUM]))).toEqual({ kind: "install", packages: ["postgresql-client"] });
    expect(plan(machine([APT, PSQL], { distro: distroWords('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n') }))).toEqual({
      kind: "install",
      packages: ["chromium"],
    });
  });

  it("stops with the one command to run when it may not install: not root, or no apt-get", () => {
    const user = plan(machine([CHROMIUM], { isRoot: false }));
    expect(user).toEqual({
      kind: "stop",
      message: [
        "The lab's tests need programs this machine lacks:",
        "  - psql (looked on PATH), for the meta-command tests, which compare the lab's output with psql's.",
        "Run this, then npm test again:",
        "  sudo apt-get install -y postgresql-client",
      ].join("\n"),
    });
    const noApt = plan(machine([]));
    expect(noApt.kind).toBe("stop");
    expect(noApt.kind === "stop" && noApt.message).toContain("  - Chromium or Chrome, for the browser tests");
    expect(noApt.kind === "stop" && noApt.message.endsWith("\n  apt-get install -y chromium postgresql-client")).toBe(
      true,
    );
  });

  it("outside Debian and Ubuntu, names what to install instead of a package manager's command", () => {
    const fedora = plan(machine([APT, PSQL], { distro: distroWords("ID=fedora\n") }));
    expect(
      fedora.kind === "stop" &&
        fedora.message.endsWith("\n  install Chromium or Google Chrome (or set CHROMIUM_PATH to a browser you have)"),
    ).toBe(true);
    const mac = plan(machine([CHROMIUM], { distro: [] }));
    expect(mac.kind === "stop" && mac.message.endsWith("\n  install the PostgreSQL client (psql)")).toBe(true);
  });

  it("reads ID and ID_LIKE from os-release, quoted or not", () => {
    expect(distroWords('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toEqual(["debian"]);
    expect(distroWords('ID="linuxmint"\nID_LIKE="ubuntu debian"\n')).toEqual(["linuxmint", "ubuntu", "debian"]);
    expect(distroWords("")).toEqual([]);
  });
});

/** apt-get as a script: records its calls and, when it "installs", adds the programs to the machine. */
function fakeApt(files: string[], outcome: { failOn?: string; installs?: string[] } = {}) {
  const calls: { args: string[]; env: Record<string, string> }[] = [];
  const run: Run = async (command, args, env) => {
    expect(command).toBe("apt-get");
    calls.push({ args, env });
    if (args[0] === outcome.failOn) return { code: 100, output: "E: Could not get lock /var/lib/dpkg/lock-frontend" };
    if (args[0] === "install") files.push(...(outcome.installs ?? []));
    return { code: 0, output: "" };
  };
  return { calls, run };
}

describe("npm test's pre-test check", () => {
  const said: string[] = [];
  const say = (line: string) => said.push(line);

  it("goes ahead without running anything when both are there", async () => {
    const apt = fakeApt([]);
    await expect(prepare(() => machine([CHROMIUM, PSQL, APT]), apt.run, say)).resolves.toEqual({
      browser: CHROMIUM,
      psql: PSQL,
    });
    expect(apt.calls).toEqual([]);
  });

  it("as root on Debian, installs what is missing as CI does, then finds it", async () => {
    const files = [APT, PSQL];
    const apt = fakeApt(files, { installs: [CHROMIUM] });
    await expect(prepare(() => machine(files), apt.run, say)).resolves.toEqual({ browser: CHROMIUM, psql: PSQL });
    expect(apt.calls).toEqual([
      { args: ["update", "-qq"], env: { DEBIAN_FRONTEND: "noninteractive" } },
      { args: ["install", "-y", "-qq", "chromium"], env: { DEBIAN_FRONTEND: "noninteractive" } },
    ]);
    expect(said.at(-1)).toBe(
      "npm test: installing chromium for the lab's tests (apt-get install -y chromium, as CI does)...",
    );
  });

  it("stops with apt-get's own words and the command when apt-get fails, and goes no further", async () => {
    const apt = fakeApt([APT], { failOn: "update" });
    const attempt = prepare(() => machine([APT]), apt.run, say);
    await expect(attempt).rejects.toThrow(
      "apt-get update failed (exit code 100):\nE: Could not get lock /var/lib/dpkg/lock-frontend\n",
    );
    await expect(attempt).rejects.toThrow(/\n {2}apt-get install -y chromium postgresql-client$/);
    expect(apt.calls).toHaveLength(1);
  });

  it("stops when apt-get succeeded but the programs are still not where the tests look", async () => {
    const apt = fakeApt([APT]);
    await expect(prepare(() => machine([APT, CHROMIUM]), apt.run, say)).rejects.toThrow(
      /^apt-get installed postgresql-client, yet the tests still can't find them\.\nThe lab's tests need/,
    );
  });

  it("stops at once, running nothing, where it may not install", async () => {
    const apt = fakeApt([]);
    await expect(prepare(() => machine([], { isRoot: false }), apt.run, say)).rejects.toThrow(
      /\n {2}sudo apt-get install -y chromium postgresql-client$/,
    );
    expect(apt.calls).toEqual([]);
  });
});

describe("the pre-test check for the Docker tests", () => {
  const DOCKERD = "/usr/sbin/dockerd";
  const DEBOOTSTRAP = "/usr/sbin/debootstrap";
  const COMPOSE = "/usr/bin/docker-compose";
  const COMPOSE_PLUGIN = "/usr/libexec/docker/cli-plugins/docker-compose";
  const rootPath = { env: { PATH: "/usr/sbin:/usr/bin" } };

  it("installs docker.io, debootstrap and Compose as root on Debian, only those missing, and finds them", async () => {
    expect(dockerPlan(machine([APT, DOCKERD, DEBOOTSTRAP, COMPOSE], rootPath))).toEqual({ kind: "ready" });
    // Compose v2's plugin serves as well as v1's docker-compose.
    expect(dockerPlan(machine([APT, DOCKERD, DEBOOTSTRAP, COMPOSE_PLUGIN], rootPath))).toEqual({ kind: "ready" });
    expect(dockerPlan(machine([APT, DEBOOTSTRAP, COMPOSE], rootPath))).toEqual({
      kind: "install",
      packages: ["docker.io"],
    });
    const files = [APT];
    const apt = fakeApt(files, { installs: [DOCKERD, DEBOOTSTRAP, COMPOSE] });
    const said: string[] = [];
    await prepareDocker(
      () => machine(files, rootPath),
      apt.run,
      (line) => said.push(line),
    );
    expect(apt.calls.map((call) => call.args)).toEqual([
      ["update", "-qq"],
      ["install", "-y", "-qq", "docker.io", "debootstrap", "docker-compose"],
    ]);
    expect(said).toEqual([
      "npm test: installing docker.io and debootstrap and docker-compose for the Docker tests (as CI does)...",
    ]);
  });

  it("where it may not install, runs nothing and goes on, saying the Docker tests will say why", async () => {
    const apt = fakeApt([]);
    const said: string[] = [];
    await prepareDocker(
      () => machine([DEBOOTSTRAP, COMPOSE], { isRoot: false, ...rootPath }),
      apt.run,
      (l) => said.push(l),
    );
    expect(apt.calls).toEqual([]);
    expect(said).toEqual([
      "npm test: docker.io not installed here (sudo apt-get install -y docker.io); " +
        "the Docker tests will say they can't run.",
    ]);
    expect(dockerPlan(machine([], { distro: [] }))).toMatchObject({ why: expect.stringContaining("install Docker") });
  });

  it("stops with apt-get's words when installing fails as root", async () => {
    const apt = fakeApt([APT], { failOn: "install" });
    await expect(
      prepareDocker(
        () => machine([APT], rootPath),
        apt.run,
        () => {},
      ),
    ).rejects.toThrow(
      "apt-get install for docker.io debootstrap docker-compose failed (exit code 100):\nE: Could not get lock",
    );
  });
});
