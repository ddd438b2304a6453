// Outbound HTTP over libcurl: one easy handle per request, performed on a
// thread of its own.
//
// Why a thread per request, not a curl multi handle driven when the guest
// polls: the guest may wait on anything (a clock, a socket, another
// request, or nothing at all while it computes), and a multi handle would
// move only inside Flint's poll, so a request's timeouts, TLS handshake and
// the server's window would depend on what the guest happens to call. A
// thread keeps the transfer moving on its own; the guest and it meet in a
// mutex-guarded buffer in each direction, and the guest waits through
// eventfds (real wasi:io pollables: poll(2) sees them) that the thread
// raises when the head or body bytes arrive. The server's other requests
// are never blocked: each guest runs on its own server thread, and a
// guest only ever waits for its own transfer. Memory is bounded: each
// direction buffers at most a megabyte, the producer waits beyond it.
#include "wasihttp/client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "wasip2/event.h"

namespace flint::wasihttp {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kBuffered = 1 << 20;

// wasi:http/types.error-code cases (types.cc's kErrorCodes order).
enum : uint32_t {
  kDnsError = 1,
  kDestinationIpUnroutable = 5,
  kConnectionRefused = 6,
  kConnectionTerminated = 7,
  kConnectionTimeout = 8,
  kConnectionReadTimeout = 9,
  kTlsProtocolError = 12,
  kTlsCertificateError = 13,
  kHttpRequestUriInvalid = 19,
  kHttpResponseIncomplete = 25,
  kHttpResponseTimeout = 33,
  kHttpProtocolError = 35,
  kInternalError = 38,
};

using wasip2::clear_event;
using wasip2::new_event;
using wasip2::raise_event;

/// "name: value" of a header line into `fields` (hop-by-hop fields, which
/// the guest could not pass on, are left out).
void add_header(Fields& fields, std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (!valid_field_name(name)) return;
  std::vector<uint8_t> bytes(value.begin(), value.end());
  if (!valid_field_value(bytes) || forbidden_field(lowercase(name))) return;
  fields.add_unchecked(name, std::move(bytes));
}

}  // namespace

/// What the guest's side and the transfer's thread share.
class Transfer {
 public:
  explicit Transfer(ClientRequest r) : request(std::move(r)) {
    upload = std::move(request.initial_body);
    upload_finished = request.body_finished;
  }

  void run();
  ClientError error_of(CURLcode rc);

  static size_t on_header(char* data, size_t size, size_t n, void* self);
  static size_t on_body(char* data, size_t size, size_t n, void* self);
  static size_t on_upload(char* buffer, size_t size, size_t n, void* self);
  static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
  static int on_trailers(curl_slist** list, void* self);

  ClientRequest request;
  CURL* easy = nullptr;
  char error_text[CURL_ERROR_SIZE] = {};

  std::mutex m;
  std::condition_variable changed;
  bool cancelled = false;  ///< the guest dropped everything
  bool done = false;       ///< the transfer ended

  // Request body: queued bytes from `upload_pos` on.
  std::vector<uint8_t> upload;
  size_t upload_pos = 0;
  bool upload_finished = false, upload_aborted = false;
  Fields upload_trailers;                    ///< sent after a chunked body
  std::optional<Clock::time_point> sent_at;  ///< the whole request went out

  // Response.
  bool head_done = false;
  std::optional<ClientError> head_error;
  bool head_taken = false;
  ClientHead head;
  Fields trailers;
  bool has_trailers = false;
  std::vector<uint8_t> body;  ///< unread bytes from `body_pos` on
  size_t body_pos = 0;
  bool body_end = false, body_raised = false;
  std::optional<ClientError> body_error;
  Clock::time_point last_byte;
  enum class Timeout : uint8_t { None, FirstByte, BetweenBytes } timed_out = Timeout::None;

  wasip2::SharedFd head_event = new_event(), body_event = new_event();

  /// Raises the body's event while there is something for read_body (with
  /// `m` held).
  void update_body_event() {
    bool readable = body_pos < body.size() || body_end || body_error;
    if (readable != body_raised) {
      readable ? raise_event(body_event) : clear_event(body_event);
      body_raised = readable;
    }
  }
};

size_t Transfer::on_header(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::lock_guard lock(t->m);
  if (t->cancelled) return 0;
  if (t->head_done) {  // after the body: a chunked response's trailers
    if (!line.empty()) {
      add_header(t->trailers, line);
      t->has_trailers = true;
    }
    return len;
  }
  if (line.starts_with("HTTP/")) {  // a status line: a new response (after a 1xx) begins
    t->head.headers = Fields();
    return len;
  }
  if (!line.empty()) {
    add_header(t->head.headers, line);
    return len;
  }
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 100 && status < 200) return len;  // informational: the final one follows
  t->head.status = uint16_t(status);
  t->head_done = true;
  t->last_byte = Clock::now();
  raise_event(t->head_event);
  t->changed.notify_all();
  return len;
}

