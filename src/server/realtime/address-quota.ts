/** Open sockets per client address, against a ceiling. */
export class AddressQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly perAddress: number) {}

  /** Counts one more socket for `address`, or returns false (and counts nothing) when it already has the most allowed. */
  tryTake(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.perAddress) return false;
    this.open.set(address, count + 1);
    return true;
  }

  release(address: string) {
    const count = (this.open.get(address) ?? 0) - 1;
    if (count > 0) this.open.set(address, count);
    else this.open.delete(address);
  }
}
