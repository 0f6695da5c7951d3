/** The report's CSS: system fonts, light and dark themes from prefers-color-scheme, print styles. */
export const STYLE = `
:root{color-scheme:light dark;
--bg:#f6f7f9;--card:#fff;--fg:#1b1f24;--muted:#5b6472;--line:#dde1e6;--accent:#2454c5;--code:#f0f2f5;
--c-ok:#8fc2a1;--c-redirect:#7ea6e0;--c-client:#e8b04a;--c-server:#d9534f;--c-info:#b8a6d9;--c-none:#a3aab5;
--c-auth:#8e6cc9;--c-validation:#e8b04a;--c-notfound:#7ea6e0;--c-throttling:#4fb0b5;--c-dependency:#e07b39;
--c-overload:#c98c6c;--c-soft:#c9579b;--hatch:rgba(0,0,0,.45);
--g-A:#2e8b57;--g-B:#5b9e3a;--g-C:#c79a1c;--g-D:#d9782b;--g-F:#c9302c}
@media (prefers-color-scheme:dark){:root{
--bg:#111418;--card:#1a1f25;--fg:#e6e9ed;--muted:#9aa4b2;--line:#2d343d;--accent:#8ab4ff;--code:#232a33;
--c-ok:#3f7a55;--c-redirect:#46679a;--c-client:#b08327;--c-server:#b8423e;--c-info:#7a6a9e;--c-none:#5c6470;
--c-auth:#7456a8;--c-validation:#b08327;--c-notfound:#46679a;--c-throttling:#2f7f83;--c-dependency:#b35e28;
--c-overload:#93664d;--c-soft:#9c3f77;--hatch:rgba(255,255,255,.55)}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1240px;margin:0 auto;padding:20px 24px 48px}
header.top{display:flex;align-items:baseline;justify-content:space-between;gap:16px;flex-wrap:wrap;margin-bottom:14px}
header.top h1{font-size:20px;margin:0}
header.top h1 span{color:var(--muted);font-weight:400}
.meta-line{color:var(--muted);font-size:13px}
main>section,figure.chart{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 16px}
h2{font-size:17px;margin:0 0 10px}
h2.sub{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:12px 0 6px}
h3{font-size:15px;margin:0}
h4{font-size:13px;margin:0 0 6px}
a{color:var(--accent)}
code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted{color:var(--muted);font-weight:400}
.small{font-size:12px}
.note{color:var(--muted);margin:2px 0 8px;font-size:13px}
.warn{color:var(--c-server);font-weight:600}
.banner{background:var(--c-client);color:#1b1f24;border-radius:8px;padding:8px 12px;margin-bottom:12px;font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.score-head{display:flex;gap:18px;align-items:center;flex-wrap:wrap}
.grade{flex:none;width:64px;height:64px;border-radius:50%;display:grid;place-items:center;font-size:34px;font-weight:800;color:#fff;background:var(--c-none)}
.grade-A{background:var(--g-A)}.grade-B{background:var(--g-B)}.grade-C{background:var(--g-C)}.grade-D{background:var(--g-D)}.grade-F{background:var(--g-F)}
.headline{flex:1 1 360px}
.headline .lead{font-size:19px;margin:0 0 2px}
.headline p{margin:0}
.tiles{display:grid;gap:8px;grid-template-columns:repeat(auto-fit,minmax(104px,1fr))}
.score-head .totals{flex:0 1 660px;margin-left:auto;grid-template-columns:repeat(5,minmax(0,1fr))}
.tile{border:1px solid var(--line);border-radius:8px;padding:5px 10px;background:var(--bg)}
.tile .big{font-size:19px;font-weight:700;font-variant-numeric:tabular-nums}
.tile .label{color:var(--muted);font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tile.zero .big{color:var(--muted);font-weight:400}
.tile.bad{border-left:4px solid var(--c-server)}
.tile.meh{border-left:4px solid var(--c-client)}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:24px}
.cols p{margin:0 0 6px}
ul.sources{margin:0;padding-left:18px}
.pill{display:inline-block;border:1px solid var(--line);border-radius:9px;padding:0 6px;font-size:11px;color:var(--muted)}
.charts{display:grid;grid-template-columns:1fr;gap:0}
figure.chart{margin:0 0 16px}
figure.chart svg{width:100%;height:auto;display:block;margin-top:6px}
figure.chart svg text{fill:var(--fg);font-size:12px}
figure.chart svg text.tick{fill:var(--muted);font-size:11px}
figure.chart svg text.value{fill:var(--muted);font-variant-numeric:tabular-nums}
figure.chart svg .grid{stroke:var(--line);stroke-width:1}
figure.chart .mark:hover{stroke:var(--fg);stroke-width:1.5}
.hatch{stroke:var(--hatch);stroke-width:1.3}
.dot{fill:var(--hatch)}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 0;padding:0;font-size:12.5px}
ul.legend li{display:flex;align-items:center;gap:6px}
figure.chart svg.swatch,svg.swatch{width:14px;height:14px;display:inline-block;margin:0;flex:none}
details.data summary,details.gaps summary{cursor:pointer;color:var(--accent);font-size:13px;margin-top:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{font-size:12px;color:var(--muted);font-weight:600;position:sticky;top:0;background:var(--card);white-space:nowrap;z-index:1}
.scroll{overflow:auto;max-height:520px;position:relative}
.filters{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;margin:0 0 10px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.filters label.grow{flex:1;min-width:180px}
.filters select,.filters input{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:4px 6px;max-width:280px}
.filters output{color:var(--muted);font-size:12px;margin-left:auto}
table.findings tr.finding{cursor:pointer}
table.findings tr.finding:hover{background:var(--bg)}
table.findings tr.finding.open{background:var(--bg)}
table.findings td.msg{max-width:420px}
table.findings td.loc{white-space:nowrap;color:var(--muted)}
code.ep{white-space:nowrap}
button.expand{border:0;background:none;color:var(--muted);cursor:pointer;font-size:14px;padding:0 4px}
tr.open button.expand span[aria-hidden]{display:inline-block;transform:rotate(90deg)}
button.sort{border:0;background:none;color:inherit;font:inherit;cursor:pointer;padding:0}
th[aria-sort=ascending] button.sort::after{content:" ▲"}
th[aria-sort=descending] button.sort::after{content:" ▼"}
.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
.sev.sev-error{background:var(--g-F)}
.sev.sev-warning{background:var(--g-D)}
.sev.sev-info{background:var(--c-redirect);color:#1b1f24}
tr.detail td{background:var(--bg);padding:12px 14px}
.detail-grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.2fr);gap:24px}
.evidence{border:1px solid var(--line);border-radius:6px;background:var(--code);padding:6px 8px;margin-bottom:10px}
.ev-line{display:flex;gap:8px}
.ev-line .k{flex:none;width:60px;color:var(--muted);font-size:12px}
.ev-line code{word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0;font-size:13px}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
.fws details{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--card)}
.fws summary{cursor:pointer;padding:4px 8px;font-weight:600;font-size:13px}
.fws pre{margin:0;padding:8px;background:var(--code);overflow:auto;max-height:300px}
.ok-note{font-size:15px}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
@media (max-width:800px){.cols,.detail-grid{grid-template-columns:1fr}}
@media print{
:root{--bg:#fff;--card:#fff;--fg:#000;--muted:#444;--line:#ccc;--code:#f4f4f4}
body{font-size:11px}
main{max-width:none;padding:0}
main>section,figure.chart{break-inside:avoid;border:0;padding:0 0 8px;margin-bottom:10px}
.filters,button.expand,details.data summary{display:none}
.scroll{max-height:none;overflow:visible}
tr.detail[hidden]{display:none}
a{color:inherit;text-decoration:none}
}
`;
