import { describe, expect, it } from "vitest";
import { History, type HistoryStorage } from "../../src/lib/console/history.ts";
import { parseKeys } from "../../src/lib/console/keys.ts";
import { LineEditor } from "../../src/lib/console/line-editor.ts";
import { drawLine } from "../../src/lib/console/line-view.ts";

/** Feeds what a terminal would send to an editor, as the pane does for editing keys. */
function typed(data: string, history: string[] = [], editor = new LineEditor()): LineEditor {
  for (const key of parseKeys(data)) editor.apply(key, history);
  return editor;
}

describe("reading keys from what xterm sends", () => {
  it("tells text from the keys a line editor knows", () => {
    expect(parseKeys("SELECT 1;\r")).toEqual([{ kind: "text", text: "SELECT 1;" }, { kind: "enter" }]);
    expect(parseKeys("\x1b[A\x1b[B\x1bOC\x1b[D\x1b[H\x1b[F\x1b[3~\x7f")).toEqual(
      ["up", "down", "right", "left", "home", "end", "delete", "backspace"].map((kind) => ({ kind })),
    );
    expect(parseKeys("\x03\x04\x0c\x15\x0b\x17\x01\x05")).toEqual(
      ["interrupt", "eof", "clear-screen", "kill-before", "kill-after", "kill-word", "home", "end"].map((kind) => ({
        kind,
      })),
    );
    expect(parseKeys("\x1b[1;5D\x1bf")).toEqual([{ kind: "word-left" }, { kind: "word-right" }]);
  });

  it("takes a pasted block as lines, one Enter per line end, tabs as spaces", () => {
    expect(parseKeys("SELECT\t1;\r\nSELECT 2;\n")).toEqual([
      { kind: "text", text: "SELECT 1;" },
      { kind: "enter" },
      { kind: "text", text: "SELECT 2;" },
      { kind: "enter" },
    ]);
  });

  it("drops escape sequences it does not know", () => {
    expect(parseKeys("a\x1b[15~b")).toEqual([
      { kind: "text", text: "a" },
      { kind: "text", text: "b" },
    ]);
  });
});

describe("the line editor", () => {
  it("inserts where the cursor is, and moves by character, word and line", () => {
    expect(typed("SELECT 1\x1b[Dx").text).toBe("SELECT x1");
    expect(typed("SELECT 1\x01-- \x05;").text).toBe("-- SELECT 1;");
    const editor = typed("SELECT name FROM users\x1b[1;5D\x1b[1;5D");
    expect(editor.beforeCursor).toBe("SELECT name ");
  });

  it("deletes either side of the cursor, a word, or the whole line before or after it", () => {
    expect(typed("SELECT 12\x7f").text).toBe("SELECT 1");
    expect(typed("SELECT 12\x1b[D\x1b[D\x1b[3~").text).toBe("SELECT 2");
    expect(typed("SELECT name FROM\x17").text).toBe("SELECT name ");
    expect(typed("SELECT 1\x1b[D\x1b[D\x15").text).toBe(" 1");
    expect(typed("SELECT 1\x1b[D\x1b[D\x0b").text).toBe("SELECT");
  });

  it("never splits a character made of two UTF-16 units", () => {
    expect(typed("'🐘'\x1b[D\x7f").text).toBe("''");
  });

  it("walks back through history with Up and forward to the line being typed with Down", () => {
    const history = ["SELECT 1;", "SELECT 2;"];
    const editor = typed("half typed", history);
    typed("\x1b[A", history, editor);
    expect(editor.text).toBe("SELECT 2;");
    typed("\x1b[A\x1b[A", history, editor);
    expect(editor.text).toBe("SELECT 1;");
    typed("\x1b[B\x1b[B", history, editor);
    expect(editor.text).toBe("half typed");
    expect(editor.take()).toBe("half typed");
    expect(editor.text).toBe("");
  });
});

describe("history per node", () => {
  const memory = (): HistoryStorage & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
  };

  it("keeps each node's lines apart, skipping blanks and repeats", () => {
    const storage = memory();
    const history = new History(storage);
    history.add("master", "SELECT 1;");
    history.add("master", "SELECT 1;");
    history.add("master", "   ");
    history.add("slave1", "\\dRs+");
    expect(new History(storage).entries("master")).toEqual(["SELECT 1;"]);
    expect(new History(storage).entries("slave1")).toEqual(["\\dRs+"]);
    expect([...storage.data.keys()]).toEqual([
      "replication-lab:psql-history:master",
      "replication-lab:psql-history:slave1",
    ]);
  });

  it("works without storage, and with storage holding something else", () => {
    expect(new History(null).entries("master")).toEqual([]);
    const storage = memory();
    storage.data.set("replication-lab:psql-history:master", "not json");
    expect(new History(storage).entries("master")).toEqual([]);
  });
});

describe("drawing the prompt and the line", () => {
  it("redraws from the prompt's row and leaves the cursor where the editor has it", () => {
    expect(drawLine(0, "replication=# ", "SELECT 1", "SELECT", 80)).toEqual({
      output: "\r\x1b[Jreplication=# SELECT 1\r\x1b[20C",
      cursorRow: 0,
    });
  });

  it("goes up to the prompt's first row when the line wraps", () => {
    // 14 columns of prompt and 16 of text on a 20-column terminal: the end is on row 1, the cursor on row 0.
    const drawn = drawLine(1, "replication=# ", "SELECT 12345678;", "SEL", 20);
    expect(drawn).toEqual({ output: "\x1b[1A\r\x1b[Jreplication=# SELECT 12345678;\x1b[1A\r\x1b[17C", cursorRow: 0 });
  });

  it("settles the cursor on the next row when the line fills the last column", () => {
    const drawn = drawLine(0, "db=# ", "12345", "12345", 10);
    expect(drawn).toEqual({ output: "\r\x1b[Jdb=# 12345\r\n\r", cursorRow: 1 });
  });
});
