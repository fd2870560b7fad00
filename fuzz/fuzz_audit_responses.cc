// Fuzzes the coverage audit's reading of AWS answers: every component's check runs with each
// API call answered by a piece of the input (split at 0xFF bytes, the pieces taken in turn), so
// JSON, query, EC2 and REST-XML readers all see arbitrary bodies; and the daemon's liveness
// state file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "dedupe/source_liveness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> pieces(1);
  for (char c : text) {
    if (static_cast<unsigned char>(c) == 0xFF) {
      pieces.emplace_back();
    } else {
      pieces.back().push_back(c);
    }
  }
  using namespace fastpath::audit;
  static const AccountInfo kAccount{"111122223333", "fuzz", "ACTIVE"};
  static const fastpath::aws::AwsClient client(
      fastpath::aws::AwsClientOptions{},
      std::make_shared<fastpath::aws::StaticCredentialProvider>(
          fastpath::aws::Credentials{"AKIDFUZZ", "secret", "", 0, "fuzz"}));
  AuditSettings settings;
  settings.data_events = {"AWS::S3::Object"};
  settings.log_groups = {"/aws/lambda/*"};
  settings.s3_buckets = {"bucket"};
  settings.securityhub_region = "us-east-1";
  settings.cloudtrail_via_logs = true;
  settings.central_bus_arn = "arn:aws:events:us-east-1:111122223333:event-bus/central";
  AuditShared shared;
  shared.central_bus_policy = pieces[0];
  for (const ComponentDescriptor* c : Components()) {
    Cell cell;
    cell.component = c->name;
    AuditContext ctx(kAccount, "us-east-1", &client, &settings, &shared, &cell);
    size_t next = 0;
    int calls = 0;
    ctx.UseResponder([&](std::string_view, std::string_view) {
      Reply r;
      // Bounded: a body that always says "more pages" must not loop for ever here.
      if (++calls > 64) return r;
      r.ok = true;
      r.body = pieces[next++ % pieces.size()];
      return r;
    });
    c->check(ctx);
  }
  fastpath::SourceLiveness liveness;
  (void)liveness.FromJson(text);
  return 0;
}
