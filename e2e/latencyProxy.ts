/**
 * A TCP proxy that adds latency: every chunk is forwarded `delayMs` after it arrived, in
 * each direction, in order (Node runs timers of equal duration first in, first out), so
 * a page loaded through it talks HTTP and WebSocket to the server across a round trip of
 * at least `2 × delayMs`. It records the WebSocket upgrades it carried, so a test can tell
 * the game's room connections really went through it.
 */
import net from "node:net";

export interface LatencyProxy {
  /** The proxy's origin, to load the game from. */
  url: string;
  /** Request targets (`GET <target>`) of the WebSocket upgrades carried so far. */
  webSockets: string[];
  close(): Promise<void>;
}

/** Listens on a free loopback port and forwards to `127.0.0.1:targetPort`. */
export async function startLatencyProxy(targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const webSockets: string[] = [];
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  // Half-open allowed: a side's end is passed on (late) like its data, never before it.
  const server = net.createServer({ allowHalfOpen: true }, (downstream) => {
    const upstream = net.connect({ port: targetPort, host: "127.0.0.1", allowHalfOpen: true });
    track(downstream);
    track(upstream);
    downstream.once("data", (chunk: Buffer) => {
      const head = chunk.toString("latin1", 0, Math.min(chunk.length, 4096));
      const target = /^GET (\S+) HTTP/.exec(head)?.[1];
      if (target && /\r\nupgrade:\s*websocket/i.test(head)) webSockets.push(target);
    });
    forward(downstream, upstream, delayMs);
    forward(upstream, downstream, delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    webSockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Copies `from` into `to`, each chunk (and the end) `delayMs` late; an error closes both. */
function forward(from: net.Socket, to: net.Socket, delayMs: number): void {
  from.on("data", (chunk: Buffer) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on("end", () => setTimeout(() => to.end(), delayMs));
  from.on("error", () => to.destroy());
  from.on("close", (hadError) => {
    if (hadError) to.destroy();
  });
}
