/**
 * `npm run audit`: `npm audit --omit=dev` with a gate — any high or critical advisory in a
 * production dependency fails, unless audit-allowlist.json names it and says why it does
 * not apply to OatNut. `npm test` runs it first, so CI runs it on every submission.
 *
 * When npm's advisory service cannot be reached (offline, or a registry mirror that only
 * serves packages), no check is possible: that is said plainly and is not a failure,
 * unless AUDIT_REQUIRED=true.
 *
 *   tsx scripts/audit.ts                 # runs npm audit
 *   tsx scripts/audit.ts --report F.json # judges a saved `npm audit --json` report instead
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const SEVERITIES = ["info", "low", "moderate", "high", "critical"];
const FAIL_AT = SEVERITIES.indexOf("high");

/** One entry of audit-allowlist.json. */
interface AllowedAdvisory {
  /** The advisory's URL or GHSA id (as npm audit reports it). */
  advisory: string;
  package: string;
  /** Why it does not apply: required. */
  why: string;
}

interface Advisory {
  source?: number;
  title?: string;
  url?: string;
  severity?: string;
  name?: string;
}

interface AuditReport {
  vulnerabilities?: Record<string, { name: string; severity: string; via: Array<Advisory | string> }>;
  error?: unknown;
  message?: string;
  statusCode?: number;
}

export interface Verdict {
  ok: boolean;
  /** The advisory service could not be asked: nothing was checked. */
  unreachable?: boolean;
  lines: string[];
}

/** Judges an `npm audit --json` report against the allowlist. */
export function judge(report: AuditReport, allowlist: AllowedAdvisory[]): Verdict {
  if (!report.vulnerabilities) {
    const why = report.message ?? (report.statusCode ? `HTTP ${report.statusCode}` : "no report");
    return { ok: true, unreachable: true, lines: [`npm audit could not run (${why}): no vulnerability check was made.`] };
  }
  const lines: string[] = [];
  let failing = 0;
  let allowed = 0;
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    // Direct advisories only: a package flagged `via` another package is counted at that one.
    for (const advisory of vulnerability.via.filter((via): via is Advisory => typeof via === "object")) {
      if (SEVERITIES.indexOf(advisory.severity ?? "info") < FAIL_AT) continue;
      const id = advisory.url ?? String(advisory.source);
      const entry = allowlist.find((a) => (id.endsWith(a.advisory) || a.advisory === id) && a.package === vulnerability.name);
      if (entry) {
        allowed++;
        lines.push(`allowed: ${vulnerability.name} ${advisory.severity} ${id} — ${entry.why}`);
      } else {
        failing++;
        lines.push(`FAIL: ${vulnerability.name} ${advisory.severity}: ${advisory.title ?? ""} ${id}`);
      }
    }
  }
  lines.push(
    failing === 0
      ? `npm audit: no high or critical advisory in production dependencies${allowed ? ` but the ${allowed} allowlisted` : ""}.`
      : `npm audit: ${failing} high or critical advisor${failing === 1 ? "y" : "ies"} in production dependencies: update them, or allowlist each in audit-allowlist.json with why it does not apply.`,
  );
  return { ok: failing === 0, lines };
}

/** Reads and checks audit-allowlist.json (every entry must say why). */
export function readAllowlist(file = path.join(ROOT, "audit-allowlist.json")): AllowedAdvisory[] {
  const { advisories } = JSON.parse(fs.readFileSync(file, "utf8")) as { advisories: AllowedAdvisory[] };
  for (const entry of advisories) {
    if (!entry.advisory || !entry.package || !entry.why?.trim())
      throw new Error(`${file}: each entry needs advisory, package and why (${JSON.stringify(entry)})`);
  }
  return advisories;
}

function main(): void {
  const at = process.argv.indexOf("--report");
  const raw =
    at > 0
      ? fs.readFileSync(process.argv[at + 1], "utf8")
      : spawnSync("npm", ["audit", "--omit=dev", "--json"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 }).stdout;
  let report: AuditReport;
  try {
    report = JSON.parse(raw || "{}") as AuditReport;
  } catch {
    report = { message: "npm audit printed no JSON" };
  }
  const verdict = judge(report, readAllowlist());
  for (const line of verdict.lines) console.log(line);
  if (verdict.unreachable && process.env.AUDIT_REQUIRED === "true") {
    console.log("AUDIT_REQUIRED=true: failing because the audit could not run.");
    process.exit(1);
  }
  process.exit(verdict.ok ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
