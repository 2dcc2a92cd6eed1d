import http from "node:http";
import { afterAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import type { PromptState, ServerMessage } from "../../shared/console-protocol.ts";
import { renderPrompt } from "../../src/lib/console/prompt.ts";
import { call, direct, query, waitFor } from "../support/bridge.ts";
import { pattern } from "../support/pattern.ts";

/** A terminal as the page drives it: lines in, psql's text and prompts out. */
class Terminal {
  output = "";
  prompt: PromptState | undefined;
  private readies = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === "output") this.output += message.text;
      if (message.type === "ready") {
        this.prompt = message.prompt;
        this.readies++;
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on("close", () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(node = "master"): Promise<Terminal> {
    const url = `ws://127.0.0.1:${inject("bridgePort")}/api/console?token=${inject("token")}&node=${node}`;
    const socket = new WebSocket(url, { headers: { Origin: inject("bridgeUrl") } });
    const terminal = new Terminal(socket);
    await terminal.until(() => terminal.readies > 0, 10_000);
    return terminal;
  }

  get shown(): string {
    return this.prompt ? renderPrompt(this.prompt) : "";
  }

  async until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`terminal waited in vain; it shows:\n${this.output}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /**
   * Sends a line (with the terminal's width in `columns`, as the page sends it); resolves with what the session
   * printed for it, once it waits for the next one.
   */
  async type(line: string, timeoutMs = 10_000, size: { columns?: number } = {}): Promise<string> {
    const start = this.output.length;
    const readies = this.readies;
    this.socket.send(JSON.stringify({ type: "line", text: line, ...size }));
    await this.until(() => this.readies > readies || this.closed, timeoutMs);
    return this.output.slice(start);
  }

  /** Sends a line without waiting for it to finish. */
  start(line: string): number {
    this.socket.send(JSON.stringify({ type: "line", text: line }));
    return this.output.length;
  }

  async cancel(): Promise<void> {
    const readies = this.readies;
    this.socket.send(JSON.stringify({ type: "cancel" }));
    await this.until(() => this.readies > readies);
  }

  close(): void {
    this.socket.close();
  }
}

/** A handshake as a browser sends it, answered either 101 (upgraded) or with a plain HTTP refusal. */
function handshake(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request({
      host: "127.0.0.1",
      port: inject("bridgePort"),
      path,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        ...headers,
      },
    });
    request.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, body: "" });
    });
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

const consoleBackends = async (node = "master") =>
  direct(
    node as "master",
    "SELECT pid, state, query FROM pg_stat_activity WHERE application_name = 'replication-lab console'",
  );

const terminals: Terminal[] = [];
async function terminal(node = "master"): Promise<Terminal> {
  const opened = await Terminal.open(node);
  terminals.push(opened);
  return opened;
}
afterAll(() => {
  for (const opened of terminals) opened.close();
});

describe("a psql session over the console's WebSocket", () => {
  it("greets, shows psql's prompt, and prints a result in psql's aligned format", async () => {
    const t = await terminal();
    expect(t.output).toMatch(/^PostgreSQL 18\.\d+ on node "master"\. Type \\\? for help\.\n\n$/);
    expect(t.shown).toBe("replication=# ");
    expect(await t.type("SELECT 1 AS one, 'two' AS two;")).toBe(" one | two \n-----+-----\n   1 | two\n(1 row)\n\n");
  });

  it("keeps one connection across lines: a transaction, its state in the prompt, and SET", async () => {
    const t = await terminal();
    await t.type("CREATE TABLE console_tx (id int PRIMARY KEY);");
    expect(await t.type("BEGIN;")).toBe("BEGIN\n");
    expect(t.shown).toBe("replication=*# ");
    expect(await t.type("INSERT INTO console_tx VALUES (1);")).toBe("INSERT 0 1\n");
    expect(await direct("master", "SELECT * FROM console_tx")).toEqual([]);
    expect(await t.type("INSERT INTO console_tx VALUES (1);")).toContain(
      'ERROR:  duplicate key value violates unique constraint "console_tx_pkey"\nDETAIL:  Key (id)=(1) ' +
        "already exists.\n",
    );
    expect(t.shown).toBe("replication=!# ");
    expect(await t.type("SELECT 1;")).toBe(
      "ERROR:  current transaction is aborted, commands ignored until end of transaction block\n",
    );
    expect(await t.type("ROLLBACK;")).toBe("ROLLBACK\n");
    expect(t.shown).toBe("replication=# ");
    await t.type("SET work_mem = '7MB';");
    expect(await t.type("SHOW work_mem;")).toContain(" 7MB\n");
    await t.type("DROP TABLE console_tx;");
  });

  it("runs at the semicolon, continuing a statement over lines with psql's continuation prompts", async () => {
    const t = await terminal();
    expect(await t.type("SELECT 1")).toBe("");
    expect(t.shown).toBe("replication-# ");
    expect(await t.type("  + 1 AS two; SELECT 'open")).toBe(" two \n-----\n   2\n(1 row)\n\n");
    expect(t.shown).toBe("replication'# ");
    expect(await t.type("string' AS s, (1")).toBe("");
    expect(t.shown).toBe("replication(# ");
    expect(await t.type(") AS n;")).toContain("(1 row)");
    expect(await t.type("-- a comment alone starts nothing")).toBe("");
    expect(t.shown).toBe("replication=# ");
    await t.type("SELECT 1");
    expect(await t.type("\\r")).toBe("Query buffer reset (cleared).\n");
    expect(t.shown).toBe("replication=# ");
  });

  it("prints errors, notices and command tags as psql does", async () => {
    const t = await terminal();
    expect(await t.type("SELEC 1;")).toBe('ERROR:  syntax error at or near "SELEC"\nLINE 1: SELEC 1;\n        ^\n');
    expect(await t.type("SELECT 1,")).toBe("");
    expect(await t.type("nope;")).toBe('ERROR:  column "nope" does not exist\nLINE 2: nope;\n        ^\n');
    expect(await t.type("DO $$ BEGIN RAISE NOTICE 'hello %', 'you'; END $$;")).toBe("NOTICE:  hello you\nDO\n");
    expect(await t.type("CREATE TABLE console_tags (id int, note text);")).toBe("CREATE TABLE\n");
    expect(await t.type("INSERT INTO console_tags VALUES (1, 'a'), (2, 'b') RETURNING id;")).toBe(
      " id \n----\n  1\n  2\n(2 rows)\n\nINSERT 0 2\n",
    );
    expect(await t.type("UPDATE console_tags SET note = 'c';")).toBe("UPDATE 2\n");
    expect(await t.type("DROP TABLE console_tags;")).toBe("DROP TABLE\n");
  });

  it("prints COPY TO STDOUT's data, fails COPY FROM STDIN instead of waiting, and shows notifications", async () => {
    const t = await terminal();
    expect(await t.type("COPY (SELECT g, 'x' FROM generate_series(1, 2) g) TO STDOUT;")).toBe("1\tx\n2\tx\nCOPY 2\n");
    await t.type("CREATE TABLE console_copy (n int);");
    expect(await t.type("COPY console_copy FROM STDIN;")).toMatch(
      pattern(
        String.raw`^ERROR:  COPY from stdin failed: the lab's console can't send `,
        String.raw`COPY data.*\nCONTEXT:  COPY console_copy, line 1\n$`,
      ),
    );
    expect(await t.type("SELECT 1 AS still_here;")).toContain("still_here");
    await t.type("DROP TABLE console_copy;");
    await t.type("LISTEN lab_channel;");
    const pid = (await t.type("SELECT pg_backend_pid();")).match(/\d+/)?.[0];
    expect(await t.type("NOTIFY lab_channel, 'hello';")).toBe(
      `NOTIFY\nAsynchronous notification "lab_channel" with payload "hello" received from server process ` +
        `with PID ${pid}.\n`,
    );
  });

  it("answers meta-commands from the same implementation as the cells", async () => {
    const t = await terminal();
    await t.type("CREATE PUBLICATION console_pub FOR ALL TABLES;");
    const cell = await query("master", "\\dRp+ console_pub");
    expect(await t.type("\\dRp+ console_pub")).toBe(cell.results[0]!.psql);
    await t.type("DROP PUBLICATION console_pub;");
    expect(await t.type("\\x on")).toBe("Expanded display is on.\n");
    expect(await t.type("SELECT 1 AS a, 'b' AS b;")).toBe("-[ RECORD 1 ]\na | 1\nb | b\n\n");
    await t.type("\\x off");
    expect(await t.type("SELECT 42 AS answer \\gx")).toBe("-[ RECORD 1 ]\nanswer | 42\n\n");
    expect(await t.type("\\g")).toBe(" answer \n--------\n     42\n(1 row)\n\n");
    expect(await t.type("\\timing")).toBe("Timing is on.\n");
    expect(await t.type("SELECT;")).toMatch(/^--\n\(1 row\)\n\nTime: \d+\.\d{3} ms\n$/);
    expect(await t.type("\\frobnicate")).toBe("invalid command \\frobnicate\nTry \\? for help.\n");
    expect(await t.type("\\?")).toContain("\\dRs[x+] [PATTERN]");
  });

  it("starts under \\x auto: a result wider than the terminal that sent the line is shown expanded", async () => {
    const t = await terminal();
    const line = (text: string, columns?: number) => t.type(text, 10_000, columns === undefined ? {} : { columns });
    const wide = "SELECT 1 AS a, 'a long enough value' AS b;";
    // The aligned table is 25 columns wide (" a |          b          ", its header): it fits in 25, not 24.
    expect(await line(wide, 25)).toBe(
      " a |          b          \n---+---------------------\n 1 | a long enough value\n(1 row)\n\n",
    );
    expect(await line(wide, 24)).toBe("-[ RECORD 1 ]----------\na | 1\nb | a long enough value\n\n");
    // psql toggles auto to off, as it toggles on.
    expect(await line("\\x")).toBe("Expanded display is off.\n");
    expect(await line(wide, 24)).toContain("(1 row)");
    expect(await line("\\x auto")).toBe("Expanded display is used automatically.\n");
  });

  it("caps the rows it prints, and says so", async () => {
    const t = await terminal();
    const output = await t.type("SELECT generate_series(1, 100000) AS n;");
    expect(output).toMatch(/\n\(first (\d+) rows: the console prints at most \1 rows of a result\)\n\n$/);
  });

  it("cancels the running statement on the server with Ctrl+C", async () => {
    const t = await terminal();
    const from = t.start("SELECT pg_sleep(20) /* console cancel */;");
    await waitFor(async () =>
      (await consoleBackends()).some((b) => b.state === "active" && b.query.includes("console cancel")),
    );
    await t.cancel();
    expect(t.output.slice(from)).toBe("Cancel request sent\nERROR:  canceling statement due to user request\n");
    expect(t.shown).toBe("replication=# ");
    // At the prompt, Ctrl+C empties the query buffer.
    await t.type("SELECT 1");
    await t.cancel();
    expect(t.shown).toBe("replication=# ");
  });

  it("streams \\watch every N seconds until Ctrl+C", async () => {
    const t = await terminal();
    const from = t.start("SELECT 7 AS seven \\watch 0.2");
    await t.until(() => (t.output.slice(from).match(/\(every 0\.2s\)/g) ?? []).length >= 3);
    await t.cancel();
    const shown = t.output.slice(from);
    expect(shown).toMatch(
      /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \(every 0\.2s\)\n\n seven \n-------\n     7\n\(1 row\)\n\n/,
    );
    // Nothing of the stopped \watch may come after Ctrl+C. Rather than a fixed pause, let a second \watch at the
    // same interval tick three times: a loop of the first that outlived Ctrl+C would have printed meanwhile.
    const after = t.output.length;
    t.start("SELECT 8 AS eight \\watch 0.2");
    await t.until(() => (t.output.slice(after).match(/\(every 0\.2s\)/g) ?? []).length >= 3);
    await t.cancel();
    expect(t.output.slice(after)).not.toContain("seven");
    expect(await t.type("SELECT 1 AS still;")).toContain("still");
  });

  it("switches node with \\c, and says clearly when a node is down", async () => {
    const t = await terminal();
    expect(await t.type("\\c slave1")).toBe(
      'You are now connected to database "replication" as user "postgres" on node "slave1".\n',
    );
    expect(t.prompt?.node).toBe("slave1");
    expect(await t.type("\\c nowhere")).toContain('there is no node "nowhere"');
    await call("/api/lab/nodes/slave2/stop", {});
    try {
      expect(await t.type("\\c slave2")).toMatch(
        /^psql: error: node "slave2" is down: .+\nPrevious connection kept\n$/,
      );
      expect(t.prompt?.node).toBe("slave1");
      const down = await terminal("slave2");
      expect(down.output).toMatch(/^psql: error: node "slave2" is down/);
      expect(down.shown).toBe("!?> ");
      expect(await down.type("SELECT 1;")).toBe("You are currently not connected to a database.\n");
      await down.type("\\c master");
      expect(down.shown).toBe("replication=# ");
    } finally {
      await call("/api/lab/nodes/slave2/start", {});
    }
  });

  it("says the connection was lost when its node stops under it", async () => {
    const t = await terminal("slave3");
    await call("/api/lab/nodes/slave3/stop", {});
    try {
      const output = await t.type("SELECT 1;");
      expect(output).toContain("The connection to the server was lost. Attempting reset: Failed.\n");
      expect(t.shown).toBe("!?> ");
    } finally {
      await call("/api/lab/nodes/slave3/start", {});
    }
    await t.type("\\c");
    expect(t.shown).toBe("replication=# ");
  });

  it("ends its PostgreSQL connection, and what it ran, when the socket goes away", async () => {
    const t = await terminal();
    t.start("SELECT pg_sleep(20) /* console gone */;");
    await waitFor(async () => (await consoleBackends()).some((b) => b.query.includes("console gone")));
    t.close();
    await waitFor(async () => !(await consoleBackends()).some((b) => b.query.includes("console gone")));
  });

  it("answers a malformed message with an error, and stays open for the next line", async () => {
    const t = await terminal();
    const malformed: [string, string][] = [
      ["not json", "expected JSON"],
      [JSON.stringify({ type: "line" }), "text: expected a string, got nothing"],
      [JSON.stringify({ type: "line", text: 42 }), "text: expected a string, got a number"],
      [JSON.stringify({ type: "shout", text: "hi" }), "type: expected one of line, cancel"],
      [JSON.stringify([{ type: "line", text: "SELECT 1;" }]), "body: expected a JSON object, got an array"],
      [JSON.stringify({ type: "cancel", extra: "x".repeat(50_000) }), "extra: not an expected field"],
    ];
    for (const [message, reason] of malformed) {
      const start = t.output.length;
      t.socket.send(message);
      await t.until(() => t.output.length > start);
      expect(t.output.slice(start)).toBe(`psql: error: the console got a message it can't read: ${reason}\n`);
    }
    expect(await t.type("SELECT 40 + 2 AS answer;")).toContain("     42");
    expect(t.closed).toBe(false);
  });

  it("quits on \\q", async () => {
    const t = await terminal();
    await t.type("\\q");
    await t.until(() => t.closed);
  });
});

