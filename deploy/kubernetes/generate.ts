// npm run workshop:k8s -- --labs N --out DIR [--hub-image IMAGE] [--public-host NAME] [--hub-namespace NAME]
// [--storage SIZE] [--storage-class NAME] [--service-type ClusterIP|NodePort|LoadBalancer]: writes the manifests
// that run N labs and the hub on a Kubernetes cluster, and the hub's inventory file (see workshop-files.ts).
import path from "node:path";
import { CliError, oneLine } from "../../server/errors.ts";
import { parseOptions, workshopFiles, writeFiles } from "./workshop-files.ts";

try {
  const options = parseOptions(process.argv.slice(2));
  const files = workshopFiles(options);
  await writeFiles(options.out, files);
  console.log(`Wrote ${files.size} files for ${options.labs} labs to ${options.out}. Apply them with`);
  console.log(`  kubectl apply -f ${path.join(options.out, "labs")} -f ${path.join(options.out, "hub.yaml")}`);
} catch (error) {
  console.error(error instanceof CliError ? error.message : oneLine(error));
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
