import { createConnection, type Socket } from 'node:net';

/** Every command a redis-server received since `MONITOR` started, as Redis printed them. */
export interface RedisMonitor {
  /** One line per command, such as `+1764... [0 127.0.0.1:5000] "publish" "channel" "..."`. */
  commands: string[];
  close(): void;
}

/**
 * Opens a connection of its own to a loopback redis-server and sends `MONITOR`: the server then
 * streams every command any client sends it. Resolves once the server acknowledged.
 */
export function monitorRedis(port: number): Promise<RedisMonitor> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host: '127.0.0.1', port });
    const commands: string[] = [];
    let pending = '';
    let acknowledged = false;

    socket.once('error', reject);
    socket.on('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\r\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!acknowledged && line === '+OK') {
          acknowledged = true;
          resolve({ commands, close: () => socket.destroy() });
        } else if (line.length > 0) {
          commands.push(line);
        }
      }
    });
  });
}
