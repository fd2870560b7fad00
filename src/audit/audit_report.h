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

}  // namespace fastpath::audit