size_t Transfer::on_body(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  size_t len = size * n;
  std::unique_lock lock(t->m);
  t->changed.wait(lock, [&] { return t->cancelled || t->body.size() - t->body_pos < kBuffered; });
  if (t->cancelled) return 0;  // CURLE_WRITE_ERROR ends the transfer
  if (t->body_pos == t->body.size()) t->body.clear(), t->body_pos = 0;
  t->body.insert(t->body.end(), data, data + len);
  t->last_byte = Clock::now();
  t->update_body_event();
  t->changed.notify_all();
  return len;
}

size_t Transfer::on_upload(char* buffer, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  size_t room = size * n;
  std::unique_lock lock(t->m);
  t->changed.wait(lock, [&] {
    return t->cancelled || t->upload_aborted || t->upload_pos < t->upload.size() ||
           t->upload_finished;
  });
  if (t->cancelled || t->upload_aborted) return CURL_READFUNC_ABORT;
  size_t k = std::min(room, t->upload.size() - t->upload_pos);
  if (k == 0) {  // finished and all sent
    if (!t->sent_at) t->sent_at = Clock::now();
    return 0;
  }
  std::memcpy(buffer, t->upload.data() + t->upload_pos, k);
  t->upload_pos += k;
  if (t->upload_pos == t->upload.size()) t->upload.clear(), t->upload_pos = 0;
  t->changed.notify_all();  // a writer may wait for room
  return k;
}

int Transfer::on_trailers(curl_slist** list, void* self) {
  auto* t = static_cast<Transfer*>(self);
  std::lock_guard lock(t->m);
  for (const auto& [name, value] : t->upload_trailers.entries()) {
    std::string line = name + ": " + std::string(value.begin(), value.end());
    *list = curl_slist_append(*list, line.c_str());
  }
  return CURL_TRAILERFUNC_OK;
}

int Transfer::on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(self);
  std::lock_guard lock(t->m);
  if (t->cancelled) return 1;
  auto now = Clock::now();
  if (!t->head_done && t->request.first_byte_timeout) {
    // Without a body the request is out once curl starts transferring.
    if (!t->sent_at && !t->request.has_body) {
      curl_off_t pretransfer = 0;
      curl_easy_getinfo(t->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      if (pretransfer > 0) t->sent_at = now;
    }
    if (t->sent_at &&
        now - *t->sent_at > std::chrono::nanoseconds(*t->request.first_byte_timeout)) {
      t->timed_out = Timeout::FirstByte;
      return 1;
    }
  }
  if (t->head_done && t->request.between_bytes_timeout &&
      now - t->last_byte > std::chrono::nanoseconds(*t->request.between_bytes_timeout)) {
    t->timed_out = Timeout::BetweenBytes;
    return 1;
  }
  return 0;
}

ClientError Transfer::error_of(CURLcode rc) {
  std::string message = error_text[0] ? error_text : curl_easy_strerror(rc);
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  curl_off_t connected = 0;
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: return {kDnsError, message};
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ENETUNREACH || os_errno == EHOSTUNREACH)
        return {kDestinationIpUnroutable, message};
      if (os_errno == ETIMEDOUT) return {kConnectionTimeout, message};
      return {kConnectionRefused, message};
    case CURLE_OPERATION_TIMEDOUT:
      return {connected == 0 ? kConnectionTimeout : kHttpResponseTimeout, message};
    case CURLE_ABORTED_BY_CALLBACK:
      if (timed_out != Timeout::None) return {kConnectionReadTimeout, message};
      return {kInternalError, "the request was cancelled"};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return {kTlsCertificateError, message};
    case CURLE_SSL_CONNECT_ERROR: return {kTlsProtocolError, message};
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return {kConnectionTerminated, message};
    case CURLE_PARTIAL_FILE: return {kHttpResponseIncomplete, message};
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_UNSUPPORTED_PROTOCOL: return {kHttpProtocolError, message};
    case CURLE_URL_MALFORMAT: return {kHttpRequestUriInvalid, message};
    default: return {kInternalError, message};
  }
}

