#include "decode/kpl_aggregation.h"

#include <cstring>

#include <openssl/evp.h>

namespace fastpath {
namespace {

constexpr unsigned char kMagic[4] = {0xF3, 0x89, 0x9A, 0xC2};

std::string Md5(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

// Protobuf wire format reader: just what the two messages need.
class Wire {
 public:
  explicit Wire(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= s_.size()) return false;
      const uint8_t b = static_cast<uint8_t>(s_[pos_++]);
      *v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Bytes(std::string_view* out) {
    uint64_t n;
    if (!Varint(&n) || n > s_.size() - pos_) return false;
    *out = s_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // Skips a field of the given wire type.
  bool Skip(uint64_t wire_type) {
    uint64_t v;
    std::string_view b;
    switch (wire_type) {
      case 0:
        return Varint(&v);
      case 1:
        if (s_.size() - pos_ < 8) return false;
        pos_ += 8;
        return true;
      case 2:
        return Bytes(&b);
      case 5:
        if (s_.size() - pos_ < 4) return false;
        pos_ += 4;
        return true;
      default:
        return false;
    }
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutBytes(std::string* out, int field, std::string_view b) {
  PutVarint(out, (static_cast<uint64_t>(field) << 3) | 2);
  PutVarint(out, b.size());
  out->append(b);
}

std::string HashKeyText(HashKey v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return std::string(s.rbegin(), s.rend());
}

}  // namespace

bool HasKplMagic(std::string_view data) {
  return data.size() >= 4 && std::memcmp(data.data(), kMagic, 4) == 0;
}

HashKey PartitionKeyHash(std::string_view partition_key) {
  const std::string md = Md5(partition_key);
  HashKey v = 0;
  for (unsigned char c : md) v = (v << 8) | c;
  return v;
}

std::optional<HashKey> ParseHashKey(std::string_view decimal) {
  if (decimal.empty() || decimal.size() > 39) return std::nullopt;
  HashKey v = 0;
  for (char c : decimal) {
    if (c < '0' || c > '9') return std::nullopt;
    const HashKey next = v * 10 + static_cast<unsigned>(c - '0');
    if (next / 10 != v) return std::nullopt;  // overflow
    v = next;
  }
  return v;
}

Result<std::vector<UserRecord>> Deaggregate(std::string_view data, std::string_view partition_key) {
  std::vector<UserRecord> out;
  auto plain = [&] {
    UserRecord r;
    r.partition_key = std::string(partition_key);
    r.data = std::string(data);
    r.hash_key = PartitionKeyHash(partition_key);
    out.push_back(std::move(r));
    return out;
  };
  if (!HasKplMagic(data) || data.size() <= 4 + 16) return plain();
  const std::string_view body = data.substr(4, data.size() - 4 - 16);
  if (Md5(body) != data.substr(data.size() - 16)) return plain();

  std::vector<std::string_view> pk_table, ehk_table;
  std::vector<std::string_view> records;
  Wire w(body);
  while (!w.done()) {
    uint64_t tag;
    if (!w.Varint(&tag)) return Status::Corrupt("KPL aggregate: bad field tag");
    const uint64_t field = tag >> 3, type = tag & 7;
    std::string_view b;
    if ((field >= 1 && field <= 3) && type == 2) {
      if (!w.Bytes(&b)) return Status::Corrupt("KPL aggregate: field runs past the end");
      (field == 1 ? pk_table : field == 2 ? ehk_table : records).push_back(b);
    } else if (!w.Skip(type)) {
      return Status::Corrupt("KPL aggregate: unknown wire type " + std::to_string(type));
    }
  }
  uint32_t sub = 0;
  for (std::string_view rec : records) {
    Wire r(rec);
    uint64_t pk_index = UINT64_MAX, ehk_index = UINT64_MAX;
    std::string_view payload;
    bool has_data = false;
    while (!r.done()) {
      uint64_t tag;
      if (!r.Varint(&tag))
        return Status::Corrupt("KPL record " + std::to_string(sub) + ": bad field tag");
      const uint64_t field = tag >> 3, type = tag & 7;
      bool ok;
      if (field == 1 && type == 0) {
        ok = r.Varint(&pk_index);
      } else if (field == 2 && type == 0) {
        ok = r.Varint(&ehk_index);
      } else if (field == 3 && type == 2) {
        ok = r.Bytes(&payload);
        has_data = true;
      } else {
        ok = r.Skip(type);  // tags and unknown fields
      }
      if (!ok)
        return Status::Corrupt("KPL record " + std::to_string(sub) + ": field runs past the end");
    }
    if (!has_data || pk_index >= pk_table.size()) {
      return Status::Corrupt("KPL record " + std::to_string(sub) +
                             ": missing data or partition key index out of range");
    }
    UserRecord u;
    u.partition_key = std::string(pk_table[pk_index]);
    u.data = std::string(payload);
    u.sub_sequence = sub++;
    if (ehk_index != UINT64_MAX) {
      if (ehk_index >= ehk_table.size()) {
        return Status::Corrupt("KPL record " + std::to_string(u.sub_sequence) +
                               ": explicit hash key index out of range");
      }
      auto h = ParseHashKey(ehk_table[ehk_index]);
      if (!h) return Status::Corrupt("KPL record: explicit hash key is not a 128-bit decimal");
      u.hash_key = *h;
    } else {
      u.hash_key = PartitionKeyHash(u.partition_key);
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::string Aggregate(const std::vector<UserRecord>& records) {
  std::string body;
  std::vector<std::string> pks;
  for (const UserRecord& r : records) {
    size_t idx = 0;
    while (idx < pks.size() && pks[idx] != r.partition_key) ++idx;
    if (idx == pks.size()) pks.push_back(r.partition_key);
  }
  for (const std::string& pk : pks) PutBytes(&body, 1, pk);
  std::vector<std::string> ehks;
  for (const UserRecord& r : records) {
    if (r.hash_key != PartitionKeyHash(r.partition_key)) ehks.push_back(HashKeyText(r.hash_key));
  }
  for (const std::string& e : ehks) PutBytes(&body, 2, e);
  size_t ehk_next = 0;
  for (const UserRecord& r : records) {
    std::string rec;
    size_t idx = 0;
    while (pks[idx] != r.partition_key) ++idx;
    PutVarint(&rec, (1 << 3) | 0);
    PutVarint(&rec, idx);
    if (r.hash_key != PartitionKeyHash(r.partition_key)) {
      PutVarint(&rec, (2 << 3) | 0);
      PutVarint(&rec, ehk_next++);
    }
    PutBytes(&rec, 3, r.data);
    PutBytes(&body, 3, rec);
  }
  std::string out(reinterpret_cast<const char*>(kMagic), 4);
  out += body;
  out += Md5(body);
  return out;
}

}  // namespace fastpath
