// bench:workshop's figures: what the run measured, summed up as quantiles, checked against issue 13's goals, and
// printed as lines for a person or as one JSON object (--json).
import os from "node:os";
import { mb, type LabMemory } from "./lab-processes.ts";
import type { Outcome } from "./workshop-attendees.ts";
import type { InstructorResult } from "./workshop-instructor.ts";

const GOALS = { cellP95Ms: 300, joinP95Ms: 1000, labPssMb: 150, eventToGridP95Ms: 1000 };

/** How the bench was run, as its options say. */
export interface BenchRun {
  attendees: number;
  idleSeconds: number;
  json: boolean;
}

/** Each reported event's delay until the first grid that included it; an event no grid showed is NaN. */
export function eventToGrid(
  outcomes: Outcome[],
  room: InstructorResult,
): { delays: number[]; unseen: number; error?: string } {
  const grids = [...room.grids].sort((a, b) => a.at - b.at);
  const delays: number[] = [];
  let unseen = 0;
  for (const event of outcomes.flatMap((outcome) => outcome.events)) {
    const first = grids.find((grid) => grid.through >= event.id && grid.at >= event.sentAt);
    if (first) delays.push(first.at - event.sentAt);
    else unseen++;
  }
  return { delays, unseen, ...(room.error ? { error: room.error } : {}) };
}

export interface Measured {
  fillSeconds: number;
  replaySeconds: number;
  outcomes: Outcome[];
  memory: LabMemory[];
  /** The same, after the idle seconds. */
  idleMemory: LabMemory[];
  replayCpu: number[];
  /** Every lab's CPU seconds during the replay, summed by kind of process. */
  replayCpuByKind: Map<string, number>;
  idleCpuPercent: number[];
  hubRssKb: number;
  hubCpu: NodeJS.CpuUsage;
  attendeesCpuSeconds: number;
  eventToGridMs: { delays: number[]; unseen: number; error?: string };
}

