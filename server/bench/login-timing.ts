/**
 * Measures whether a failed sign-in's answer time tells an unknown email from a real
 * account with a wrong password: the median (and 90th percentile) answer time of each.
 *
 *   npm run bench:login -- [samples=60]
 *
 * Real server (in this process), the embedded database, real HTTP. Each real account is
 * tried once and each unknown email is new, so neither the lockout nor the rate limits
 * (raised for the run) come into it; the two kinds alternate, first one then the other,
 * so a busy moment of the machine falls on both.
 */
import { api, signUp, startTestGame } from "../test/helpers.ts";

const samples = Number(process.argv[2] ?? 60);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function timedLogin(url: string, email: string): Promise<number> {
  const started = performance.now();
  const res = await api(url, "POST", "/auth/login", { body: { email, password: "not-the-password" } });
  const ms = performance.now() - started;
  if (res.status !== 401) throw new Error(`expected 401, got ${res.status} ${JSON.stringify(res.body)}`);
  return ms;
}

const game = await startTestGame({ RATE_LIMIT_MULTIPLIER: "100000" });
try {
  const accounts: string[] = [];
  for (let i = 0; i < samples + 5; i++) accounts.push((await signUp(game.baseUrl, `timing${i}@example.com`)).email);
  // Warm-up: the first requests pay for JIT and connection set-up.
  for (let i = 0; i < 5; i++) {
    await timedLogin(game.baseUrl, accounts.pop()!);
    await timedLogin(game.baseUrl, `warmup${i}@example.com`);
  }
  const wrongPassword: number[] = [];
  const unknownEmail: number[] = [];
  for (let i = 0; i < samples; i++) {
    const known = () => timedLogin(game.baseUrl, accounts[i]).then((ms) => wrongPassword.push(ms));
    const unknown = () => timedLogin(game.baseUrl, `nobody${i}@example.com`).then((ms) => unknownEmail.push(ms));
    if (i % 2 === 0) {
      await known();
      await unknown();
    } else {
      await unknown();
      await known();
    }
  }
  const row = (name: string, values: number[]) =>
    `${name.padEnd(28)} median ${percentile(values, 0.5).toFixed(1)} ms   p90 ${percentile(values, 0.9).toFixed(1)} ms`;
  console.log(`failed sign-ins, ${samples} of each:`);
  console.log(row("wrong password (account)", wrongPassword));
  console.log(row("unknown email (no account)", unknownEmail));
} finally {
  await game.stop();
}
