/**
 * The layers of src/, checked by `npm run check:layers` (in .ci/run). Each folder may import its
 * own files and the folders of the layers below it, nothing beside or above it: so no folder cycle
 * can form, the model and the ports depend on nothing above them, and only `app` (and the CLI
 * that starts it) wires everything together. Type imports count too — a type pulled from above is
 * still a dependency on that folder's meaning. docs/architecture.md ("Layers") explains each folder.
 */
const LAYERS = [
  ['errors'],
  ['ids', 'runtime', 'outbound', 'contract'],
  ['model'],
  ['singer'],
  ['crypto'],
  ['store', 'queue', 'storage', 'sinks'],
  ['settings'],
  ['connectors'],
  ['events', 'environments', 'audit', 'snapshots', 'retention'],
  ['etl', 'writes'],
  ['flows', 'links'],
  ['oauth'],
  ['jobs'],
  ['schedules'],
  ['auth', 'metrics'],
  ['tenants'],
  ['api'],
  ['config'],
  ['app'],
  ['cli'],
];

const folders = (list) => `^src/(${list.join('|')})/`;
const ALL = LAYERS.flat();

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return layer.map((folder) => ({
    name: `layer:${folder}`,
    comment: `src/${folder} may import only ${LAYERS.slice(0, i).flat().join(', ') || 'nothing of ours'} (the layers below it)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: folders([...above, ...layer.filter((f) => f !== folder)]) },
  }));
});

/** A port never knows its adapters: they are chosen where Sinew is wired (app). */
const PORTS = [
  { port: '^src/store/store\\.ts$', adapters: '^src/store/(sqlite|postgres|kysely)-store' },
  { port: '^src/queue/job-queue\\.ts$', adapters: '^src/queue/(in-process|pg-boss)-queue' },
  { port: '^src/storage/blob-storage\\.ts$', adapters: '^src/storage/(local|s3|prefixed)-blob-storage' },
  { port: '^src/connectors/sdk/', adapters: '^src/connectors/builtin/' },
];

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unlisted-folder',
      comment: 'every folder of src/ has its place in LAYERS (.dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: folders(ALL) },
      to: {},
    },
    ...PORTS.map(({ port, adapters }) => ({
      name: `port-knows-adapter:${port}`,
      comment: 'a port depends on no adapter of its own',
      severity: 'error',
      from: { path: port },
      to: { path: adapters },
    })),
    {
      name: 'job-status-writes-only-in-job-lifecycle',
      comment:
        'a job changes status only through JobLifecycle (transition check, timestamps, row lock, lifecycle event): ' +
        'outside the store, only src/jobs/job-lifecycle.ts may import the JobStatusWriter key',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/|^src/jobs/job-lifecycle\\.ts$' },
      to: { path: '^src/store/job-status-writer\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between modules (type imports included)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // TypeScript 7 (the native compiler) has no JavaScript API; swc parses the sources instead.
    parser: 'swc',
  },
};
