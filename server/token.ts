// The bridge's API token, kept per data folder in <dataDir>/token (mode 600) so that it outlives a restart:
// a page the learner has open keeps working when the lab comes back, and `npm run load` finds it. LAB_TOKEN,
// when set, is used instead.
import path from "node:path";
import { ownSecret } from "./secret-file.ts";

export function tokenFile(dataDir: string): string {
  return path.join(dataDir, "token");
}

export function bridgeToken(dataDir: string, note: (text: string) => void): Promise<string> {
  return ownSecret(
    {
      file: tokenFile(dataDir),
      what: "the bridge's token file",
      repair: "Delete it: the next npm start makes a new one.",
      bytes: 24,
    },
    note,
  );
}
