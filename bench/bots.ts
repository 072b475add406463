/**
 * `npm run bots`: a swarm of headless players against any OatNut server, for load tests.
 *
 *   npm run bots -- --url http://localhost:2567 --count 200 --duration 60
 *   npm run bots -- --url https://game.example --zone forest --count 50 --duration 120 --ramp 10
 *   npm run bots -- --url http://10.0.0.1:8080,http://10.0.0.2:8080 --count 200 --duration 30 --ramp 20
 *     (a cluster: bot i signs in through the i-th address, in turn; seats go wherever the cluster puts them)
 *
 * Each bot signs in as a guest, creates a character, enters, walks to --zone through the
 * portals, then walks and fights like a player (20 inputs a second). A progress line a
 * second on stderr; a JSON summary on stdout at the end. Exit status 1 when any bot failed
 * to join. The server's rate limits allow a few guest sign-ins per address and hour: start
 * the server under test with RATE_LIMIT_MULTIPLIER=1000.
 */
import { parseArgs } from "node:util";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { runSwarm, SwarmError } from "./swarm.ts";

const USAGE = `usage: npm run bots -- --url <server>[,<server>…] [--zone <zone>] --count <n> --duration <seconds>
                         [--ramp <joins per second>] [--parallel <n>] [--scatter <seconds>] [--decoders <n>]
                         [--no-fight] [--no-batch] [--keep] [--zones-dir <folder>] [--seed <n>] [--prefix <name>]`;

function main(): Promise<number> | number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: "string" },
        zone: { type: "string" },
        count: { type: "string" },
        duration: { type: "string" },
        ramp: { type: "string" },
        parallel: { type: "string" },
        scatter: { type: "string" },
        decoders: { type: "string" },
        "no-fight": { type: "boolean" },
        "no-batch": { type: "boolean" },
        keep: { type: "boolean" },
        "zones-dir": { type: "string" },
        seed: { type: "string" },
        prefix: { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const number = (name: string, value: string | undefined, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    const parsed = Number(value);
    if (value === undefined || !Number.isFinite(parsed) || parsed < 0) throw new SwarmError(`--${name} must be a number ≥ 0`);
    return parsed;
  };
  try {
    if (!values.url) throw new SwarmError("--url is required");
    const urls = values.url.split(",").map((each) => new URL(each.trim()).origin);
    const url = urls[0]!;
    const prefix = values.prefix ?? "Bot";
    if (!/^[A-Za-z][A-Za-z0-9_]{0,9}$/.test(prefix)) throw new SwarmError("--prefix must be 1 to 10 letters, digits or underscores");
    return runSwarm({
      url,
      urls,
      zone: values.zone,
      count: Math.floor(number("count", values.count)),
      durationSeconds: number("duration", values.duration),
      rampPerSecond: number("ramp", values.ramp, 0),
      parallel: Math.floor(number("parallel", values.parallel, 20)),
      scatterSeconds: number("scatter", values.scatter, 0),
      decoders: values.decoders === undefined ? undefined : Math.floor(number("decoders", values.decoders)),
      fight: !values["no-fight"],
      batchInputs: !values["no-batch"],
      cleanUp: !values.keep,
      zones: values["zones-dir"] ? loadZonesFromDisk(values["zones-dir"]) : undefined,
      seed: values.seed === undefined ? undefined : number("seed", values.seed),
      namePrefix: prefix,
      onProgress: (line) => console.error(line),
    }).then(
      (summary) => {
        console.log(JSON.stringify(summary, null, 2));
        return summary.failed > 0 ? 1 : 0;
      },
      (error: unknown) => {
        console.error(`bots: ${(error as Error).message}`);
        return 1;
      },
    );
  } catch (error) {
    if (!(error instanceof SwarmError) && !(error instanceof TypeError)) throw error;
    console.error(`bots: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
}

process.exitCode = await main();
// Sockets the SDK keeps for reconnection must not hold the process open.
process.exit();
