/**
 * The texts worth parsing as the one JSON document a program printed: the whole output and, since
 * some programs log to stdout before it, the output from the first line that starts with `{`.
 */
export function jsonOutputCandidates(text: string): string[] {
  const attempts = [text];
  const firstBrace = text.search(/^\s*\{/m);
  if (firstBrace > 0) attempts.push(text.slice(firstBrace));
  return attempts;
}
