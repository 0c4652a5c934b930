import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy to `target` ("host:port") that can go silent: after `swallow()` it keeps every
 * connection open and reads what arrives, but forwards nothing either way, like a hung server. After
 * `cut()` it drops every connection and every new one at once, like a server restarting, until `restore()`.
 */
export async function startTcpProxy(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const pairs = new Set<[net.Socket, net.Socket]>();
  let silent = false;
  let cutOff = false;
  const mute = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.resume();
    upstream.resume();
  };
  const server = net.createServer((client) => {
    if (cutOff) return void client.destroy();
    const upstream = net.connect(port, host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (silent) return mute(pair);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      cutOff = true;
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    restore() {
      cutOff = false;
    },
    swallow() {
      silent = true;
      for (const pair of pairs) mute(pair);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
