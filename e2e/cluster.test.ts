/**
 * A rolling restart as a player sees it, in a real browser: two production processes on
 * one Redis behind a proxy with the routes of deploy/nginx/scale.conf (the page may only
 * open WebSockets to its own origin, under the production CSP). The process holding the
 * player's room is stopped with SIGTERM: the page goes on in the same zone on the other
 * process — no sign-in, no characters screen — and the character still walks.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { connectDatabase, disconnectDatabase } from "../server/src/db/connection.ts";
import { startCluster, startProxy, type Cluster, type Proxy } from "../server/test/cluster.ts";
import { freePort, waitFor } from "../server/test/helpers.ts";
import { prerequisiteStatus, need, REDIS_SERVER } from "../server/test/prerequisites.ts";
import type { ServerProcess } from "../server/test/process.ts";
import {
  createCharacterInBrowser,
  holdKey,
  launchChromium,
  openGame,
  playInBrowser,
  signUpInBrowser,
  waitAtRest,
  waitForSnapshot,
} from "./browser.ts";

const redisStatus = prerequisiteStatus(REDIS_SERVER);
let browser: Browser | undefined;
let cluster: Cluster | undefined;
let proxy: Proxy | undefined;
const ports: number[] = [];

before(async () => {
  if (!("available" in redisStatus)) return;
  proxy = await startProxy(() => ports);
  cluster = await startCluster(redisStatus.available, 0, { NODE_ENV: "production", TRUST_PROXY: "1", ZONES_DIR: "shared/zones" });
  for (const n of [1, 2]) {
    const port = await freePort();
    ports.push(port);
    await cluster.addProcess({ PUBLIC_ADDRESS: proxy.addressOf(n) }, port);
  }
  await connectDatabase(cluster.database.uri);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
  if (cluster) {
    await disconnectDatabase();
    await cluster.stop();
  }
});

describe("a rolling restart in the browser", () => {
  it("the player's process stops (SIGTERM): the page goes on in the same zone on the other process, signed in, walking", async (t) => {
    if (!cluster || !proxy || !browser) return void need(t, REDIS_SERVER);
    const page = await openGame(browser, proxy.url);
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await signUpInBrowser(page, "rolling.restart@example.com", "a long enough password");
    await createCharacterInBrowser(page, "Rolling_Rita");
    const entered = await playInBrowser(page, "Rolling_Rita");
    const before = await waitAtRest(page);

    const redis = cluster.redis.client;
    const live = async () => {
      const ids = await redis.hkeys("oatnut:live-characters");
      const raw = ids.length === 1 ? await redis.hget("oatnut:live-characters", ids[0]!) : null;
      return raw ? (JSON.parse(raw) as { roomId: string; processId: string }) : undefined;
    };
    const first = await waitFor(live, "Rita live in the registry");
    const lease = JSON.parse((await redis.get(`oatnut:process:${first.processId}`))!) as { address: string };
    const stopping = cluster.processes[Number(/\/g(\d+)$/.exec(lease.address)![1]) - 1] as ServerProcess;
    const staying = cluster.processes.find((p) => p !== stopping)!;

    const exit = stopping.stop("SIGTERM", 30_000);
    const second = await waitFor(
      async () => {
        const now = await live();
        return now && now.processId !== first.processId ? now : undefined;
      },
      "Rita live on the other process",
      30_000,
    );
    assert.notEqual(second.roomId, first.roomId);
    assert.equal(await exit, 0, stopping.output());
    assert.match(stopping.output(), /drained: every player was handed over/);

    const after = await waitAtRest(page, "Rita at rest on the other process");
    assert.equal(after.screen, "game", "still playing: no sign-in, no characters screen");
    assert.equal(after.zone, entered.zone);
    assert.ok(Math.abs(after.self!.x - before.self!.x) < 1 && Math.abs(after.self!.y - before.self!.y) < 1, "where she stood");

    await holdKey(page, "ArrowDown", 600);
    const walked = await waitForSnapshot(page, (s) => s.selfServer !== null && s.selfServer.y > before.self!.y + 16, "Rita walks on");
    assert.equal(walked.zone, entered.zone);
    assert.ok(staying.child.exitCode === null);
    assert.deepEqual(
      errors.filter((e) => /Content Security Policy|WebSocket/i.test(e)),
      [],
      "no WebSocket refused by the page's policy",
    );
  });
});
