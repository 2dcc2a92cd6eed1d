// An attendee's lab drawn for the instructor (issue 14), from GET /workshop/instructor/attendees/:id/lab: the four
// nodes with their state, each follower's subscriptions with the apply worker (pid, what it does, received and
// latest end LSN), the master's slots with how far behind each is, and each follower's lag. A parked lab says so
// (the hub does not start it to draw it).
import type { LabView, LabViewNode, LabViewSlot } from "../../../shared/room/room-api.ts";
import { bytes, clock, h } from "./dom.ts";

function nodeBox(node: LabViewNode, lag: number | null | undefined): HTMLElement {
  return h(
    "div",
    { class: "room-node", "data-node": node.name, "data-state": node.state },
    h(
      "div",
      { class: "room-node__head" },
      h("strong", {}, node.name),
      h("span", { class: "room-node__state" }, node.state),
    ),
    node.error && h("p", { class: "room-node__error" }, node.error),
    // A follower without subscriptions has no lag to speak of.
    lag !== undefined &&
      (lag !== null || node.subscriptions.length > 0) &&
      h("p", { class: "room-node__lag" }, `lag ${bytes(lag)}`),
    node.subscriptions.length > 0 &&
      h(
        "ul",
        { class: "room-node__subs" },
        ...node.subscriptions.map((sub) =>
          h(
            "li",
            { "data-subscription": sub.name, "data-worker": sub.workerPid === null ? "none" : "running" },
            h("code", {}, sub.name),
            sub.enabled ? "" : " (disabled)",
            h(
              "span",
              { class: "room-node__worker" },
              sub.workerPid === null
                ? " no apply worker"
                : ` apply worker ${sub.workerPid}${sub.workerState ? ` · ${sub.workerState}` : ""}`,
            ),
            h(
              "span",
              { class: "room-node__lsn" },
              ` received ${sub.receivedLsn ?? "–"}, latest end ${sub.latestEndLsn ?? "–"}`,
            ),
          ),
        ),
      ),
  );
}

function slotsTable(slots: LabViewSlot[]): HTMLElement {
  if (slots.length === 0) return h("p", { class: "room-empty" }, "The master has no replication slots.");
  return h(
    "table",
    { class: "room-lab__slots" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "Slot on master"),
        h("th", {}, "Active"),
        h("th", {}, "WAL status"),
        h("th", {}, "Behind"),
      ),
    ),
    h(
      "tbody",
      {},
      ...slots.map((slot) =>
        h(
          "tr",
          { "data-slot": slot.name },
          h("td", {}, h("code", {}, slot.name)),
          h("td", {}, slot.active ? "yes" : "no"),
          h("td", {}, slot.walStatus ?? "–"),
          h("td", { class: "room-number" }, bytes(slot.bytesBehind)),
        ),
      ),
    ),
  );
}

export function drawLab(target: HTMLElement, view: LabView): void {
  if (view.state === "parked") {
    target.replaceChildren(
      h(
        "p",
        { class: "room-lab__parked" },
        `Lab ${view.labId} is parked (stopped while idle, data kept): it starts again when its attendee next uses it.`,
      ),
    );
    return;
  }
  const lag = new Map(view.lag.map((entry) => [entry.follower, entry.bytesBehind]));
  target.replaceChildren(
    h("div", { class: "room-lab__nodes" }, ...view.nodes.map((node) => nodeBox(node, lag.get(node.name)))),
    slotsTable(view.slots),
    h("p", { class: "room-lab__at" }, `Read at ${clock(view.at)}.`),
  );
}
