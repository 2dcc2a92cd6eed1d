// The HTTP layer's side of the error model: each domain error gets its status from one table, keeps what it
// wraps, and every refusal has the same JSON body, whoever sends it. Express's own error handler is exercised on
// a real Express app and a real socket here; test/integration/error-model.test.ts drives the whole bridge.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorHandler } from "../../server/app.ts";
import {
  HttpError,
  InvalidRequest,
  LabBusy,
  LabError,
  NodeNotRunning,
  NotFound,
  NotSupportedInMode,
  oneLine,
} from "../../server/errors.ts";
import { errorJson, toHttpError } from "../../server/http-errors.ts";
import { LessonStartBusy } from "../../server/lesson-start/service.ts";

afterEach(() => vi.restoreAllMocks());

describe("a domain error as an HTTP answer", () => {
  it.each([
    [new NodeNotRunning("Start every node before a reset: slave2 is not up."), 409, "LAB01"],
    [new LabBusy("A load run is already going; wait for it or stop it."), 409, "LAB06"],
    [new NotSupportedInMode("docker mode can't stop or start slave2 from here"), 409, "LAB07"],
    [new InvalidRequest('"requests" must be a whole number from 1 to 100000.'), 400, "LAB08"],
    [new NotFound("There is no lesson 42."), 404, "LAB09"],
    [new LabError("slave2 failed to start: FATAL: could not create lock file"), 500, "LAB10"],
  ])("%s is %i with code %s, its sentence as is, and wraps the domain error", (error, status, code) => {
    const answer = toHttpError(error);
    expect(answer).toMatchObject({ status, code, message: error.message });
    expect(answer.cause).toBe(error);
    expect(JSON.parse(errorJson(answer))).toEqual({ error: { status, message: error.message, code } });
  });

  it("a subclass of a domain error (a lesson's start already running) gets its parent's status and code", () => {
    const busy = new LessonStartBusy({
      lesson: 9,
      how: "replay",
      phase: "replaying",
      step: 3,
      steps: 131,
      says: "lesson 4",
      elapsedMs: 10,
      snapshots: true,
    });
    expect(busy.name).toBe("LessonStartBusy");
    expect(toHttpError(busy)).toMatchObject({ status: 409, code: "LAB06" });
  });

  it("keeps the error a domain error wraps, and the terminal line names it", () => {
    const spawn = Object.assign(new Error("spawn /usr/lib/postgresql/bin/postgres EACCES"), { code: "EACCES" });
    const error = new LabError("could not run postgres for slave2: spawn EACCES", { cause: spawn });
    expect(error.cause).toBe(spawn);
    expect(toHttpError(error).cause).toBe(error);
    expect(oneLine(toHttpError(error))).toBe(
      "HttpError: could not run postgres for slave2: spawn EACCES " +
        "(cause: LabError: could not run postgres for slave2: spawn EACCES " +
        "(cause: Error: spawn /usr/lib/postgresql/bin/postgres EACCES))",
    );
  });

  it("an error that is nobody's refusal is a 500 with a sentence, wrapping it, and no code", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'rows')");
    const answer = toHttpError(bug);
    const message = "The bridge failed to answer; see the terminal running npm start.";
    expect(answer).toMatchObject({ status: 500, message });
    expect(answer.code).toBeUndefined();
    expect(answer.cause).toBe(bug);
    expect(JSON.parse(errorJson(answer))).toEqual({ error: { status: 500, message: answer.message } });
  });

  it("an HttpError is answered as it is", () => {
    const refusal = new HttpError("Send JSON (Content-Type: application/json).", 415);
    expect(toHttpError(refusal)).toBe(refusal);
  });
});

describe("Express's error handler", () => {
  async function serve(route: () => never) {
    const app = express();
    app.get("/fails", route);
    app.use(errorHandler);
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fails`);
    server.close();
    return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
  }

  it("answers a domain error thrown in a route with its status and the JSON body, and is quiet about it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const answer = await serve(() => {
      throw new NotSupportedInMode("external mode can't stop or start slave1 from here: stop the server itself.");
    });
    const message = "external mode can't stop or start slave1 from here: stop the server itself.";
    expect(answer).toEqual({
      status: 409,
      type: "application/json; charset=utf-8",
      body: { error: { status: 409, message, code: "LAB07" } },
    });
    expect(log).not.toHaveBeenCalled();
  });

  it("answers a failure of the lab with its sentence, and tells the terminal in one line with its cause", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const message = "The scratch cluster could not be made: initdb for scratch failed";
    const answer = await serve(() => {
      throw new LabError(message, { cause: new Error("No space left on device") });
    });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: { status: 500, message, code: "LAB10" } });
    expect(log).toHaveBeenCalledTimes(1);
    const line = `bridge error: GET /fails: LabError: ${message} (cause: Error: No space left on device)`;
    expect(log.mock.calls[0]![0]).toBe(line);
  });
});