describe("the console's WebSocket refuses what doesn't come from the lab's own pages", () => {
  const path = () => `/api/console?token=${inject("token")}`;
  const origin = () => inject("bridgeUrl");

  it("upgrades a handshake from the lab's own page", async () => {
    expect((await handshake(path(), { Origin: origin() })).status).toBe(101);
  });

  it("refuses a foreign Origin with a plain 403, before upgrading", async () => {
    const { status, body } = await handshake(path(), { Origin: "http://evil.example" });
    expect(status).toBe(403);
    expect(JSON.parse(body).error.message).toContain("http://evil.example");
  });

  it("refuses a missing or wrong token with 401", async () => {
    expect((await handshake("/api/console", { Origin: origin() })).status).toBe(401);
    expect((await handshake("/api/console?token=not-the-token-at-all-1234", { Origin: origin() })).status).toBe(401);
  });

  it("refuses a Host that is not a loopback name on the bridge's port", async () => {
    const port = inject("bridgePort");
    for (const host of [`evil.example:${port}`, `localhost:${port + 1}`]) {
      expect((await handshake(path(), { Host: host, Origin: origin() })).status).toBe(403);
    }
  });

  it("answers other WebSocket paths with 404", async () => {
    expect((await handshake(`/api/elsewhere?token=${inject("token")}`)).status).toBe(404);
  });

  it("closes a socket that sends more than 100 kB at once", async () => {
    const t = await terminal();
    t.socket.send(JSON.stringify({ type: "line", text: "x".repeat(200 * 1024) }));
    await t.until(() => t.closed);
  });
});
