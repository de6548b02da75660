import net from "node:net";

/** True when nothing listens on host:port (we could bind it now). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A port the system considers free right now. */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * The port a child process should listen on. A port the user chose (its variable is set) is used
 * as is or refused with the variable to change; a default port that is taken is swapped for a free one.
 */
export async function choosePort(input: { variable: string; port: number; explicit: boolean; host?: string }): Promise<{ port: number; note?: string }> {
  const { variable, port, explicit } = input;
  if (port === 0) return { port: await findFreePort(input.host) };
  if (await isPortFree(port, input.host)) return { port };
  if (explicit) {
    throw new Error(`port ${port} (${variable}) is already in use by another program; set ${variable} to a free port`);
  }
  const free = await findFreePort(input.host);
  return { port: free, note: `port ${port} is taken, using ${free} instead (set ${variable} to choose one)` };
}
