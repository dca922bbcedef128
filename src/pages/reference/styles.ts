// The reference pages' own CSS (sent in a <style> with the page's nonce): a sidebar of operations on wide
// screens, one column on a phone.
export const REFERENCE_CSS = `
:root{--fg:#1c2430;--muted:#5f6b7a;--line:#d8dee6;--bg:#f4f6f9;--card:#fff;--accent:#2457d6;--accent-d:#1b44aa;--err:#b3261e;--ok:#1f7a3a;--code:#f1f3f7;
--get:#1f7a3a;--post:#2457d6;--put:#8a5a00;--patch:#6b3fa0;--delete:#b3261e}
*{box-sizing:border-box}html,body{margin:0;padding:0}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}code,pre,textarea,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
code{background:var(--code);padding:1px 4px;border-radius:4px;word-break:break-word}
pre{background:var(--code);padding:10px 12px;border-radius:8px;overflow:auto;max-height:480px;margin:6px 0;white-space:pre;font-size:.82rem;line-height:1.4}
header.top{background:#16202e;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:baseline}
header.top a{color:#c9d7ff}header.top .brand{font-weight:700;font-size:1.05rem;color:#fff;text-decoration:none}
header.top .links{margin-left:auto;display:flex;gap:14px;flex-wrap:wrap;font-size:.9rem}
.layout{display:grid;grid-template-columns:270px minmax(0,1fr);gap:20px;max-width:1280px;margin:0 auto;padding:16px}
nav.toc{position:sticky;top:12px;align-self:start;max-height:calc(100vh - 24px);overflow:auto;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px 10px;font-size:.88rem}
nav.toc summary{font-weight:700;cursor:pointer;padding:4px 0}nav.toc h3{font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:10px 0 4px}
nav.toc ul{list-style:none;margin:0;padding:0}nav.toc li a{display:flex;gap:6px;align-items:baseline;padding:2px 0;text-decoration:none;color:var(--fg)}nav.toc li a:hover{color:var(--accent)}
main.content{min-width:0}
main.page{max-width:1100px;margin:0 auto;padding:16px}
.grid .wide{grid-column:1/-1}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin-bottom:16px}
h1{font-size:1.45rem;margin:0 0 6px}h2{font-size:1.15rem;margin:22px 0 10px}h3{font-size:1rem;margin:14px 0 6px}h4{font-size:.9rem;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.muted{color:var(--muted)}.small{font-size:.85rem}
.md p{margin:.45em 0}.md ul{margin:.4em 0;padding-left:1.3em}
.method{display:inline-block;min-width:3.9em;text-align:center;font-weight:700;font-size:.72rem;letter-spacing:.03em;padding:2px 6px;border-radius:5px;color:#fff;background:var(--muted);flex:none}
.method.get{background:var(--get)}.method.post{background:var(--post)}.method.put{background:var(--put)}.method.patch{background:var(--patch)}.method.delete{background:var(--delete)}
details.op{background:var(--card);border:1px solid var(--line);border-radius:10px;margin-bottom:10px}
details.op>summary{list-style:none;cursor:pointer;padding:10px 12px;display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}
details.op>summary::-webkit-details-marker{display:none}
details.op>summary .path{font-weight:600;background:none;padding:0;word-break:break-all}
details.op>summary .sum{color:var(--muted);font-size:.9rem}
details.op[open]>summary{border-bottom:1px solid var(--line)}
.op-body{padding:4px 14px 14px}
.badge{display:inline-block;font-size:.72rem;padding:1px 7px;border-radius:999px;background:#e7ebf1;color:var(--fg);margin-right:4px}
.badge.auth{background:#fff3d6}.badge.browser{background:#e8e1f5}
table.params{width:100%;border-collapse:collapse;font-size:.88rem}table.params th,table.params td{text-align:left;padding:5px 6px;border-bottom:1px solid var(--line);vertical-align:top}
table.params th{color:var(--muted);font-weight:600;font-size:.8rem}
ul.schema{list-style:none;margin:4px 0;padding-left:14px;border-left:2px solid var(--line);font-size:.88rem}
ul.schema>li{margin:3px 0}ul.schema .name{font-weight:600}ul.schema .type{color:var(--muted);font-size:.82rem}ul.schema .req{color:var(--err);font-size:.75rem;font-weight:600}
.resp>summary{cursor:pointer;padding:3px 0}.resp .code{font-weight:700;font-family:ui-monospace,monospace}
.code.c2{color:var(--ok)}.code.c4,.code.c5{color:var(--err)}
form.try{background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:12px;margin-top:12px}
form.creds{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin-bottom:16px}
form.creds h2{margin-top:0}
form.try h4{margin-top:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:8px 12px}
label{display:block;font-size:.82rem;font-weight:600;margin:6px 0 3px}label .muted{font-weight:400}
input,select,textarea{width:100%;font:inherit;padding:7px 9px;border:1px solid #c3ccd8;border-radius:6px;background:#fff;color:var(--fg)}
textarea{min-height:5em;resize:vertical;font-size:.85rem;line-height:1.4}
textarea.pem{min-height:7em}
input:focus,select:focus,textarea:focus{outline:3px solid rgba(36,87,214,.22);border-color:var(--accent)}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:10px}
button{font:inherit;font-weight:600;padding:8px 16px;border:0;border-radius:7px;background:var(--accent);color:#fff;cursor:pointer}
button:hover{background:var(--accent-d)}button[disabled]{opacity:.6;cursor:progress}button.secondary{background:#e3e8ef;color:var(--fg)}
.answer{margin-top:12px;border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff}
.answer .status{font-weight:700;font-family:ui-monospace,monospace}.answer .status.ok{color:var(--ok)}.answer .status.fail{color:var(--err)}
.answer details summary{cursor:pointer;font-size:.85rem;color:var(--muted);margin-top:6px}
.note{font-size:.85rem;color:var(--muted);margin:6px 0}
.warn{background:#fff3d6;border:1px solid #f0d48a;border-radius:8px;padding:8px 10px;font-size:.88rem}
.faces{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:14px}
.faces .card h2{margin-top:0}.faces .card p{margin:.4em 0}
@media (max-width:900px){.layout{grid-template-columns:1fr;padding:10px}nav.toc{position:static;max-height:none}header.top .links{margin-left:0}}
@media (max-width:520px){body{font-size:14px}.op-body{padding:4px 10px 12px}details.op>summary{padding:9px 10px}.grid{grid-template-columns:1fr}}
`;
