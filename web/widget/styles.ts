/**
 * The widget's stylesheet. It lives inside the widget's shadow root (mount.ts), so the host page's
 * CSS cannot reach in and none of this reaches out; `:host` resets what inherits across the boundary
 * (font, colour, line height). `--sw-accent` is the owner's colour (environment settings, widget.color).
 */
export const WIDGET_CSS = `
:host{all:initial;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2430;--sw-accent:#3355dd}
*{box-sizing:border-box}
.sw-overlay{position:fixed;inset:0;background:rgba(20,24,34,.45);z-index:2147483000}
.sw-panel{position:fixed;top:0;right:0;bottom:0;width:min(440px,100%);background:#fff;box-shadow:-4px 0 24px rgba(0,0,0,.18);display:flex;flex-direction:column;z-index:2147483001}
.sw-inline{position:relative;width:100%;height:100%;min-height:480px;background:#fff;display:flex;flex-direction:column;border:1px solid #e3e6ee;border-radius:8px}
.sw-page{min-height:100vh;background:#f5f6fa;display:flex;justify-content:center}
.sw-page>.sw-inline{max-width:640px;min-height:100vh;border-radius:0;border-width:0 1px}
.sw-header{display:flex;align-items:center;gap:10px;padding:14px 16px;border-bottom:1px solid #e3e6ee}
.sw-header h1{font-size:16px;margin:0;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.sw-logo{height:28px;max-width:96px;object-fit:contain}
.sw-body{flex:1;overflow:auto;padding:16px}
.sw-icon-btn{border:0;background:transparent;font-size:20px;line-height:1;padding:6px 8px;border-radius:6px;cursor:pointer;color:#555}
.sw-icon-btn:hover{background:#f0f2f7}
button,input,select{font:inherit}
:focus-visible{outline:2px solid var(--sw-accent);outline-offset:2px}
.sw-btn{border:1px solid var(--sw-accent);background:var(--sw-accent);color:#fff;border-radius:6px;padding:8px 14px;cursor:pointer;font-weight:600}
.sw-btn[disabled]{opacity:.55;cursor:default}
.sw-btn.sw-secondary{background:#fff;color:var(--sw-accent)}
.sw-btn.sw-danger{background:#c62828;border-color:#c62828}
.sw-row{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.sw-list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.sw-card{display:flex;align-items:center;gap:12px;padding:12px;border:1px solid #e3e6ee;border-radius:8px;background:#fff}
.sw-card .sw-grow{flex:1;min-width:0}
.sw-name{font-weight:600}
.sw-muted{color:#667085;font-size:13px}
.sw-badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;background:#eef0f5;color:#4a5165}
.sw-ok{background:#e3f5e8;color:#1c6b35}
.sw-bad{background:#fde8e8;color:#a11d1d}
.sw-run{background:#e6edff;color:#2743a8}
.sw-avatar{width:36px;height:36px;border-radius:8px;flex:none;display:flex;align-items:center;justify-content:center;font-weight:700;color:#fff;background:var(--sw-accent);object-fit:contain}
.sw-field{display:flex;flex-direction:column;gap:4px;margin-bottom:14px}
.sw-field label{font-weight:600}
.sw-field input,.sw-field select{border:1px solid #c9cedb;border-radius:6px;padding:8px 10px;width:100%;background:#fff;color:inherit}
.sw-field input[aria-invalid=true]{border-color:#c62828}
.sw-help{color:#667085;font-size:12px}
.sw-error{color:#a11d1d;font-size:13px}
.sw-alert{border:1px solid #f3b4b4;background:#fdf0f0;color:#8a1c1c;border-radius:6px;padding:10px 12px;margin-bottom:12px}
.sw-note{border:1px solid #b9d7c2;background:#effaf2;color:#1c5b30;border-radius:6px;padding:10px 12px;margin-bottom:12px}
.sw-tabs{display:flex;gap:4px;border-bottom:1px solid #e3e6ee;margin:0 -16px 16px;padding:0 12px;overflow-x:auto}
.sw-tab{border:0;background:none;padding:10px 10px;cursor:pointer;border-bottom:2px solid transparent;color:#4a5165;white-space:nowrap}
.sw-tab[aria-selected=true]{border-color:var(--sw-accent);color:#1f2430;font-weight:600}
.sw-stream{border:1px solid #e3e6ee;border-radius:8px;margin-bottom:10px}
.sw-stream>label,.sw-stream summary{display:flex;gap:8px;align-items:center;padding:10px 12px;font-weight:600;cursor:pointer}
.sw-fields{padding:0 12px 10px 34px;display:flex;flex-direction:column;gap:4px}
.sw-fields label{display:flex;gap:8px;align-items:center}
.sw-dialog{border:1px solid #e3e6ee;border-radius:8px;padding:14px;background:#fffaf0}
.sw-section-title{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#667085;margin:18px 0 8px}
table.sw-jobs{width:100%;border-collapse:collapse;font-size:13px}
.sw-jobs th,.sw-jobs td{text-align:left;padding:6px 4px;border-bottom:1px solid #eef0f5}
.sw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
