/** Lines kept of an install's output: enough to see why pip or npm failed. */
const TAIL_LINES = 60;
const MAX_LINE_CHARS = 500;

/** Credentials in URLs (`https://user:token@host`, `git+https://token@…`) never reach the log. */
export function maskCredentials(line: string): string {
  return line.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/** The last lines of an install's output, masked, as the definition shows them. */
export class InstallLog {
  private readonly lines: string[] = [];
  private partial = '';
  private changed = false;

  write(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = (parts.pop() ?? '').slice(0, MAX_LINE_CHARS);
    for (const line of parts) this.add(line);
  }

  /** A line of Sinew's own (the step it runs). */
  note(line: string): void {
    this.finish();
    this.add(line);
  }

  finish(): void {
    if (this.partial !== '') this.add(this.partial);
    this.partial = '';
  }

  /** True once after each change: the store is written only when there is something new. */
  takeChanged(): boolean {
    const was = this.changed;
    this.changed = false;
    return was;
  }

  tail(): string[] {
    return [...this.lines];
  }

  private add(line: string): void {
    const clean = maskCredentials(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (clean.trim() === '') return;
    this.lines.push(clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)}…` : clean);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
    this.changed = true;
  }
}
