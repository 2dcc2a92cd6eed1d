// The bridge's server-sent-event feeds (node states, the live monitor) written one way: the headers, one event
// per message, and a comment line now and then. Without that comment a feed that has nothing to say for a while
// (no node changes state) looks dead to proxies and to the browser, which then drop it.
import type { Request, Response } from "express";

/** How often an idle feed sends its keep-alive comment; LAB_KEEPALIVE_MS sets it (tests use a short one). */
export const KEEP_ALIVE_MS = 15_000;

export interface EventStream {
  /** Sends one event of this type, its data as JSON. */
  send(type: string, data: unknown): void;
  /** Runs `stop` when the page goes away: the caller takes its listeners off there. */
  onClose(stop: () => void): void;
}

/** Answers `req` with an event stream that sends a keep-alive comment every `keepAliveMs` until the page goes. */
export function openEventStream(req: Request, res: Response, keepAliveMs: number = KEEP_ALIVE_MS): EventStream {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), keepAliveMs);
  req.on("close", () => clearInterval(keepAlive));
  return {
    send: (type, data) => void res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`),
    onClose: (stop) => void req.on("close", stop),
  };
}
