/**
 * The dependency audit gate (`npm run audit`, first step of `npm test`): judged on saved
 * `npm audit --json` reports, since the advisory service is not reachable from every
 * machine (it is not from the ones this project is built on; the gate then says so).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../src/config.ts";
import { judge, readAllowlist } from "../../scripts/audit.ts";

const run = promisify(execFile);

/** A report as npm 11 prints it, with one direct high advisory and one carried by it. */
const REPORT = {
  auditReportVersion: 2,
  vulnerabilities: {
    "some-parser": {
      name: "some-parser",
      severity: "high",
      isDirect: false,
      range: "<2.1.0",
      nodes: ["node_modules/some-parser"],
      fixAvailable: true,
      via: [
        {
          source: 1099999,
          name: "some-parser",
          dependency: "some-parser",
          title: "Prototype pollution",
          url: "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
          severity: "high",
          range: "<2.1.0",
        },
      ],
      effects: ["uses-parser"],
    },
    "uses-parser": {
      name: "uses-parser",
      severity: "high",
      isDirect: true,
      via: ["some-parser"],
      effects: [],
      range: "*",
      nodes: [],
      fixAvailable: true,
    },
    "minor-thing": {
      name: "minor-thing",
      severity: "moderate",
      isDirect: false,
      range: "*",
      nodes: [],
      fixAvailable: false,
      effects: [],
      via: [
        {
          source: 1088888,
          name: "minor-thing",
          title: "ReDoS",
          url: "https://github.com/advisories/GHSA-dddd-eeee-ffff",
          severity: "moderate",
          range: "*",
        },
      ],
    },
  },
  metadata: { vulnerabilities: { high: 2, moderate: 1 } },
};

describe("dependency audit gate", () => {
  it("fails on a high advisory of a production dependency, once, at the package that has it", () => {
    const verdict = judge(REPORT, []);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.lines.filter((line) => line.startsWith("FAIL")).length, 1);
    assert.match(verdict.lines[0], /some-parser high: Prototype pollution https:\/\/github.com\/advisories\/GHSA-aaaa-bbbb-cccc/);
  });

  it("lets through an advisory the allowlist names with a reason, and says why", () => {
    const verdict = judge(REPORT, [{ advisory: "GHSA-aaaa-bbbb-cccc", package: "some-parser", why: "only parses our own files" }]);
    assert.equal(verdict.ok, true);
    assert.match(verdict.lines.join("\n"), /allowed: some-parser .* only parses our own files/);
  });

  it("passes a clean report, and says plainly when the advisory service could not be asked", () => {
    assert.equal(judge({ vulnerabilities: {} }, []).ok, true);
    const offline = judge(
      { message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", statusCode: 405 },
      [],
    );
    assert.equal(offline.unreachable, true);
    assert.match(offline.lines[0], /npm audit could not run \(405 Method Not Allowed.*\): no vulnerability check was made/);
  });

  it("exits 1 on a failing report and 0 on an allowed one, from the command line; the shipped allowlist is valid", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-audit-"));
    const file = path.join(dir, "report.json");
    fs.writeFileSync(file, JSON.stringify(REPORT));
    const script = path.join(PROJECT_ROOT, "scripts", "audit.ts");
    const failed = await run(process.execPath, ["--import", "tsx", script, "--report", file], { cwd: PROJECT_ROOT }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal((failed as { code: number }).code, 1);
    assert.match((failed as { stdout: string }).stdout, /FAIL: some-parser/);
    fs.writeFileSync(file, JSON.stringify({ ...REPORT, vulnerabilities: { "minor-thing": REPORT.vulnerabilities["minor-thing"] } }));
    const passed = await run(process.execPath, ["--import", "tsx", script, "--report", file], { cwd: PROJECT_ROOT });
    assert.match(passed.stdout, /no high or critical advisory/);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.ok(Array.isArray(readAllowlist()));
  });
});
