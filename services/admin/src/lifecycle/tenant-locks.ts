/**
 * Runs work one at a time per key (a tenant name), in call order. Written
 * here because it is a few lines on top of promise chaining, and a keyed
 * mutex must also forget idle keys so the map does not grow with every tenant.
 */
export class TenantLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
