import type { Config } from "../config.ts";
import { EmbeddedLab } from "./embedded/index.ts";
import type { Lab } from "./lab.ts";
import { dockerLab, externalLab } from "./remote.ts";

export type { Lab } from "./lab.ts";

export function createLab(config: Config): Lab {
  switch (config.mode) {
    case "embedded":
      return new EmbeddedLab(config);
    case "docker":
      return dockerLab(config);
    case "external":
      return externalLab(config);
  }
}