void Transfer::run() {
  easy = curl_easy_init();
  curl_slist* headers = nullptr;
  bool has_type = false, has_accept = false;
  for (const auto& [name, value] : request.headers) {
    has_type |= name == "content-type";
    has_accept |= name == "accept";
    // "name;" is curl's spelling of a header with an empty value.
    std::string line =
        value.empty() ? name + ";" : name + ": " + std::string(value.begin(), value.end());
    headers = curl_slist_append(headers, line.c_str());
  }
  // Only the guest's headers: none of curl's defaults, no 100-continue wait.
  headers = curl_slist_append(headers, "Expect:");
  if (!has_accept) headers = curl_slist_append(headers, "Accept:");
  if (request.has_body && !has_type) headers = curl_slist_append(headers, "Content-Type:");

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");  // straight to the host, as Wasmtime and Spin
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);  // bytes as the server sent them
  if (request.method == "HEAD")
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  else if (request.method != "GET" || request.has_body)
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.has_body) {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(easy, CURLOPT_READDATA, this);
    // Unknown: -1, sent chunked (HTTP/1.1) or as DATA frames (HTTP/2).
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     request.body_size ? curl_off_t(*request.body_size) : curl_off_t(-1));
    // A chunked body ends with the trailers the guest gave (if any).
    if (!request.body_size) {
      curl_easy_setopt(easy, CURLOPT_TRAILERFUNCTION, on_trailers);
      curl_easy_setopt(easy, CURLOPT_TRAILERDATA, this);
    }
  }
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, this);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  if (request.connect_timeout)
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     long(std::max<uint64_t>(*request.connect_timeout / 1'000'000, 1)));

  CURLcode rc = curl_easy_perform(easy);
  {
    std::lock_guard lock(m);
    if (rc == CURLE_OK && head_done) {
      body_end = true;
    } else {
      ClientError e =
          rc == CURLE_OK ? ClientError{kHttpProtocolError, "no response"} : error_of(rc);
      if (!head_done) {
        head_error = e;
        raise_event(head_event);
      } else {
        body_error = e;
      }
    }
    done = true;
    update_body_event();
    changed.notify_all();
  }
  curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
}

std::shared_ptr<ClientExchange> ClientExchange::start(ClientRequest request) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto t = std::make_shared<Transfer>(std::move(request));
  // Detached: the thread keeps the transfer alive, and ends soon after a
  // cancel (every callback checks it).
  std::thread([t] { t->run(); }).detach();
  return std::shared_ptr<ClientExchange>(new ClientExchange(std::move(t)));
}

ClientExchange::~ClientExchange() {
  std::lock_guard lock(t_->m);
  t_->cancelled = true;
  t_->changed.notify_all();
}

bool ClientExchange::write_body(std::span<const uint8_t> data) {
  std::unique_lock lock(t_->m);
  size_t done = 0;
  while (done < data.size()) {
    t_->changed.wait(lock, [&] {
      return t_->done || t_->cancelled || t_->upload.size() - t_->upload_pos < kBuffered;
    });
    if (t_->done || t_->cancelled || t_->upload_finished || t_->upload_aborted) return false;
    size_t k = std::min(data.size() - done, kBuffered);
    t_->upload.insert(t_->upload.end(), data.begin() + done, data.begin() + done + k);
    done += k;
    t_->changed.notify_all();
  }
  return true;
}

void ClientExchange::finish_body(std::optional<Fields> trailers) {
  std::lock_guard lock(t_->m);
  if (trailers) t_->upload_trailers = std::move(*trailers);
  t_->upload_finished = true;
  t_->changed.notify_all();
}

void ClientExchange::abort_body() {
  std::lock_guard lock(t_->m);
  if (t_->upload_finished) return;
  t_->upload_aborted = true;
  t_->changed.notify_all();
}

const wasip2::SharedFd& ClientExchange::head_fd() const { return t_->head_event; }

bool ClientExchange::head_ready() const {
  std::lock_guard lock(t_->m);
  return t_->head_done || t_->head_error;
}

std::variant<ClientHead, ClientError> ClientExchange::head() {
  std::lock_guard lock(t_->m);
  if (t_->head_error) return *t_->head_error;
  ClientHead h;
  h.status = t_->head.status;
  h.headers = t_->head.headers.clone();
  return h;
}

const wasip2::SharedFd& ClientExchange::body_fd() const { return t_->body_event; }

bool ClientExchange::body_ready() const {
  std::lock_guard lock(t_->m);
  return t_->body_pos < t_->body.size() || t_->body_end || t_->body_error;
}

wasip2::StreamSource::Read ClientExchange::read_body(uint64_t len) {
  std::unique_lock lock(t_->m);
  Transfer& t = *t_;
  t.changed.wait(lock, [&] { return t.body_pos < t.body.size() || t.body_end || t.body_error; });
  wasip2::StreamSource::Read r;
  if (t.body_pos < t.body.size()) {
    size_t k = size_t(std::min<uint64_t>(len, t.body.size() - t.body_pos));
    r.bytes.assign(t.body.begin() + ptrdiff_t(t.body_pos),
                   t.body.begin() + ptrdiff_t(t.body_pos + k));
    t.body_pos += k;
    if (t.body_pos == t.body.size()) t.body.clear(), t.body_pos = 0;
    t.update_body_event();
    t.changed.notify_all();  // the transfer may wait for room
    return r;
  }
  if (t.body_error) {
    r.error = t.body_error->message;
    r.code = t.body_error->code;
    return r;
  }
  r.end = true;
  return r;
}

std::optional<Fields> ClientExchange::trailers() {
  std::lock_guard lock(t_->m);
  if (!t_->body_end || !t_->has_trailers) return std::nullopt;
  return t_->trailers.clone();
}

}  // namespace flint::wasihttp
