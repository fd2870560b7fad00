#include "parse/text_format_support.h"

#include "parse/cloudtrail_parser.h"
#include "parse/text_log_parser.h"

namespace fastpath::text {

void FinishEvent(const RecordContext& ctx, TimeNs fallback, std::string_view line, IdScope scope,
                 Event* out) {
  out->json.push_back('}');
  if (out->time == 0) {
    out->time = fallback != 0               ? fallback
                : ctx.log_timestamp_ms >= 0 ? ctx.log_timestamp_ms * kNsPerMs
                                            : ctx.received;
  }
  const std::string_view type = LogTypeName(out->log_type);
  out->id = scope == IdScope::kLine ? TextRecordId({type, line}) : PlacedLineId(type, ctx, line);
}

}  // namespace fastpath::text
