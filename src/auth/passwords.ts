import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt, a memory-hard function. `crypto.scrypt` runs on libuv's thread
 * pool, so hashing never blocks the event loop. Each hash stores its own salt and parameters
 * (`scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`), so the cost can be raised later without breaking
 * old hashes.
 */
export class PasswordHasher {
  private readonly blockSize = 8;
  private readonly parallelism = 1;
  private readonly keyLength = 32;
  /** A hash of a random password, verified against for unknown emails so timing tells nothing. */
  private decoyHash: Promise<string> | null = null;

  constructor(private readonly costLog2: number) {}

  /** Hashes a password with a fresh 16-byte salt. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const derived = await derive(password, salt, this.keyLength, this.options(this.costLog2));
    return [
      'scrypt',
      this.costLog2,
      this.blockSize,
      this.parallelism,
      salt.toString('base64'),
      derived.toString('base64'),
    ].join('$');
  }

  /** True when the password matches the stored hash; constant-time comparison. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;

    const [, costLog2, blockSize, parallelism, saltText, hashText] = parts;
    const expected = Buffer.from(hashText, 'base64');
    const derived = await derive(password, Buffer.from(saltText, 'base64'), expected.length, {
      ...this.options(Number(costLog2)),
      r: Number(blockSize),
      p: Number(parallelism),
    });
    return timingSafeEqual(derived, expected);
  }

  /** Spends the same time as a failed verify, for a login whose email is unknown. */
  async verifyDecoy(password: string): Promise<false> {
    this.decoyHash ??= this.hash(randomBytes(24).toString('base64'));
    await this.verify(password, await this.decoyHash);
    return false;
  }

  private options(costLog2: number): ScryptOptions {
    const N = 2 ** costLog2;
    // scrypt needs 128 * N * r bytes; Node refuses above 32 MiB unless maxmem allows it.
    return { N, r: this.blockSize, p: this.parallelism, maxmem: 256 * N * this.blockSize };
  }
}

function derive(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, derived) =>
      error ? reject(error) : resolve(derived),
    );
  });
}
