/**
 * A flow's ETL step (`etl` in the flow definition). `script` alone: a `.js`/`.mjs`/`.cjs`/`.ts`/
 * `.mts`/`.cts` file is a module run by Sinew's module runner; any other file is run as an
 * executable (shebang). `command` runs any program, with `script` appended when both are given:
 * `{ command: ["python3"], script: "/opt/etl.py" }` ≡ `{ command: ["python3", "/opt/etl.py"] }`.
 */
export interface EtlStep {
  script?: string;
  command?: string[];
}
