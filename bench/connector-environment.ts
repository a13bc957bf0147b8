/**
 * The environment the benchmarks run connectors with — the same for the bare baselines and for the
 * Sinew server (which passes it on to its connectors), so both sides are compared like for like.
 * PYTHONUNBUFFERED is removed: some containers set it, and it makes a Python tap issue one write()
 * per line (≈1M extra syscalls and pipe wake-ups per million records); a deployed Singer tap runs
 * block-buffered.
 */
export function connectorEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PYTHONUNBUFFERED;
  return env;
}
