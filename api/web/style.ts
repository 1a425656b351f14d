/**
 * The app's one stylesheet, served from /app/assets/app.css by this process. Sized for a
 * laptop (1280 px and down to 1024 without horizontal scrolling), system fonts only, and
 * a visible focus ring for keyboard use.
 */
export const appCss = `
:root { --ink: #1d2433; --muted: #5b6475; --line: #d8dde6; --bg: #f6f7f9; --accent: #1f5fbf; --good: #1b7a3e; --wait: #8a5a00; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
header.top { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #14213d; color: #fff; flex-wrap: wrap; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: 700; }
header.top nav ul { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
header.top nav a { padding: 4px 8px; border-radius: 4px; }
header.top nav a[aria-current="page"], header.top nav a:hover { background: rgba(255,255,255,.18); }
header.top .who { margin-left: auto; display: flex; gap: 8px; align-items: center; }
header.top .who form { margin: 0; }
button.link { background: none; border: 0; color: #fff; text-decoration: underline; cursor: pointer; padding: 0; font: inherit; }
main { padding: 16px 24px 48px; max-width: 1280px; }
h1 { font-size: 1.5rem; margin: 8px 0 16px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: .85em; border: 1px solid; white-space: nowrap; }
.badge.good { color: var(--good); } .badge.wait { color: var(--wait); } .badge.bad { color: var(--bad); }
.countdown.overdue { color: var(--bad); font-weight: 600; } .countdown.soon { color: var(--wait); font-weight: 600; }
.filters { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 12px; }
.filters .field { margin: 0; }
form.stacked { background: #fff; border: 1px solid var(--line); padding: 12px 16px; margin: 8px 0 16px; max-width: 720px; }
form.inline { display: inline; margin: 0; }
.field { margin: 0 0 10px; display: flex; flex-direction: column; gap: 2px; }
.field label { font-weight: 600; }
.field small { color: var(--muted); }
input, select, textarea, button { font: inherit; }
input[type=text], input[type=date], input[type=number], input[type=password], select, textarea { padding: 5px 8px; border: 1px solid #98a2b3; border-radius: 4px; background: #fff; max-width: 100%; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: 13px; }
.field.invalid input, .field.invalid select, .field.invalid textarea { border-color: var(--bad); }
.field-error { color: var(--bad); margin: 2px 0 0; font-weight: 600; }
button { padding: 6px 14px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
.error-summary { border: 2px solid var(--bad); background: #fff4f2; padding: 8px 12px; margin: 0 0 12px; }
.error-summary p { margin: 0; font-weight: 600; }
.notice { border-left: 4px solid var(--good); background: #effaf2; padding: 8px 12px; }
.pager { display: flex; gap: 16px; align-items: center; margin: 8px 0; color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 16px; }
.card { background: #fff; border: 1px solid var(--line); padding: 12px 16px; }
.card .figure { font-size: 1.8rem; font-weight: 700; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ol.timeline { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
ol.timeline li { padding: 2px 8px; border: 1px solid var(--line); border-radius: 12px; background: #fff; color: var(--muted); }
ol.timeline li.passed { color: var(--good); border-color: var(--good); }
ol.timeline li.current { color: #fff; background: var(--accent); border-color: var(--accent); font-weight: 600; }
pre.x12 { background: #fff; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 360px; font-size: 12px; }
details { margin: 8px 0; }
fieldset { border: 1px solid var(--line); margin: 0 0 10px; }
.options { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.options .field { flex-direction: row-reverse; justify-content: flex-end; gap: 6px; margin: 0; }
.options .field label { font-weight: 400; }
summary { cursor: pointer; font-weight: 600; }
.muted { color: var(--muted); }
svg.chart text { font-size: 12px; fill: var(--ink); }
.legend { display: flex; gap: 12px; flex-wrap: wrap; font-size: .9em; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.legend .swatch-0::before { background: #1f77b4; } .legend .swatch-1::before { background: #2ca02c; } .legend .swatch-2::before { background: #ff7f0e; }
.legend .swatch-3::before { background: #d62728; } .legend .swatch-4::before { background: #7f3b8f; }
body.sign-in main { max-width: 420px; margin: 10vh auto; }
`;
