/**
 * The dashboard's style sheet, set by the script (one file to serve, no second request before the
 * first paint). System fonts, a readable measure at a laptop's width, visible focus everywhere.
 */
export const STYLES = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dee7; --bg:#f5f7fa; --card:#fff; --accent:#2457c5; --ok:#1f8a4c; --bad:#c23b32; --busy:#b7791f; --neutral:#6b7280; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
:focus-visible { outline:3px solid #7aa2ff; outline-offset:2px; }
.skip { position:absolute; left:-999px; border:0; color:var(--accent); text-decoration:underline; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:9; }
header.top { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#17203a; color:#fff; flex-wrap:wrap; }
header.top .brand { font-size:17px; letter-spacing:.5px; }
header.top nav { display:flex; gap:4px; flex:1; flex-wrap:wrap; }
header.top nav a { color:#cfd8f3; text-decoration:none; padding:6px 10px; border-radius:6px; }
header.top nav a[aria-current=page] { background:#2f3d66; color:#fff; }
header.top nav a:hover { color:#fff; }
header.top .env { color:#cfd8f3; font-family:ui-monospace,monospace; font-size:12px; }
main { padding:20px; max-width:1280px; margin:0 auto; }
main:focus { outline:none; }
h1 { font-size:22px; margin:0 0 14px; } h2 { font-size:16px; margin:0; } h3 { font-size:14px; margin:14px 0 6px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; margin-bottom:16px; }
.card-head { display:flex; align-items:center; justify-content:space-between; gap:12px; margin-bottom:10px; flex-wrap:wrap; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit,minmax(420px,1fr)); gap:16px; }
.grid2 > .card { margin-bottom:0; }
.stack > * + * { margin-top:16px; }
.tiles { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:12px; margin-bottom:16px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.tile .n { font-size:24px; font-weight:600; } .tile .l { color:var(--muted); font-size:12px; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
tr:hover td { background:#f9fbff; }
.mono, code { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:12px; }
.muted { color:var(--muted); }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:11px; font-weight:600; letter-spacing:.3px; white-space:nowrap; }
.badge.ok { background:#e3f5ea; color:var(--ok); } .badge.bad { background:#fbe6e4; color:var(--bad); }
.badge.busy { background:#fdf1dc; color:var(--busy); } .badge.neutral { background:#eceef2; color:var(--neutral); }
button { font:inherit; padding:6px 12px; border-radius:6px; border:1px solid var(--line); background:#fff; cursor:pointer; }
button:hover:not(:disabled) { border-color:#a9b4c8; } button:disabled { opacity:.6; cursor:default; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.danger { background:var(--bad); border-color:var(--bad); color:#fff; }
fieldset { border:0; padding:0; margin:0; min-width:0; }
.delivery { margin-top:14px; } .delivery > h3 { margin-top:0; } /* a fieldset keeps its heading's margin inside */
input, select, textarea { font:inherit; padding:6px 8px; border:1px solid #bfc7d5; border-radius:6px; background:#fff; color:inherit; }
textarea { width:100%; font-family:ui-monospace,monospace; font-size:12px; min-height:120px; }
label { display:flex; flex-direction:column; gap:4px; font-size:12px; color:var(--muted); }
label > input, label > select, label > textarea { color:var(--fg); font-size:14px; }
label.check { flex-direction:row; align-items:center; gap:8px; color:var(--fg); font-size:14px; }
.filters { display:flex; gap:12px; flex-wrap:wrap; align-items:flex-end; margin-bottom:12px; }
.actions { display:flex; gap:8px; flex-wrap:wrap; align-items:center; }
.action { display:inline-flex; flex-direction:column; gap:4px; }
.confirm { display:inline-flex; gap:8px; align-items:center; flex-wrap:wrap; }
.error { color:var(--bad); background:#fdf0ef; border:1px solid #f3c7c3; border-radius:6px; padding:8px 10px; margin:8px 0; white-space:pre-wrap; }
.notice { background:#eef7f1; border:1px solid #bfe3cc; border-radius:6px; padding:8px 10px; margin:8px 0; }
.json, .logs { background:#0f1524; color:#dbe3f3; padding:10px 12px; border-radius:8px; overflow:auto; max-height:420px; font-family:monospace; font-size:12px; margin:0; white-space:pre-wrap; word-break:break-word; }
.json { background:#f3f5f9; color:var(--fg); border:1px solid var(--line); }
dl.facts { display:grid; grid-template-columns:repeat(auto-fill,minmax(190px,1fr)); gap:8px 16px; margin:0; }
dl.facts dt { font-size:12px; color:var(--muted); } dl.facts dd { margin:0; overflow-wrap:anywhere; }
.sign-in { display:flex; justify-content:center; padding-top:10vh; }
.sign-in form { width:380px; display:flex; flex-direction:column; gap:12px; }
.pager { display:flex; gap:8px; align-items:center; margin-top:10px; }
.timeline { list-style:none; padding:0; margin:0; display:flex; flex-wrap:wrap; gap:6px 0; }
.timeline li { display:flex; align-items:center; gap:6px; } .timeline li + li::before { content:"→"; color:var(--muted); margin:0 6px; }
svg.chart { width:100%; height:auto; display:block; }
svg.chart .grid { stroke:#eceff4; } svg.chart .axis, svg.chart text { fill:var(--muted); font-size:10px; }
svg.chart .bar.ok, svg.chart .dot.ok { fill:#4c8bf5; } svg.chart .bar.bad, svg.chart .dot.bad { fill:var(--bad); }
svg.chart .bar.neutral, svg.chart .dot.neutral { fill:#9aa3b2; } svg.chart .trend { fill:none; stroke:#c5d3ee; stroke-width:1; }
.legend { display:flex; gap:14px; font-size:12px; color:var(--muted); margin-top:6px; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
.secret { display:block; margin:1em 0; font-family:ui-monospace,monospace; background:#fff8e1; border:1px dashed #e0b84c; padding:8px; border-radius:6px; word-break:break-all; }
@media (max-width: 900px) { .grid2 { grid-template-columns:1fr; } main { padding:12px; } }
`;
