/**
 * The rule for tests that need a program no npm package brings: run when it is here;
 * skipped with the command that enables it when not; a failure under CI=true.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DOCKER_COMPOSE, prerequisiteStatus, REDIS_SERVER, type Prerequisite } from "./prerequisites.ts";

const missing: Prerequisite = { name: "frobnicator", find: () => undefined, enable: "sudo apt-get install -y frobnicator" };
const present: Prerequisite = { name: "frobnicator", find: () => ["/usr/bin/frobnicator"], enable: "sudo apt-get install -y frobnicator" };

describe("prerequisites", () => {
  it("a present program is used", () => {
    assert.deepEqual(prerequisiteStatus(present, {}), { available: ["/usr/bin/frobnicator"] });
    assert.deepEqual(prerequisiteStatus(present, { CI: "true" }), { available: ["/usr/bin/frobnicator"] });
  });

  it("a missing one skips its test with the one command that enables it, outside CI", () => {
    assert.deepEqual(prerequisiteStatus(missing, {}), {
      skip: "frobnicator is not installed; to run this test: sudo apt-get install -y frobnicator",
    });
  });

  it("a missing one fails its test under CI=true: CI never silently runs less", () => {
    const status = prerequisiteStatus(missing, { CI: "true" });
    assert.ok("fail" in status);
    assert.match(
      status.fail,
      /frobnicator is not installed; to run this test: sudo apt-get install -y frobnicator \(CI=true: a missing prerequisite is a failure, not a skip\)/,
    );
  });

  it("names how to install the system programs the tests may use", () => {
    assert.match(DOCKER_COMPOSE.enable, /apt-get install -y docker-compose/);
    assert.match(REDIS_SERVER.enable, /apt-get install -y redis-server/);
  });
});
