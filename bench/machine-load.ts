import os from 'node:os';

/**
 * One line about the machine, printed with every table: the figures are wall-clock times, and on a
 * shared machine anything else running (another test suite…) stretches them.
 */
export function describeMachine(): string {
  const [one = Number.NaN, five = Number.NaN] = os.loadavg();
  return `${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${one.toFixed(2)} (1 min) ${five.toFixed(2)} (5 min)`;
}
