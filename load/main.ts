// The walkthrough's k6 run, for those who use k6: 10,000 POST /async-users, 50 at a time.
//   k6 run load/main.ts                       (the lab must be running: npm start)
//   LAB_URL=http://127.0.0.1:4322 k6 run load/main.ts
// `npm run load` does the same without k6, and checks afterwards that every node has every row.
// This file runs in k6, not in Node: the project's type check leaves it out.
import http from "k6/http";
import { check } from "k6";

export const options = {
  scenarios: {
    users: { executor: "shared-iterations", vus: 50, iterations: 10000, maxDuration: "5m" },
  },
  thresholds: { http_req_failed: ["rate==0"] },
};

const BASE = __ENV.LAB_URL || "http://127.0.0.1:4321";

export default function () {
  const id = `${__VU}-${__ITER}-${Date.now()}`;
  const response = http.post(
    `${BASE}/async-users`,
    JSON.stringify({ name: `k6 user ${id}`, email: `k6-${id}@load.example` }),
    { headers: { "Content-Type": "application/json" } },
  );
  check(response, { "201 Created": (r) => r.status === 201 });
}