export function report(measured: Measured, run: BenchRun): void {
  const { attendees, idleSeconds } = run;
  const { outcomes, memory } = measured;
  const joins = outcomes.map((outcome) => outcome.joinMs);
  const cells = outcomes.flatMap((outcome) => outcome.cellMs);
  const missed = outcomes.flatMap((outcome) => outcome.missed);
  const steps = outcomes.reduce((sum, outcome) => sum + outcome.steps, 0);
  const pss = memory.map((lab) => lab.pssKb);
  const rss = memory.map((lab) => lab.rssKb);
  const summary = {
    attendees,
    cores: os.cpus().length,
    /** The machine's load average (1, 5, 15 minutes) at the end: other work shares the cores. */
    loadAverage: os.loadavg().map(round),
    poolFillSeconds: round(measured.fillSeconds),
    replaySeconds: round(measured.replaySeconds),
    joinToReadyMs: {
      p50: round(quantile(joins, 0.5)),
      p95: round(quantile(joins, 0.95)),
      max: round(Math.max(...joins)),
    },
    cellMs: {
      count: cells.length,
      p50: round(quantile(cells, 0.5)),
      p95: round(quantile(cells, 0.95)),
      max: round(Math.max(...cells)),
    },
    labPssMb: { median: round(quantile(pss, 0.5) / 1024), max: round(Math.max(...pss) / 1024) },
    labRssMb: { median: round(quantile(rss, 0.5) / 1024), max: round(Math.max(...rss) / 1024) },
    idleLabPssMb: {
      median: round(
        quantile(
          measured.idleMemory.map((lab) => lab.pssKb),
          0.5,
        ) / 1024,
      ),
      max: round(Math.max(...measured.idleMemory.map((lab) => lab.pssKb)) / 1024),
      processes: quantile(
        measured.idleMemory.map((lab) => lab.processes),
        0.5,
      ),
    },
    labsPssTotalMb: round(sum(pss) / 1024),
    labsRssTotalMb: round(sum(rss) / 1024),
    processesPerLab: quantile(
      memory.map((lab) => lab.processes),
      0.5,
    ),
    hubRssMb: round(measured.hubRssKb / 1024),
    hubCpuSeconds: round((measured.hubCpu.user + measured.hubCpu.system) / 1e6),
    attendeesCpuSeconds: round(measured.attendeesCpuSeconds),
    labCpuSecondsDuringReplay: {
      median: round(quantile(measured.replayCpu, 0.5)),
      total: round(sum(measured.replayCpu)),
      byKind: Object.fromEntries(
        [...measured.replayCpuByKind]
          .filter(([, seconds]) => seconds > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([kind, seconds]) => [kind, round(seconds)]),
      ),
    },
    labIdleCpuPercent: { median: round(quantile(measured.idleCpuPercent, 0.5)) },
    joinPartsMsP50: [0, 1, 2].map((part) =>
      round(
        quantile(
          outcomes.map((outcome) => outcome.partsMs[part]!),
          0.5,
        ),
      ),
    ),
    slowestCells: slowest(outcomes.flatMap((outcome) => outcome.timedCells)),
    eventToGridMs: {
      count: measured.eventToGridMs.delays.length,
      unseen: measured.eventToGridMs.unseen,
      p50: round(quantile(measured.eventToGridMs.delays, 0.5)),
      p95: round(quantile(measured.eventToGridMs.delays, 0.95)),
      max: round(Math.max(...measured.eventToGridMs.delays)),
    },
    steps,
    missed: missed.length,
  };
  const goals = {
    everyExpectationMet: missed.length === 0,
    cellP95: summary.cellMs.p95 < GOALS.cellP95Ms,
    joinP95: summary.joinToReadyMs.p95 < GOALS.joinP95Ms,
    labUnder150Mb: summary.labPssMb.max < GOALS.labPssMb,
    eventToGridP95: summary.eventToGridMs.unseen === 0 && summary.eventToGridMs.p95 < GOALS.eventToGridP95Ms,
  };
  const met = Object.values(goals).every(Boolean);
  if (run.json) {
    console.log(JSON.stringify({ ...summary, goals, met, missedSteps: missed.slice(0, 10) }));
    return;
  }
  const yes = (ok: boolean) => (ok ? "yes" : "NO");
  console.log(
    `${attendees} attendees replayed lessons 3-5 (${steps} steps) in ` +
      `${summary.replaySeconds} s on ${summary.cores} cores (load average ` +
      `${summary.loadAverage.join(", ")})`,
  );
  console.log(
    `join-to-ready: p50 ${summary.joinToReadyMs.p50} ms, p95 ` +
      `${summary.joinToReadyMs.p95} ms, max ${summary.joinToReadyMs.max} ms`,
  );
  console.log(
    `  its parts (p50): the join ${summary.joinPartsMsP50[0]} ms, the lab's status ${summary.joinPartsMsP50[1]} ms, ` +
      `the first cell ${summary.joinPartsMsP50[2]} ms`,
  );
  console.log(
    `cell latency (${cells.length} cells): p50 ${summary.cellMs.p50} ms, p95 ` +
      `${summary.cellMs.p95} ms, max ${summary.cellMs.max} ms`,
  );
  console.log(
    `  the slowest cells (median ms, count): ` +
      `${summary.slowestCells.map((c) => `${c.sql} ${c.p50} (${c.count})`).join("; ")}`,
  );
  console.log(
    `a lab after the replay: PSS median ${summary.labPssMb.median} MB, max ${summary.labPssMb.max} MB; ` +
      `RSS median ${summary.labRssMb.median} MB (${summary.processesPerLab} processes)`,
  );
  console.log(
    `after ${idleSeconds} s idle: PSS median ${summary.idleLabPssMb.median} MB, max ${summary.idleLabPssMb.max} MB ` +
      `(${summary.idleLabPssMb.processes} processes)`,
  );
  console.log(
    `all ${attendees} labs: PSS ${mb(sum(pss))}, RSS ${mb(sum(rss))}; the hub's own RSS ${summary.hubRssMb} MB`,
  );
  console.log(
    `CPU: a lab used ${summary.labCpuSecondsDuringReplay.median} s during the replay (all labs ` +
      `${summary.labCpuSecondsDuringReplay.total} s, the hub ${summary.hubCpuSeconds} s, the simulated ` +
      `attendees ${summary.attendeesCpuSeconds} s); idle, a lab uses ${summary.labIdleCpuPercent.median}% of a core`,
  );
  console.log(
    `  the labs' CPU by kind of process (s): ` +
      Object.entries(summary.labCpuSecondsDuringReplay.byKind)
        .map(([kind, seconds]) => `${kind} ${seconds}`)
        .join(", "),
  );
  console.log(
    `event-to-grid (${summary.eventToGridMs.count} progress events): p50 ${summary.eventToGridMs.p50} ms, p95 ` +
      `${summary.eventToGridMs.p95} ms, max ${summary.eventToGridMs.max} ms` +
      (summary.eventToGridMs.unseen ? `; ${summary.eventToGridMs.unseen} never shown` : "") +
      (measured.eventToGridMs.error ? ` (the room's feed: ${measured.eventToGridMs.error})` : ""),
  );
  console.log(
    `every expectation met: ${yes(goals.everyExpectationMet)}${missed.length ? ` (${missed.length} missed)` : ""}`,
  );
  for (const line of missed.slice(0, 10)) console.log(`  missed: ${line}`);
  console.log(
    `goals: p95 cell < ${GOALS.cellP95Ms} ms ${yes(goals.cellP95)}, join-to-ready ` +
      `p95 < 1 s ${yes(goals.joinP95)}, a lab < ${GOALS.labPssMb} MB ` +
      `${yes(goals.labUnder150Mb)}, event-to-grid p95 < 1 s ${yes(goals.eventToGridP95)}`,
  );
  console.log(met ? `${attendees} labs meet every goal.` : `${attendees} labs do NOT meet every goal.`);
}

/** The five cells (by their first line) with the highest median latency. */
function slowest(cells: { sql: string; ms: number }[]): { sql: string; p50: number; count: number }[] {
  const bySql = new Map<string, number[]>();
  for (const cell of cells) bySql.set(cell.sql, [...(bySql.get(cell.sql) ?? []), cell.ms]);
  return [...bySql]
    .map(([sql, list]) => ({ sql, p50: round(quantile(list, 0.5)), count: list.length }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 5);
}

function quantile(list: number[], q: number): number {
  if (list.length === 0) return Number.NaN;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function sum(list: number[]): number {
  return list.reduce((total, value) => total + value, 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
