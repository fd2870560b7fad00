// The audit's three forms: a terminal table (the matrix, then every gap with its fix), JSON
// (every cell and finding), and one self-contained HTML page (the matrix, each cell's detail
// and fix on click).
#pragma once

#include <string>

#include "audit/audit.h"

namespace fastpath::audit {

std::string ReportTable(const AuditReport& report, bool colour);
std::string ReportJson(const AuditReport& report);
std::string ReportHtml(const AuditReport& report);
// One cell as a JSON object (the report's `cells` elements; the re-audit on a tamper alert).
std::string CellJson(const Cell& cell);

}  // namespace fastpath::audit
