import type { AddressPolicy } from './address-policy.js';

/**
 * The address policy handed to a built-in connector that runs as its own Singer process (a job's
 * built-in tap): the job's policy, as one environment variable the job sets on that process only.
 * It states what the connector may reach, no secret, so a connector reading it learns nothing.
 */
export const POLICY_ENV = 'SINEW_CONNECTOR_ADDRESS_POLICY';

export function policyEnvironment(policy: AddressPolicy): Record<string, string> {
  return { [POLICY_ENV]: JSON.stringify({ allowPrivate: policy.allowPrivate, allowLoopback: policy.allowLoopback }) };
}

/** The policy a job handed over, or null when none was (or it does not read as one). */
export function readPolicyEnvironment(env: NodeJS.ProcessEnv): AddressPolicy | null {
  const text = env[POLICY_ENV];
  if (text === undefined || text === '') return null;
  try {
    const parsed = JSON.parse(text) as Partial<AddressPolicy>;
    return { allowPrivate: parsed.allowPrivate === true, allowLoopback: parsed.allowLoopback === true };
  } catch {
    return null;
  }
}
