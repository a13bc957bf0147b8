/**
 * Prints a job's logs as they grow, for `sinew jobs logs --follow`.
 *
 * The API answers with every log file as a section (`==> job <==`, `==> tap <==`, `==> etl <==`,
 * `==> target <==`) joined by a newline, and the job log keeps growing while the tap section already
 * follows it; so "print what is past the last length" would print the wrong bytes. Instead each
 * section is followed on its own and, like `tail -f` on several files, a section's header is
 * printed again whenever the output switches to it.
 */
const HEADER = /^==> (job|tap|etl|target) <==\n/gm;

/** Section name → its text, in the order the API sent them. */
export function logSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const headers = [...text.matchAll(HEADER)];
  headers.forEach((h, i) => {
    const start = h.index + h[0].length;
    const next = headers[i + 1];
    // Every section but the last carries the newline the API joined the sections with.
    const body = next ? text.slice(start, next.index - 1) : text.slice(start);
    sections.set(h[1]!, body);
  });
  return sections;
}

export class LogFollower {
  private readonly printed = new Map<string, number>();
  private current: string | null = null;

  constructor(private readonly out: { write(text: string): unknown }) {}

  /** Prints whatever the latest answer of the logs endpoint holds that was not printed yet. */
  update(text: string): void {
    for (const [name, body] of logSections(text)) {
      const done = this.printed.get(name) ?? 0;
      if (body.length <= done) continue;
      if (this.current !== name) this.out.write(`${this.current === null ? '' : '\n'}==> ${name} <==\n`);
      this.out.write(body.slice(done));
      this.printed.set(name, body.length);
      this.current = name;
    }
  }
}
