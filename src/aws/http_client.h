// HTTP over libcurl for the AWS client and the alert outputs.
//
// Send() runs one request to completion on a per-thread curl handle, so connections (and TLS
// sessions) are reused between calls on the same thread. OpenStream() starts a GET whose body
// is pulled through a ByteReader as the decoder asks for it: a multi-GB S3 object streams in
// bounded memory (curl's buffer plus one chunk).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "aws/sigv4.h"
#include "core/status.h"
#include "decode/byte_reader.h"

namespace fastpath::aws {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  long connect_timeout_ms = 5000;
  long timeout_ms = 60000;  // whole request; streams use a stall timeout instead
  // When it turns true the transfer is abandoned (seen within about a second, even while the
  // server is silent, as in a long poll). Null: never.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names lower-cased
  std::string body;
  // The first header of that (lower-case) name, or "".
  std::string Header(std::string_view name) const;
};

// A transport failure (no HTTP status): connection refused, timeout, TLS, reset.
// Status code kUnavailable-like: reported as kIoError with curl's message.
Result<HttpResponse> HttpSend(const HttpRequest& req);

// A streamed response body. status()/headers() are valid once Open returned.
class HttpStreamReader final : public ByteReader {
 public:
  ~HttpStreamReader() override;
  // Starts the request and waits for the response headers. A non-2xx response is returned as a
  // response with its (small) body read in full, not as a stream: `error_response` holds it.
  static Result<std::unique_ptr<HttpStreamReader>> Open(const HttpRequest& req,
                                                        HttpResponse* error_response);
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t raw_offset() const override { return delivered_; }
  long status() const { return status_; }
  const HeaderList& headers() const { return headers_; }

 private:
  HttpStreamReader() = default;
  Status Pump();  // drives the transfer until data arrives or it ends

  struct Handles;
  std::unique_ptr<Handles> h_;
  std::string buf_;
  size_t buf_pos_ = 0;
  bool done_ = false;
  bool headers_done_ = false;
  Status transfer_status_;
  long status_ = 0;
  HeaderList headers_;
  uint64_t delivered_ = 0;
  friend size_t StreamWrite(char*, size_t, size_t, void*);
  friend size_t StreamHeader(char*, size_t, size_t, void*);
};

}  // namespace fastpath::aws
