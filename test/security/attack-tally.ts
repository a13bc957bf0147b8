import type { TestContext } from 'node:test';
import type { ApiResponse } from '../support/sinew-harness.js';
import { assertError } from './tenant-caller.js';

/**
 * Issue #12's closing counts — attacks tried, attacks refused, secrets found — one diagnostic line
 * per test (`# attacks: …`, `# secrets: …`), added up over a run of the suite (docs/security.md,
 * "The security suite's counts").
 */
export class AttackTally {
  tried = 0;
  refused = 0;

  /** One attack; `wasRefused` is judged before the test asserts it. */
  attack(wasRefused: boolean): boolean {
    this.tried++;
    if (wasRefused) this.refused++;
    return wasRefused;
  }

  /** An attack through the API that must be answered `status` with `code`: counted, then asserted. */
  refusal(res: ApiResponse, status: number, code: string): void {
    this.attack(res.status === status && res.body?.error?.code === code);
    assertError(res, status, code);
  }

  /** The test's line: call it once its attacks are sent. */
  report(t: TestContext, what: string): void {
    t.diagnostic(`attacks: ${this.tried} tried, ${this.refused} refused (${what})`);
  }
}

/** A secret hunt's line, printed before the test asserts that nothing was found. */
export function reportSecrets(t: TestContext, planted: number, found: number, where: string): void {
  t.diagnostic(`secrets: ${planted} planted, ${found} found (${where})`);
}
