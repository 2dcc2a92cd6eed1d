import { describe, expect, it } from "vitest";
import { parseWorkshopArgs } from "../../server/workshop/args.ts";

describe("npm run workshop's options", () => {
  it("default to the local driver, every interface on 4321, 20 labs and a pool of 3", () => {
    expect(parseWorkshopArgs([])).toMatchObject({
      driver: { kind: "local" },
      listenAddress: "0.0.0.0",
      port: 4321,
      labs: 20,
      pool: 3,
    });
  });

  it("take an inventory file, which implies the inventory driver", () => {
    expect(parseWorkshopArgs(["--inventory", "labs.yaml"]).driver).toEqual({ kind: "inventory", file: "labs.yaml" });
    expect(parseWorkshopArgs(["--driver", "inventory", "--inventory", "labs.yaml"]).driver).toEqual({
      kind: "inventory",
      file: "labs.yaml",
    });
  });

  it(
    "refuse a driver that doesn't exist, an inventory driver without its file, and a " + "file for the local driver",
    () => {
      expect(() => parseWorkshopArgs(["--driver", "cloud"])).toThrow('--driver is local or inventory; it is "cloud".');
      expect(() => parseWorkshopArgs(["--driver", "inventory"])).toThrow("--driver inventory needs --inventory FILE");
      expect(() => parseWorkshopArgs(["--driver", "local", "--inventory", "x.yaml"])).toThrow(
        "--inventory goes with --driver inventory",
      );
    },
  );

  it("refuse a pool or a number of labs out of bounds, and half of TLS", () => {
    expect(() => parseWorkshopArgs(["--labs", "0"])).toThrow("--labs must be a whole number from 1 to 500");
    expect(() => parseWorkshopArgs(["--pool", "x"])).toThrow("--pool must be a whole number from 0 to 100");
    expect(() => parseWorkshopArgs(["--tls-cert", "c.pem"])).toThrow("TLS needs both --tls-cert and --tls-key.");
  });

  it("take --end, with --yes to skip its question, and refuse --yes alone", () => {
    expect(parseWorkshopArgs([])).toMatchObject({ end: false, yes: false });
    expect(parseWorkshopArgs(["--end"])).toMatchObject({ end: true, yes: false });
    expect(parseWorkshopArgs(["--end", "--yes"])).toMatchObject({ end: true, yes: true });
    expect(() => parseWorkshopArgs(["--yes"])).toThrow("--yes goes with --end: it skips ending's question.");
  });
});
