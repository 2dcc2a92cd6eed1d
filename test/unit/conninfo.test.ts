import { describe, expect, it } from "vitest";
import { credentials, withPassword } from "../../server/lab/conninfo.ts";
import { followPassword } from "../../server/lab/embedded/repoint.ts";

describe("a connection string's credentials", () => {
  it("are read from keyword=value strings, quoted or not, and from URIs", () => {
    expect(credentials("host=127.0.0.1 port=54321 user=postgres password=postgres dbname=replication")).toEqual({
      user: "postgres",
      password: "postgres",
    });
    expect(credentials("host=127.0.0.1 user = 'postgres' password='post gres'")).toEqual({
      user: "postgres",
      password: "post gres",
    });
    expect(credentials("postgresql://postgres:p%40ss@127.0.0.1:54321/replication")).toEqual({
      user: "postgres",
      password: "p@ss",
    });
    expect(credentials("postgres://127.0.0.1:54321/replication?user=postgres&password=postgres")).toEqual({
      user: "postgres",
      password: "postgres",
    });
    expect(credentials("host=127.0.0.1 dbname=replication")).toEqual({ user: undefined, password: undefined });
  });

  it("get a new password in place, whichever form they take", () => {
    expect(withPassword("host=127.0.0.1 port=1 user=postgres password=postgres dbname=replication", "Ab_-9")).toBe(
      "host=127.0.0.1 port=1 user=postgres password=Ab_-9 dbname=replication",
    );
    expect(withPassword("host=127.0.0.1 password = 'it\\'s a secret' user=postgres", "new")).toBe(
      "host=127.0.0.1 password=new user=postgres",
    );
    expect(withPassword("host=127.0.0.1 user=postgres", "new")).toBe("host=127.0.0.1 user=postgres password=new");
    expect(withPassword("postgres://postgres:postgres@127.0.0.1:1/replication", "new")).toBe(
      "postgres://postgres:new@127.0.0.1:1/replication",
    );
    expect(withPassword("postgres://postgres@127.0.0.1:1/replication", "new")).toBe(
      "postgres://postgres:new@127.0.0.1:1/replication",
    );
    expect(withPassword("postgres://127.0.0.1:1/r?user=postgres&password=postgres&sslmode=disable", "new")).toBe(
      "postgres://127.0.0.1:1/r?user=postgres&password=new&sslmode=disable",
    );
  });
});

describe("a subscription made with the walkthrough's password", () => {
  const nodeAt = (port: number) => (port === 54321 ? "master" : undefined);
  const change = followPassword(nodeAt, "postgres", "postgres", "Lab_Password");

  it("gets the lab's password when it logs in to a node of the lab as postgres/postgres", () => {
    expect(change("host=127.0.0.1 port=54321 user=postgres password=postgres dbname=replication")).toEqual({
      conninfo: "host=127.0.0.1 port=54321 user=postgres password=Lab_Password dbname=replication",
      said: `now logs in to master with the lab's password (it had the walkthrough's "postgres")`,
    });
  });

  it("is left alone when it goes elsewhere, as another role, or with another password", () => {
    expect(change("host=127.0.0.1 port=5432 user=postgres password=postgres dbname=replication")).toBeNull();
    expect(change("host=10.0.0.5 port=54321 user=postgres password=postgres dbname=replication")).toBeNull();
    expect(change("host=127.0.0.1 port=54321 user=replicator password=postgres dbname=replication")).toBeNull();
    expect(change("host=127.0.0.1 port=54321 user=postgres password=secret dbname=replication")).toBeNull();
  });
});
