// What the alert output files share: reading an output's settings, JSON text, the "where" of an
// alert, HTTP POST with the retry classification every HTTP output uses, and the same for
// results of the AWS client.
#pragma once

#include <string>
#include <string_view>

#include "alerts/outputs.h"
#include "aws/http_client.h"
#include "core/status.h"

namespace fastpath::outputs {

// The output's setting `key`, or `def`.
std::string Get(const OutputConfig& c, const std::string& key, const std::string& def = "");
std::string Upper(std::string s);
std::string Json(std::string_view s);  // a JSON string literal
std::string Or(const std::string& s, const char* def);
std::string Where(const StoredAlert& a);  // "account / region"
// InvalidArgument "output NAME (TYPE) needs KEY" when the setting is empty.
Status Need(const OutputConfig& c, const char* key);

// Scheme and host of a URL: what a log line may name (the path of a webhook URL is a secret).
std::string Redacted(const std::string& url);
// HTTP POST with JSON; 2xx is success, 408/429/5xx and transport errors are retried.
SendResult PostJson(const std::string& url, const std::string& body, aws::HeaderList headers);
// A result of the AWS client: a 4xx other than 408/429 and throttling is permanent.
SendResult FromStatus(const Status& s);

}  // namespace fastpath::outputs
