// A cpp-httplib server on a free loopback port, for the tests of what talks to endpoints that
// have no local counterpart here (instance metadata, ECS and STS credentials, a service's
// throttling and 5xx answers).
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include <httplib.h>

namespace fastpath::aws {

class LoopbackServer {
 public:
  LoopbackServer() {
    server.set_keep_alive_max_count(1);
    port_ = server.bind_to_any_port("127.0.0.1");
  }
  // Call after registering the handlers.
  void Start() {
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

}  // namespace fastpath::aws
