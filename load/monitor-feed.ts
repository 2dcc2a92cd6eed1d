// The bridge's monitor feed (GET /api/monitor, server-sent events) read outside a browser, as `npm run load` and
// bench:load follow a load run on it: each message's event type and its data, parsed, in the order they came.
export interface FeedMessage {
  /** The message's `event:` ("sample", "load", ...); undefined for a message without one. */
  type: string | undefined;
  /** Its `data:` line, parsed as JSON; null for a message without one. */
  data: unknown;
}

/** The feed's messages until it ends; a consumer that stops early closes the response. */
export async function* feedMessages(response: Response): AsyncGenerator<FeedMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      yield {
        type: /^event: (\w+)/m.exec(message)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(message)?.[1] ?? "null"),
      };
    }
  }
}
