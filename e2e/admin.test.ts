/**
 * An admin, in a real headless Chromium, signs in to the Colyseus monitor at
 * /admin/monitor and sees the zone rooms and the clients connected to them.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import { api, createCharacter, signUp, testZones, waitFor } from "../server/test/helpers.ts";
import { SCREENSHOT_DIR, startBrowserWorld, stopBrowserWorld, type BrowserWorld } from "./browser.ts";

const ADMIN = { username: "operator", password: "operator-password-123" };
let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld({ ZONES_DIR: testZones(), ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
});
after(async () => {
  await stopBrowserWorld(world);
});

describe("admin monitor in the browser", () => {
  it("is refused without credentials and, signed in, lists the zone rooms and their connected clients", async () => {
    const { browser, server } = world;
    // Two players in the world.
    const rooms: Array<Room<any, any>> = [];
    for (const name of ["Watched_One", "Watched_Two"]) {
      const { token } = await signUp(server.url);
      const character = await createCharacter(server.url, token, name);
      const res = await api(server.url, "POST", `/api/characters/${character.id}/play`, { token });
      const room = await new Client(server.url).consumeSeatReservation<any>(res.body);
      room.reconnection.enabled = false;
      rooms.push(room);
    }
    await waitFor(() => rooms.every((room) => room.state.players?.size > 0), "players in");

    const anonymous = await browser.newContext();
    const refused = await anonymous.request.get(`${server.url}/admin/monitor/`);
    assert.equal(refused.status(), 401);
    await anonymous.close();

    const context = await browser.newContext({ httpCredentials: ADMIN, viewport: { width: 1200, height: 700 } });
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/admin/monitor/`);
    assert.equal(response?.status(), 200);
    const roomId = rooms[0].roomId;
    const row = page.locator('[role="row"]', { hasText: roomId });
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /\bzone\b/, "the room type is shown");
    assert.match(await row.innerText(), /\b2\b/, "with its two clients");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "admin-monitor.png") });

    await row.getByRole("button", { name: "Inspect" }).click();
    for (const room of rooms) await page.getByText(room.sessionId).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "admin-monitor-room.png") });
    console.log(`screenshots of the monitor: ${SCREENSHOT_DIR}/admin-monitor.png, admin-monitor-room.png`);
    await Promise.all(rooms.map((room) => room.leave()));
  });
});
