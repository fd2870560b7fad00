#include "audit/audit_report.h"

#include <cstdio>
#include <map>

#include "core/event.h"

namespace fastpath::audit {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

const char* Short(std::string_view component) {
  static const std::map<std::string_view, const char*> kShort = {
      {"cloudtrail", "trail"},
      {"eventbridge", "rules"},
      {"cloudwatch_logs", "cwl"},
      {"vpc_flow_logs", "flow"},
      {"resolver_query_logs", "dns"},
      {"load_balancer_logs", "elb"},
      {"waf_logging", "waf"},
      {"network_firewall_logging", "nfw"},
      {"guardduty", "gd"},
      {"securityhub", "hub"},
      {"config", "cfg"},
      {"inspector", "insp"},
      {"macie", "macie"},
      {"route53_query_logs", "r53"},
      {"cloudfront_logging", "cf"},
      {"s3_notifications", "s3n"}};
  auto it = kShort.find(component);
  return it == kShort.end() ? "?" : it->second;
}

std::string Mark(CellState s, bool colour) {
  const char* text = s == CellState::kOk       ? "ok"
                     : s == CellState::kGap    ? "GAP"
                     : s == CellState::kSilent ? "silent"
                                               : "?";
  if (!colour) return text;
  const char* code = s == CellState::kOk       ? "32"
                     : s == CellState::kGap    ? "1;31"
                     : s == CellState::kSilent ? "35"
                                               : "33";
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

std::string Pad(std::string s, size_t width, size_t visible) {
  if (visible < width) s.append(width - visible, ' ');
  return s;
}

}  // namespace

std::string ReportTable(const AuditReport& r, bool colour) {
  std::string out;
  // Header: one column per component.
  std::map<std::string, size_t> col;
  std::vector<std::string> names;
  for (const std::string& c : r.components) {
    col[c] = names.size();
    names.push_back(Short(c));
  }
  auto row_label = [](const std::string& a, const std::string& region) { return a + " " + region; };
  const size_t label_w = 12 + 1 + 14;
  out += Pad("account      region", label_w, 19);
  for (const std::string& n : names) out += " " + Pad(n, 6, n.size());
  out += "\n";
  std::string current;
  std::vector<std::string> row(names.size(), "");
  std::vector<size_t> row_vis(names.size(), 0);
  auto flush = [&] {
    if (current.empty()) return;
    out += Pad(current, label_w, current.size());
    for (size_t i = 0; i < row.size(); ++i) {
      out += " " + Pad(row[i].empty() ? "-" : row[i], 6, row[i].empty() ? 1 : row_vis[i]);
      row[i].clear();
      row_vis[i] = 0;
    }
    out += "\n";
  };
  for (const Cell& c : r.cells) {
    const std::string label = row_label(c.account, c.region);
    if (label != current) {
      flush();
      current = label;
    }
    const size_t i = col[c.component];
    row[i] = Mark(c.state, colour);
    row_vis[i] = Mark(c.state, false).size();
  }
  flush();
  out += "\n";
  for (const std::string& c : r.components) {
    out += std::string(Short(c)) + "=" + c + " ";
  }
  out += "\n";

  size_t shown = 0;
  for (const Cell& c : r.cells) {
    for (const Finding& f : c.findings) {
      // An account that could not be entered is said once, under the errors below.
      if (f.state == CellState::kOk || f.id == "audit.not_entered") continue;
      if (shown++ == 0) out += "\n";
      out += Mark(f.state, colour) + " " + c.account + " " + c.region + " " + c.component + ": " +
             f.message + "  [" + f.id + "]\n";
      if (!f.fix.empty()) out += "    fix: " + f.fix + "\n";
      if (!f.fix_cli.empty()) out += "    $ " + f.fix_cli + "\n";
      if (!f.permission.empty()) out += "    needs: " + f.permission + "\n";
    }
  }
  for (const std::string& e : r.errors) out += "error: " + e + "\n";
  char summary[256];
  std::snprintf(summary, sizeof(summary),
                "\n%zu accounts, %zu regions, %zu cells: %zu ok, %zu gap, %zu silent, %zu unknown "
                "(%llu API calls, %.1f s)\n",
                r.accounts.size(), r.regions.size(), r.cells.size(), r.CountState(CellState::kOk),
                r.CountState(CellState::kGap), r.CountState(CellState::kSilent),
                r.CountState(CellState::kUnknown), static_cast<unsigned long long>(r.api_calls),
                r.seconds);
  out += summary;
  return out;
}

std::string CellJson(const Cell& c) {
  std::string out = "{\"account\":" + Quoted(c.account) + ",\"region\":" + Quoted(c.region) +
                    ",\"component\":" + Quoted(c.component) + ",\"state\":\"" +
                    CellStateName(c.state) + "\",\"findings\":[";
  for (size_t j = 0; j < c.findings.size(); ++j) {
    const Finding& f = c.findings[j];
    out += std::string(j ? "," : "") + "{\"id\":" + Quoted(f.id) + ",\"state\":\"" +
           CellStateName(f.state) + "\",\"resource\":" + Quoted(f.resource) +
           ",\"message\":" + Quoted(f.message);
    if (!f.fix.empty()) out += ",\"fix\":" + Quoted(f.fix);
    if (!f.fix_cli.empty()) out += ",\"fix_cli\":" + Quoted(f.fix_cli);
    if (!f.permission.empty()) out += ",\"permission\":" + Quoted(f.permission);
    out += "}";
  }
  out += "],\"notes\":[";
  for (size_t j = 0; j < c.notes.size(); ++j) out += (j ? "," : "") + Quoted(c.notes[j]);
  return out + "]}";
}

std::string ReportJson(const AuditReport& r) {
  std::string out = "{\"caller_account\":" + Quoted(r.caller_account) +
                    ",\"organization_id\":" + Quoted(r.organization_id) +
                    ",\"started\":" + Quoted(FormatRfc3339(r.started)) +
                    ",\"all_wired\":" + (r.AllWired() ? "true" : "false") + ",\"summary\":{";
  for (CellState s : {CellState::kOk, CellState::kGap, CellState::kSilent, CellState::kUnknown}) {
    out += std::string(s == CellState::kOk ? "" : ",") + "\"" + CellStateName(s) +
           "\":" + std::to_string(r.CountState(s));
  }
  out += "},\"accounts\":[";
  for (size_t i = 0; i < r.accounts.size(); ++i) {
    out += std::string(i ? "," : "") + "{\"id\":" + Quoted(r.accounts[i].id) +
           ",\"name\":" + Quoted(r.accounts[i].name) + "}";
  }
  out += "],\"regions\":[";
  for (size_t i = 0; i < r.regions.size(); ++i) out += (i ? "," : "") + Quoted(r.regions[i]);
  out += "],\"components\":[";
  for (size_t i = 0; i < r.components.size(); ++i) {
    const ComponentDescriptor* d = FindComponent(r.components[i]);
    out += std::string(i ? "," : "") + "{\"name\":" + Quoted(r.components[i]) +
           ",\"title\":" + Quoted(d ? d->title : "") + ",\"why\":" + Quoted(d ? d->why : "") +
           ",\"global\":" + (d && d->global ? "true" : "false") + "}";
  }
  out += "],\"cells\":[";
  for (size_t i = 0; i < r.cells.size(); ++i) {
    out += std::string(i ? ",\n" : "\n") + CellJson(r.cells[i]);
  }
  out += "\n],\"errors\":[";
  for (size_t i = 0; i < r.errors.size(); ++i) out += (i ? "," : "") + Quoted(r.errors[i]);
  char tail[96];
  std::snprintf(tail, sizeof(tail), "],\"api_calls\":%llu,\"seconds\":%.3f}\n",
                static_cast<unsigned long long>(r.api_calls), r.seconds);
  out += tail;
  return out;
}

std::string ReportHtml(const AuditReport& r) {
  std::string data = ReportJson(r);
  // Inside <script>, "</" would end the element.
  std::string safe;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '<' && i + 1 < data.size() && data[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += data[i];
    }
  }
  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>fastpath coverage audit</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em} .sum{margin:.3em 0 1em;color:#555}
.sum b{padding:.1em .5em;border-radius:3px;color:#fff}
table{border-collapse:collapse;margin:0 0 1.5em} th,td{border:1px solid #ddd;padding:3px 6px}
th{background:#f4f4f4;font-weight:600;font-size:12px} th.c{text-align:left}
td.cell{cursor:pointer;text-align:center;min-width:3.2em;font-size:12px;font-weight:600}
.ok{background:#2e7d32;color:#fff}.gap{background:#c62828;color:#fff}
.silent{background:#6a1b9a;color:#fff}.unknown{background:#f9a825;color:#222}.none{background:#fafafa;color:#aaa}
td.sel{outline:3px solid #1565c0}
#detail{position:sticky;bottom:0;background:#fff;border-top:2px solid #1565c0;padding:.6em 0;max-height:45vh;overflow:auto}
#detail pre{background:#f4f4f4;padding:.4em;white-space:pre-wrap;word-break:break-all}
.f{margin:.4em 0}.tag{font-size:11px;padding:0 .4em;border-radius:3px;margin-right:.4em}
.errors{color:#c62828}
</style></head><body>
<h1>fastpath coverage audit</h1>
<div class="sum" id="sum"></div>
<div id="errors" class="errors"></div>
<div id="matrix"></div>
<div id="detail"><i>Click a cell for what was found and how to fix it.</i></div>
<script id="audit-data" type="application/json">)";
  out += safe;
  out += R"(</script>
<script>
const A = JSON.parse(document.getElementById('audit-data').textContent);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const label = {ok:'ok', gap:'GAP', silent:'silent', unknown:'?'};
document.getElementById('sum').innerHTML =
  `${A.accounts.length} accounts &middot; ${A.regions.length} regions &middot; ${A.cells.length} cells &middot; ` +
  ['ok','gap','silent','unknown'].map(s => `<b class="${s}">${A.summary[s]} ${label[s]}</b>`).join(' ') +
  ` &middot; audited ${esc(A.started)} by ${esc(A.caller_account)}` + (A.organization_id ? ` in ${esc(A.organization_id)}` : '');
document.getElementById('errors').innerHTML = A.errors.map(e => `<div>${esc(e)}</div>`).join('');
const byKey = {};
A.cells.forEach((c, i) => byKey[c.account + '|' + c.region + '|' + c.component] = i);
let html = '';
for (const acct of A.accounts) {
  const cols = A.regions.concat(A.components.some(c => c.global) ? ['global'] : []);
  html += `<h2>${esc(acct.id)}${acct.name ? ' &middot; ' + esc(acct.name) : ''}</h2><table><tr><th class="c">component</th>` +
    cols.map(r => `<th>${esc(r)}</th>`).join('') + '</tr>';
  for (const comp of A.components) {
    html += `<tr><th class="c" title="${esc(comp.why)}">${esc(comp.title)}</th>`;
    for (const r of cols) {
      const i = byKey[acct.id + '|' + r + '|' + comp.name];
      if (i === undefined) { html += '<td class="none">&ndash;</td>'; continue; }
      const c = A.cells[i];
      html += `<td class="cell ${c.state}" data-i="${i}" title="${esc(comp.title)} ${esc(r)}">${label[c.state]}</td>`;
    }
    html += '</tr>';
  }
  html += '</table>';
}
document.getElementById('matrix').innerHTML = html;
function show(td) {
  document.querySelectorAll('td.sel').forEach(x => x.classList.remove('sel'));
  td.classList.add('sel');
  const c = A.cells[+td.dataset.i];
  let h = `<h3>${esc(c.component)} &middot; ${esc(c.account)} &middot; ${esc(c.region)}: <span class="tag ${c.state}">${label[c.state]}</span></h3>`;
  for (const f of c.findings) {
    h += `<div class="f"><span class="tag ${f.state}">${label[f.state]}</span>${esc(f.message)} <small>[${esc(f.id)}]</small>`;
    if (f.fix) h += `<div>Fix: ${esc(f.fix)}</div>`;
    if (f.fix_cli) h += `<pre>${esc(f.fix_cli)}</pre>`;
    if (f.permission) h += `<div>Needs: <code>${esc(f.permission)}</code></div>`;
    h += '</div>';
  }
  if (c.notes.length) h += '<div>Seen: <ul>' + c.notes.map(n => `<li>${esc(n)}</li>`).join('') + '</ul></div>';
  document.getElementById('detail').innerHTML = h;
}
document.getElementById('matrix').addEventListener('click', e => {
  const td = e.target.closest('td.cell'); if (td) show(td);
});
</script></body></html>
)";
  return out;
}

}  // namespace fastpath::audit
