#include "decode/envelope_decoder.h"

#include <cmath>
#include <cstring>

#include "core/json_get.h"
#include "decode/archive_reader.h"

namespace fastpath {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

DropReason ReasonForJsonError(simdjson::error_code err) {
  switch (err) {
    case simdjson::UTF8_ERROR:
      return DropReason::kInvalidUtf8;
    case simdjson::DEPTH_ERROR:
      return DropReason::kTooDeep;
    case simdjson::CAPACITY:
      return DropReason::kTooLarge;
    default:
      return DropReason::kInvalidJson;
  }
}

bool LooksLikeRegion(std::string_view s) {
  // us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1
  if (s.size() < 9 || s.size() > 25) return false;
  if (s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z' || s[2] != '-') return false;
  if (s.back() < '0' || s.back() > '9') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool LooksLikeAccount(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view StringOr(element el, std::string_view fallback = {}) {
  std::string_view v;
  if (el.get_string().get(v) == simdjson::SUCCESS) return v;
  return fallback;
}

std::string_view StringOr(simdjson::simdjson_result<element> r, std::string_view fallback = {}) {
  std::string_view v;
  if (r.get_string().get(v) == simdjson::SUCCESS) return v;
  return fallback;
}

// A field that may be absent. (A default dom::element must not be inspected.)
struct Slot {
  element v;
  bool set = false;
  void operator=(element e) {
    v = e;
    set = true;
  }
  bool present() const { return set; }
  bool is_string() const { return set && v.is_string(); }
  bool is_object() const { return set && v.is_object(); }
  bool is_array() const { return set && v.is_array(); }
  std::string_view str() const { return set ? StringOr(v) : std::string_view(); }
  simdjson::dom::array arr() const {
    simdjson::dom::array a;
    if (set && v.get_array().get(a) == simdjson::SUCCESS) return a;
    return {};
  }
  simdjson::simdjson_result<element> operator[](std::string_view key) const { return v[key]; }
};

// Epoch milliseconds given as a JSON number or a numeric string (SQS SentTimestamp).
bool EpochMs(element el, TimeNs* out) {
  int64_t i;
  double d;
  std::string_view s;
  if (el.get_int64().get(i) == simdjson::SUCCESS) {
    auto t = EpochMillisToNs(i);
    if (!t) return false;
    *out = *t;
    return true;
  }
  if (el.get_double().get(d) == simdjson::SUCCESS) {
    auto t = EpochMillisToNs(d);
    if (!t) return false;
    *out = *t;
    return true;
  }
  if (el.get_string().get(s) == simdjson::SUCCESS && !s.empty() && s.size() < 19) {
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    auto t = EpochMillisToNs(v);
    if (!t) return false;
    *out = *t;
    return true;
  }
  return false;
}

}  // namespace

namespace {

bool AllDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// S3 server access logs with date-based partitioning (S3's layout since 2023):
// [prefix]<SourceAccountId>/<SourceRegion>/<SourceBucket>/<YYYY>/<MM>/<DD>/<object>.
void HintsFromPartitionedAccessLogKey(std::string_view key, std::string* account,
                                      std::string* region) {
  std::string_view seg[7];
  size_t n = 0;
  size_t start = 0;
  while (start <= key.size()) {
    size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) slash = key.size();
    if (n == 7) {
      for (int i = 0; i < 6; ++i) seg[i] = seg[i + 1];
      n = 6;
    }
    seg[n++] = key.substr(start, slash - start);
    if (n == 7 && LooksLikeAccount(seg[0]) && LooksLikeRegion(seg[1]) && !seg[2].empty() &&
        AllDigits(seg[3], 4) && AllDigits(seg[4], 2) && AllDigits(seg[5], 2)) {
      *account = std::string(seg[0]);
      *region = std::string(seg[1]);
      return;
    }
    start = slash + 1;
  }
}

}  // namespace

void HintsFromS3Key(std::string_view key, std::string* account, std::string* region) {
  const size_t at = key.find("AWSLogs/");
  if (at == std::string_view::npos) {
    HintsFromPartitionedAccessLogKey(key, account, region);
    return;
  }
  std::string_view rest = key.substr(at + 8);
  auto next = [&rest]() {
    const size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    return seg;
  };
  std::string_view seg = next();
  if (seg.substr(0, 2) == "o-") seg = next();  // organization trail: AWSLogs/o-xxx/<account>/...
  if (!LooksLikeAccount(seg)) return;
  *account = std::string(seg);
  // Service: CloudTrail, CloudTrail-Digest, vpcflowlogs, elasticloadbalancing, GuardDuty,
  // Config, WAFLogs, ... then the region; Network Firewall puts its log type first
  // (network-firewall/alert/<region>/...). vpcdnsquerylogs/<vpc-id>/ names no region.
  const std::string_view service = next();
  if (service == "network-firewall") next();
  std::string_view reg = next();
  if (LooksLikeRegion(reg)) *region = std::string(reg);
}

void HintsFromArn(std::string_view arn, std::string* account, std::string* region) {
  if (!arn.starts_with("arn:")) return;
  std::string_view part[5];
  size_t pos = 0;
  for (std::string_view& p : part) {
    const size_t c = arn.find(':', pos);
    if (c == std::string_view::npos) return;
    p = arn.substr(pos, c - pos);
    pos = c + 1;
  }
  if (account->empty()) account->assign(part[4]);
  if (region->empty()) region->assign(part[3]);
}

EnvelopeDecoder::EnvelopeDecoder(Limits limits, PipelineCounters* counters, ErrorLog* errors)
    : limits_(limits), counters_(counters), errors_(errors) {}

simdjson::dom::parser& EnvelopeDecoder::ParserAt(int depth) {
  while (static_cast<int>(parsers_.size()) <= depth) {
    parsers_.push_back(std::make_unique<simdjson::dom::parser>(limits_.max_document_bytes));
  }
  return *parsers_[depth];
}

void EnvelopeDecoder::Problem(DropReason reason, const RecordContext& ctx, std::string_view what) {
  counters_->Drop(reason);
  errors_->Report(reason, ctx.source, ctx.offset, what);
}

void EnvelopeDecoder::DecodeStream(std::unique_ptr<ByteReader> reader, const RecordContext& ctx,
                                   RecordSink* sink) {
  DecodeStreamWith(std::move(reader), ctx, sink, &compressed_buf_, &inflated_buf_);
}

void EnvelopeDecoder::DecodeStreamWith(std::unique_ptr<ByteReader> reader, const RecordContext& ctx,
                                       RecordSink* sink, std::string* head_buf,
                                       std::string* inflated_buf) {
  // Nearly every object AWS writes is small: read it whole and inflate it with libdeflate. A large
  // one streams through zlib in bounded memory, as does a small one libdeflate refuses (so a
  // truncated or corrupt stream is reported precisely and what precedes the damage is kept).
  constexpr size_t kWholeObjectLimit = 32u << 20;
  std::string& head = *head_buf;  // reused from input to input: no fresh pages each time
  RecordContext input = ctx;
  input.offset = ErrorLog::kWholeInput;
  auto whole = ReadAllUpTo(reader.get(), kWholeObjectLimit, &head);
  if (!whole.ok()) {
    Problem(DropReason::kUnreadable, input, whole.status().message());
    PipelineCounters::Add(counters_->stage(Stage::kDecode).records_in, 1);
    return;
  }
  if (whole.value() && SniffCompression(head) == Compression::kGzip) {
    std::string& inflated = *inflated_buf;
    if (InflateGzipWhole(head, limits_.max_document_bytes * 4, &inflated)) {
      if (!ArchiveReader::Kind(inflated).empty()) {     // a .tar.gz
        const std::string bytes = std::move(inflated);  // the members reuse no buffer of ours
        DecodeArchive(ArchiveReader::OpenMemory(bytes), ctx, sink);
        return;
      }
      MemoryReader plain(inflated);
      DecodeDocuments(&plain, ctx, sink, /*top=*/true, head.size());
      // Keep the buffer for the next input unless an unusually large object grew it.
      if (inflated.capacity() > (64u << 20)) std::string().swap(inflated);
      return;
    }
  }
  if (whole.value() && !ArchiveReader::Kind(head).empty()) {
    const std::string bytes = std::move(head);
    DecodeArchive(ArchiveReader::OpenMemory(bytes), ctx, sink);
    return;
  }
  const uint64_t raw_size = whole.value() ? head.size() : 0;
  std::unique_ptr<ByteReader> rest;
  if (whole.value()) {
    rest = std::make_unique<MemoryReader>(head);  // views `head`, which outlives it here
  } else {
    rest = std::make_unique<ConcatReader>(head, std::move(reader));
  }
  auto opened = OpenMaybeCompressed(std::move(rest));
  if (!opened.ok()) {
    Problem(DropReason::kUnreadable, input, opened.status().message());
    return;
  }
  // An archive too large to hold, or inside a compressed stream: its first bytes tell.
  std::string peek(512, '\0');
  size_t got = 0;
  while (got < peek.size()) {
    auto n = opened.value()->Read(peek.data() + got, peek.size() - got);
    if (!n.ok() || n.value() == 0) break;  // a read error comes again to the splitter
    got += n.value();
  }
  peek.resize(got);
  const bool archive = !ArchiveReader::Kind(peek).empty();
  auto stream = std::make_unique<ConcatReader>(std::move(peek), std::move(opened.value()),
                                               ConcatReader::Prefix::kDecoded);
  if (archive) {
    DecodeArchive(ArchiveReader::Open(std::move(stream)), ctx, sink);
    return;
  }
  DecodeDocuments(stream.get(), ctx, sink, /*top=*/true, raw_size);
}

namespace {

// A ByteReader over one the caller keeps (an archive's current member).
class BorrowedReader final : public ByteReader {
 public:
  explicit BorrowedReader(ByteReader* r) : r_(r) {}
  Result<size_t> Read(char* buf, size_t n) override { return r_->Read(buf, n); }
  uint64_t raw_offset() const override { return r_->raw_offset(); }

 private:
  ByteReader* r_;
};

}  // namespace

void EnvelopeDecoder::DecodeArchive(Result<std::unique_ptr<ArchiveReader>> opened,
                                    const RecordContext& ctx, RecordSink* sink) {
  RecordContext input = ctx;
  input.offset = ErrorLog::kWholeInput;
  if (!opened.ok()) {
    Problem(DropReason::kUnreadable, input, opened.status().message());
    PipelineCounters::Add(counters_->stage(Stage::kDecode).records_in, 1);
    return;
  }
  if (archive_depth_ >= kMaxArchiveDepth) {
    Problem(DropReason::kEnvelopeTooDeep, input,
            "archives nested deeper than " + std::to_string(kMaxArchiveDepth));
    PipelineCounters::Add(counters_->stage(Stage::kDecode).records_in, 1);
    return;
  }
  ArchiveReader& ar = *opened.value();
  ++archive_depth_;
  // Each member is an input of its own, named "<archive>!/<member>"; its buffers are this call's
  // (the decoder's own may hold the archive being read).
  std::string head;
  std::string inflated;
  uint64_t members = 0;
  for (;;) {
    auto next = ar.Next();
    if (!next.ok()) {
      Problem(DropReason::kUnreadable, input,
              next.status().message() + " (after " + std::to_string(members) + " members)");
      break;
    }
    if (!next.value()) break;
    ++members;
    std::string_view member = ar.name();
    while (member.starts_with("./")) member.remove_prefix(2);
    const std::string name = std::string(ctx.source) + "!/" + std::string(member);
    RecordContext mc = ctx;
    mc.source = name;
    mc.offset = 0;
    std::string account;
    std::string region;
    HintsFromS3Key(member, &account, &region);
    if (!account.empty()) mc.account_hint = account;
    if (!region.empty()) mc.region_hint = region;
    DecodeStreamWith(std::make_unique<BorrowedReader>(ar.member()), mc, sink, &head, &inflated);
  }
  --archive_depth_;
  if (members == 0) {
    Problem(DropReason::kEmptyInput, input, "archive holds no files");
    PipelineCounters::Add(counters_->stage(Stage::kDecode).records_in, 1);
  }
}

bool EnvelopeDecoder::RejectBinary(std::string_view head, const RecordContext& ctx, bool top) {
  const char* kind = nullptr;
  if (!ArchiveReader::Kind(head).empty()) {  // inside an envelope (archives are read as inputs)
    kind = "an archive";
  } else if (head.substr(0, 3) == "BZh") {
    kind = "bzip2 data";
  } else if (head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) {
    kind = "zstd data";
  } else if (head.find('\0') != std::string_view::npos) {
    kind = "binary data";
  }
  if (kind == nullptr) return false;
  RecordContext at = ctx;
  if (top) at.offset = ErrorLog::kWholeInput;  // the input as a whole, not a place in it
  Problem(DropReason::kUnsupportedFormat, at,
          std::string(top ? "input is " : "embedded payload is ") + kind +
              ", not a format fastpath reads; skipped whole");
  return true;
}

void EnvelopeDecoder::DecodeBytes(std::string_view bytes, const RecordContext& ctx,
                                  RecordSink* sink) {
  if (ctx.depth > limits_.max_envelope_depth) {
    Problem(DropReason::kEnvelopeTooDeep, ctx,
            "envelopes nested deeper than " + std::to_string(limits_.max_envelope_depth));
    return;
  }
  std::string inflated;
  if (SniffCompression(bytes) != Compression::kNone) {
    auto r = InflateBuffer(bytes, limits_.max_document_bytes);
    if (!r.ok()) {
      const DropReason reason = r.status().code() == Status::Code::kTooLarge ? DropReason::kTooLarge
                                : r.status().code() == Status::Code::kTruncated
                                    ? DropReason::kTruncatedGzip
                                    : DropReason::kCorruptGzip;
      Problem(reason, ctx, "embedded payload: " + r.status().message());
      return;
    }
    inflated = std::move(r.value());
    bytes = inflated;
  }
  MemoryReader reader(bytes);
  DecodeDocuments(&reader, ctx, sink, /*top=*/false, 0);
}

void EnvelopeDecoder::DecodeDocuments(ByteReader* reader, const RecordContext& ctx,
                                      RecordSink* sink, bool top, uint64_t raw_size) {
  DocumentSplitter::Options opts;
  opts.max_document_bytes = limits_.max_document_bytes;
  if (!top) opts.read_chunk = 64 * 1024;
  while (static_cast<int>(split_buffers_.size()) <= ctx.depth) split_buffers_.emplace_back();
  DocumentSplitter splitter(reader, opts, &split_buffers_[ctx.depth]);
  if (RejectBinary(splitter.Peek(4096), ctx, top)) {
    if (top) PipelineCounters::Add(counters_->stage(Stage::kDecode).records_in, 1);
    return;
  }
  Document doc;
  SplitProblem problem;
  for (;;) {
    const DocumentSplitter::Step step = splitter.Next(&doc, &problem);
    if (step == DocumentSplitter::Step::kEnd) break;
    if (step == DocumentSplitter::Step::kProblem) {
      RecordContext at = ctx;
      if (top) at.offset = problem.offset;
      Problem(problem.reason, at, problem.what);
      continue;
    }
    RecordContext at = ctx;
    if (top) at.offset = doc.offset;
    HandleDocument(doc, at, sink);
  }
  StageCounter& dec = counters_->stage(Stage::kDecode);
  if (top) {
    // Records out: what reached the parser (envelopes and the documents nested in them are not
    // records), so decode's records_out is parse's records_in.
    PipelineCounters::Add(dec.records_out, records_out_);
    records_out_ = 0;
    PipelineCounters::Add(dec.records_in, 1);
    PipelineCounters::Add(dec.bytes_in, raw_size != 0 ? raw_size : reader->raw_offset());
    PipelineCounters::Add(dec.bytes_out, splitter.bytes_read());
    if (!splitter.saw_content()) {
      Problem(DropReason::kEmptyInput, ctx, "input is empty");
    }
  }
}

void EnvelopeDecoder::HandleDocument(const Document& doc, const RecordContext& ctx,
                                     RecordSink* sink) {
  if (doc.kind == Document::Kind::kTextLine) {
    ++records_out_;  // a record handed to the parser
    sink->OnTextLine(doc.bytes, ctx);
    return;
  }
  simdjson::dom::parser& parser = ParserAt(ctx.depth);
  element root;
  const simdjson::error_code err =
      parser.parse(doc.bytes.data(), doc.bytes.size(), /*realloc_if_needed=*/false).get(root);
  if (err != simdjson::SUCCESS) {
    const DropReason reason = ReasonForJsonError(err);
    std::string what = doc.in_records ? "Records element: " : "";
    what += reason == DropReason::kInvalidUtf8 ? "invalid UTF-8: "
            : reason == DropReason::kTooDeep   ? "nesting too deep: "
                                               : "invalid JSON: ";
    what += simdjson::error_message(err);
    Problem(reason, ctx, what);
    return;
  }
  Route(root, doc.bytes, doc.in_records, ctx, sink);
}

void EnvelopeDecoder::DecodeEmbeddedJson(std::string_view text, const RecordContext& ctx,
                                         RecordSink* sink) {
  RecordContext inner = ctx;
  inner.depth = ctx.depth + 1;
  DecodeBytes(text, inner, sink);
}

void EnvelopeDecoder::DecodeBase64Payload(std::string_view b64, const RecordContext& ctx,
                                          RecordSink* sink) {
  auto bytes = Base64Decode(b64);
  if (!bytes.ok()) {
    Problem(DropReason::kBadBase64, ctx, bytes.status().message());
    return;
  }
  RecordContext inner = ctx;
  inner.depth = ctx.depth + 1;
  DecodeBytes(bytes.value(), inner, sink);
}

// What one pass over a document's top-level keys found: the values an envelope is recognised by.
struct EnvelopeDecoder::Shape {
  element el;
  std::string_view raw;
  bool in_records = false;
  object obj;
  Slot event_version, event_source, detail_type, detail, message_type, log_events, awslogs,
      records_lc, records_uc, request_id, invocation_id, timestamp_ms, type, message, sns, body,
      kinesis, s3, s3_event, digest_object, lookup_events, eb_source, eb_account, eb_region,
      sns_timestamp, attributes, api_log_events;
  std::string_view source_name;  // eventSource / EventSource
  bool lambda_record = false;    // eventSource "aws:...": an element of a Lambda event's Records
  bool may_nest = false;         // an envelope found here may hold another (depth limit)
};

namespace {

void ScanKeys(object obj, EnvelopeDecoder::Shape* shape) {
  EnvelopeDecoder::Shape& k = *shape;
  for (auto field : obj) {
    const std::string_view key = field.key;
    switch (key.size()) {
      case 2:
        if (key == "s3") k.s3 = field.value;
        break;
      case 3:
        if (key == "Sns") k.sns = field.value;
        break;
      case 4:
        if (key == "body")
          k.body = field.value;
        else if (key == "Type")
          k.type = field.value;
        break;
      case 5:
        if (key == "Event") k.s3_event = field.value;
        break;
      case 6:
        if (key == "detail")
          k.detail = field.value;
        else if (key == "source")
          k.eb_source = field.value;
        else if (key == "region")
          k.eb_region = field.value;
        else if (key == "Events")
          k.lookup_events = field.value;
        else if (key == "events")
          k.api_log_events = field.value;
        break;
      case 7:
        if (key == "records")
          k.records_lc = field.value;
        else if (key == "Records")
          k.records_uc = field.value;
        else if (key == "awslogs")
          k.awslogs = field.value;
        else if (key == "kinesis")
          k.kinesis = field.value;
        else if (key == "Message")
          k.message = field.value;
        else if (key == "account")
          k.eb_account = field.value;
        break;
      case 9:
        if (key == "logEvents")
          k.log_events = field.value;
        else if (key == "requestId")
          k.request_id = field.value;
        else if (key == "timestamp")
          k.timestamp_ms = field.value;
        else if (key == "Timestamp")
          k.sns_timestamp = field.value;
        break;
      case 10:
        if (key == "attributes") k.attributes = field.value;
        break;
      case 11:
        if (key == "detail-type")
          k.detail_type = field.value;
        else if (key == "messageType")
          k.message_type = field.value;
        else if (key == "eventSource" || key == "EventSource")
          k.event_source = field.value;
        break;
      case 12:
        if (key == "eventVersion" || key == "EventVersion")
          k.event_version = field.value;
        else if (key == "invocationId")
          k.invocation_id = field.value;
        break;
      case 14:
        if (key == "digestS3Object") k.digest_object = field.value;
        break;
      default:
        break;
    }
  }
  k.source_name = k.event_source.str();
  k.lambda_record = k.source_name.substr(0, 4) == "aws:";
}

using Shape = EnvelopeDecoder::Shape;

// ---- Recognisers, tried in the order of the table below ------------------------------------

bool IsCloudTrailRecord(const Shape& k) {
  return k.event_version.is_string() && !k.lambda_record;
}
bool IsEventBridgeEvent(const Shape& k) {
  return k.detail_type.is_string() && k.eb_source.is_string() && k.detail.present();
}
bool IsCloudWatchLogsMessage(const Shape& k) {
  return k.message_type.is_string() &&
         (k.log_events.is_array() || k.message_type.str() == "CONTROL_MESSAGE");
}
bool IsLambdaAwslogsEvent(const Shape& k) {
  return k.awslogs.is_object();
}
bool IsFirehoseRequest(const Shape& k) {
  return k.records_lc.is_array() && (k.request_id.is_string() || k.invocation_id.is_string());
}
bool IsRecordsArray(const Shape& k) {
  return k.records_uc.is_array();
}
bool IsLambdaRecord(const Shape& k) {
  return k.lambda_record &&
         (k.source_name == "aws:s3" || (k.source_name == "aws:sns" && k.sns.is_object()) ||
          (k.source_name == "aws:sqs" && k.body.is_string()) ||
          (k.source_name == "aws:kinesis" && k.kinesis.is_object()));
}
bool IsSnsNotification(const Shape& k) {
  return k.type.str() == "Notification" &&
         (k.message.is_string() || (k.message.is_object() && k.may_nest));
}
bool IsS3TestEvent(const Shape& k) {
  return k.s3_event.str() == "s3:TestEvent";
}
bool IsLookupEventsOutput(const Shape& k) {
  return k.lookup_events.is_array();
}
// `aws logs filter-log-events` / `get-log-events` output:
// {"events":[{"message":..,"timestamp":..}]}.
bool IsLogEventsApiOutput(const Shape& k) {
  if (!k.api_log_events.is_array()) return false;
  for (element e : k.api_log_events.arr()) {  // the first element decides
    return e["message"].is_string() && e["timestamp"].error() == simdjson::SUCCESS;
  }
  return false;
}

}  // namespace

// Every envelope, in the order it is tried: the first whose recogniser says yes unwraps the
// document; a document none claims is a native record. CloudTrail records come first: they are
// most of what AWS delivers.
const EnvelopeDecoder::Envelope EnvelopeDecoder::kEnvelopes[] = {
    {"CloudTrail record", IsCloudTrailRecord, &EnvelopeDecoder::EmitCloudTrail},
    {"EventBridge event", IsEventBridgeEvent, &EnvelopeDecoder::UnwrapEventBridge},
    {"CloudWatch Logs subscription message", IsCloudWatchLogsMessage,
     &EnvelopeDecoder::UnwrapCloudWatchLogs},
    {"Lambda CloudWatch Logs event", IsLambdaAwslogsEvent, &EnvelopeDecoder::UnwrapAwslogs},
    {"Firehose HTTP endpoint request", IsFirehoseRequest, &EnvelopeDecoder::UnwrapFirehose},
    {"{\"Records\":[...]}", IsRecordsArray, &EnvelopeDecoder::UnwrapRecordsArray},
    {"Lambda S3/SNS/SQS/Kinesis record", IsLambdaRecord, &EnvelopeDecoder::UnwrapLambdaRecord},
    {"SNS notification", IsSnsNotification, &EnvelopeDecoder::UnwrapSnsNotification},
    {"s3:TestEvent", IsS3TestEvent, &EnvelopeDecoder::DropS3TestEvent},
    {"CloudTrail LookupEvents output", IsLookupEventsOutput, &EnvelopeDecoder::UnwrapLookupEvents},
    {"CloudWatch Logs FilterLogEvents/GetLogEvents output", IsLogEventsApiOutput,
     &EnvelopeDecoder::UnwrapLogEventsApiOutput},
};

void EnvelopeDecoder::Route(element el, std::string_view raw, bool in_records,
                            const RecordContext& ctx, RecordSink* sink) {
  object obj;
  if (el.get_object().get(obj) != simdjson::SUCCESS) {
    if (ctx.depth > 0 && el.is_string()) {  // a JSON string holding a record (double-encoded)
      DecodeEmbeddedJson(StringOr(el), ctx, sink);
      return;
    }
    Problem(DropReason::kNotAnObject, ctx,
            in_records ? "Records element is not an object" : "record is not a JSON object");
    return;
  }
  Shape k;
  k.el = el;
  k.raw = raw;
  k.in_records = in_records;
  k.obj = obj;
  k.may_nest = ctx.depth < limits_.max_envelope_depth;
  ScanKeys(obj, &k);
  for (const Envelope& e : kEnvelopes) {
    if (e.recognise(k)) {
      (this->*e.unwrap)(k, ctx, sink);
      return;
    }
  }
  // No envelope: a native record (a digest file's path is S3's).
  RecordContext rc = ctx;
  if (k.digest_object.present() && rc.path == DeliveryPath::kFile) rc.path = DeliveryPath::kS3;
  ++records_out_;  // a record handed to the parser
  sink->OnJsonRecord(el, raw, /*cloudtrail=*/false, rc);
}

// ---- Unwrapping ----------------------------------------------------------------------------

// The hot path: a CloudTrail record, most often an element of a log file's Records array.
void EnvelopeDecoder::EmitCloudTrail(const Shape& k, const RecordContext& ctx, RecordSink* sink) {
  RecordContext rc = ctx;
  if (k.in_records && ctx.path == DeliveryPath::kFile) rc.path = DeliveryPath::kS3;
  ++records_out_;  // a record handed to the parser
  sink->OnJsonRecord(k.el, k.raw, /*cloudtrail=*/true, rc);
}

void EnvelopeDecoder::UnwrapEventBridge(const Shape& k, const RecordContext& ctx,
                                        RecordSink* sink) {
  RecordContext rc = ctx;
  rc.path = DeliveryPath::kEventBridge;
  if (k.eb_account.is_string()) rc.account_hint = std::string(k.eb_account.str());
  if (k.eb_region.is_string()) rc.region_hint = std::string(k.eb_region.str());
  const std::string_view dt = k.detail_type.str();
  constexpr std::string_view kViaCloudTrail = "via CloudTrail";
  if (dt.size() > kViaCloudTrail.size() &&
      dt.substr(dt.size() - kViaCloudTrail.size()) == kViaCloudTrail && k.detail.is_object()) {
    ++records_out_;  // a record handed to the parser
    sink->OnJsonRecord(k.detail.v, {}, /*cloudtrail=*/false, rc);
  } else {
    ++records_out_;  // a record handed to the parser
    sink->OnJsonRecord(k.el, k.raw, /*cloudtrail=*/false, rc);
  }
}

// A CloudWatch Logs subscription message (already decompressed).
void EnvelopeDecoder::UnwrapCloudWatchLogs(const Shape& k, const RecordContext& ctx,
                                           RecordSink* sink) {
  const std::string_view mt = k.message_type.str();
  if (mt == "CONTROL_MESSAGE") {
    counters_->Drop(DropReason::kControlMessage);
    return;
  }
  if (mt != "DATA_MESSAGE") {
    Problem(DropReason::kMissingField, ctx,
            "CloudWatch Logs message with unknown messageType '" + std::string(mt) + "'");
    return;
  }
  RecordContext rc = ctx;
  rc.path = DeliveryPath::kCloudWatchLogs;
  const std::string_view owner = StringOr(k.obj["owner"]);
  if (LooksLikeAccount(owner)) rc.account_hint = std::string(owner);
  // CloudTrail names its streams "<account>_CloudTrail_<region>".
  const std::string_view stream = StringOr(k.obj["logStream"]);
  rc.log_group = StringOr(k.obj["logGroup"]);
  rc.log_stream = stream;
  const size_t us = stream.rfind('_');
  if (us != std::string_view::npos && LooksLikeRegion(stream.substr(us + 1))) {
    rc.region_hint = std::string(stream.substr(us + 1));
  }
  size_t i = 0;
  for (element le : k.log_events.arr()) {
    std::string_view text;
    int64_t ts = -1;
    rc.log_timestamp_ms = JsonGet(le["timestamp"].get_int64(), ts) ? ts : -1;
    if (le["message"].get_string().get(text) != simdjson::SUCCESS) {
      Problem(DropReason::kMissingField, ctx,
              "CloudWatch Logs logEvents[" + std::to_string(i) + "] has no string message");
    } else {
      DecodeLogMessage(text, rc, sink);
    }
    ++i;
  }
}

// Lambda's CloudWatch Logs event: {"awslogs":{"data":"<base64 gzip>"}}.
void EnvelopeDecoder::UnwrapAwslogs(const Shape& k, const RecordContext& ctx, RecordSink* sink) {
  std::string_view data;
  if (k.awslogs["data"].get_string().get(data) == simdjson::SUCCESS) {
    DecodeBase64Payload(data, ctx, sink);
  } else {
    Problem(DropReason::kMissingField, ctx, "awslogs object without a data string");
  }
}

// A Firehose HTTP endpoint request, or a Firehose transformation event.
void EnvelopeDecoder::UnwrapFirehose(const Shape& k, const RecordContext& ctx, RecordSink* sink) {
  RecordContext rc = ctx;
  if (rc.path == DeliveryPath::kFile) rc.path = DeliveryPath::kFirehose;
  TimeNs t;
  if (!ctx.received_fixed && k.timestamp_ms.present() && EpochMs(k.timestamp_ms.v, &t))
    rc.received = t;
  size_t i = 0;
  for (element r : k.records_lc.arr()) {
    std::string_view data;
    if (r["data"].get_string().get(data) != simdjson::SUCCESS) {
      Problem(DropReason::kMissingField, ctx,
              "Firehose records[" + std::to_string(i) + "] has no base64 data string");
    } else {
      DecodeBase64Payload(data, rc, sink);
    }
    ++i;
  }
}

// {"Records":[...]} parsed whole (small, or inside another envelope).
void EnvelopeDecoder::UnwrapRecordsArray(const Shape& k, const RecordContext& ctx,
                                         RecordSink* sink) {
  for (element r : k.records_uc.arr()) Route(r, {}, /*in_records=*/true, ctx, sink);
}

// Lambda-style records (elements of Records): S3 notifications are counted (the S3 sources
// fetch the objects), SNS, SQS and Kinesis payloads are decoded.
void EnvelopeDecoder::UnwrapLambdaRecord(const Shape& k, const RecordContext& ctx,
                                         RecordSink* sink) {
  if (k.source_name == "aws:s3") {
    counters_->Drop(DropReason::kS3Notification);
    return;
  }
  RecordContext rc = ctx;
  if (k.source_name == "aws:sns") {
    std::string_view ts;
    if (!ctx.received_fixed && k.sns["Timestamp"].get_string().get(ts) == simdjson::SUCCESS) {
      if (auto p = ParseRfc3339(ts)) rc.received = *p;
    }
    std::string_view m;
    if (k.sns["Message"].get_string().get(m) == simdjson::SUCCESS) {
      DecodeEmbeddedJson(m, rc, sink);
    } else {
      Problem(DropReason::kMissingField, ctx, "SNS record without a Message string");
    }
    return;
  }
  if (k.source_name == "aws:sqs") {
    TimeNs t;
    element sent;
    if (!ctx.received_fixed && k.attributes.is_object() &&
        k.attributes.v["SentTimestamp"].get(sent) == simdjson::SUCCESS && EpochMs(sent, &t)) {
      rc.received = t;
    }
    DecodeEmbeddedJson(k.body.str(), rc, sink);
    return;
  }
  // aws:kinesis
  double arrival;
  if (!ctx.received_fixed &&
      k.kinesis["approximateArrivalTimestamp"].get_double().get(arrival) == simdjson::SUCCESS) {
    if (auto t = EpochSecondsToNs(arrival)) rc.received = *t;
  }
  std::string_view data;
  rc.kinesis_sequence = StringOr(k.kinesis["sequenceNumber"]);
  if (k.kinesis["data"].get_string().get(data) == simdjson::SUCCESS) {
    DecodeBase64Payload(data, rc, sink);
  } else {
    Problem(DropReason::kMissingField, ctx, "Kinesis record without a data string");
  }
}

// An SNS notification as delivered to SQS or HTTP; the message is JSON text, or an object (how
// AWS's documentation shows Config's).
void EnvelopeDecoder::UnwrapSnsNotification(const Shape& k, const RecordContext& ctx,
                                            RecordSink* sink) {
  RecordContext rc = ctx;
  if (k.message.is_string()) {
    if (!ctx.received_fixed && k.sns_timestamp.is_string()) {
      if (auto p = ParseRfc3339(k.sns_timestamp.str())) rc.received = *p;
    }
    DecodeEmbeddedJson(k.message.str(), rc, sink);
    return;
  }
  ++rc.depth;
  Route(k.message.v, {}, /*in_records=*/false, rc, sink);
}

void EnvelopeDecoder::DropS3TestEvent(const Shape&, const RecordContext&, RecordSink*) {
  counters_->Drop(DropReason::kS3TestEvent);
}

// CloudTrail LookupEvents output: {"Events":[{"CloudTrailEvent":"<json>"}]} (management events)
// or {"Events":[<record>]} (Insights events).
void EnvelopeDecoder::UnwrapLookupEvents(const Shape& k, const RecordContext& ctx,
                                         RecordSink* sink) {
  for (element e : k.lookup_events.arr()) {
    std::string_view ct;
    if (e["CloudTrailEvent"].get_string().get(ct) == simdjson::SUCCESS) {
      DecodeEmbeddedJson(ct, ctx, sink);
    } else {
      Route(e, {}, /*in_records=*/false, ctx, sink);
    }
  }
}

// One log event's message: a JSON record is decoded (it may be an envelope itself), anything else
// is a text line for the text formats.
void EnvelopeDecoder::DecodeLogMessage(std::string_view text, const RecordContext& rc,
                                       RecordSink* sink) {
  size_t p = 0;
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  if (p < text.size() && text[p] == '{') {
    DecodeEmbeddedJson(text, rc, sink);
  } else {
    ++records_out_;  // a record handed to the parser
    sink->OnTextLine(text, rc);
  }
}

// The log events an incident responder exported with `aws logs filter-log-events` (each names its
// logStreamName) or `get-log-events`: each message is a record of the log group, as a
// subscription would have delivered it (JSON records decoded, text lines parsed by format).
void EnvelopeDecoder::UnwrapLogEventsApiOutput(const Shape& k, const RecordContext& ctx,
                                               RecordSink* sink) {
  RecordContext rc = ctx;
  rc.path = DeliveryPath::kCloudWatchLogs;
  size_t i = 0;
  for (element le : k.api_log_events.arr()) {
    std::string_view text;
    int64_t ts = -1;
    rc.log_timestamp_ms = JsonGet(le["timestamp"].get_int64(), ts) ? ts : -1;
    rc.log_stream = StringOr(le["logStreamName"]);
    if (le["message"].get_string().get(text) != simdjson::SUCCESS) {
      Problem(DropReason::kMissingField, ctx,
              "log events[" + std::to_string(i) + "] has no string message");
    } else {
      DecodeLogMessage(text, rc, sink);
    }
    ++i;
  }
}

}  // namespace fastpath
