// OCSF rendering: Base Event: records no OCSF class fits, with a message.
#include "ocsf/ocsf_internal.h"

#include <optional>
#include <string>
#include <vector>

namespace fastpath::ocsf {

int BaseEvent(Writer& w, const Event& e, const Rec& r, std::string_view product) {
  Header h;
  h.cls = kBase;
  h.activity_id = 0;
  h.product = product;
  WriteHeader(w, e, h);
  std::string_view msg = r.S("/message");
  if (msg.empty()) msg = r.S("/messageType");
  if (msg.empty()) msg = r.S("/detail-type");
  if (msg.empty()) msg = r.S("/type");
  w.Str("message", msg);
  return h.cls.uid;
}

}  // namespace fastpath::ocsf
