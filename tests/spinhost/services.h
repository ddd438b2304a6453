// Real service processes for the Spin host interface tests (and the Spin
// conformance runner): Redis, an MQTT broker (Mosquitto), PostgreSQL and
// MariaDB, each started on a free port in a temporary directory and
// stopped with its owner. A service whose binary is absent gives null and
// a reason, for GTEST_SKIP. README.md in this folder says how each starts.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace flint::spinhost::testing {

namespace fs = std::filesystem;

/// A port nobody listens on now (the kernel's choice for port 0).
inline uint16_t free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
inline bool port_open(uint16_t port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

/// The first of `candidates` that is an executable file.
inline std::optional<std::string> find_binary(const std::vector<std::string>& candidates) {
  for (const std::string& c : candidates)
    if (access(c.c_str(), X_OK) == 0) return c;
  return std::nullopt;
}

/// Runs `argv` to its end with output to `log`; its exit status.
inline int run_command(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A server process in its own temporary directory; stopped (SIGTERM, then
/// SIGKILL) and its directory removed on destruction.
class Service {
 public:
  Service(std::string name) : dir_(fs::temp_directory_path() / ("flint-" + name + "-XXXXXX")) {
    std::string templ = dir_.string();
    dir_ = mkdtemp(templ.data());
    port_ = free_port();
  }
  ~Service() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      for (int i = 0; i < 100 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  uint16_t port() const { return port_; }
  const fs::path& dir() const { return dir_; }
  std::string log_path() const { return (dir_ / "server.log").string(); }
  std::string log() const {
    std::ifstream in(log_path());
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Starts `argv` in the background; output to the log.
  void spawn(const std::vector<std::string>& argv) {
    std::string log = log_path();
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);  // the test's terminal signals do not reach it
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }

  /// Waits until the port accepts connections (false after `seconds`).
  bool wait_ready(int seconds = 30) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (port_open(port_)) return true;
      if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == pid_) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  /// Gives the directory to `user` (servers that refuse to run as root).
  void chown_to(const char* user) const {
    if (passwd* pw = getpwnam(user)) {
      std::error_code ec;
      chown(dir_.c_str(), pw->pw_uid, pw->pw_gid);
      for (auto& e : fs::recursive_directory_iterator(dir_, ec))
        chown(e.path().c_str(), pw->pw_uid, pw->pw_gid);
    }
  }

 private:
  fs::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

/// What starting a service gave: the service, or why there is none.
struct Started {
  std::shared_ptr<Service> service;
  std::string why_not;
};

/// `redis-server --port P --save '' --appendonly no`, in-memory.
inline Started start_redis() {
  auto bin = find_binary({"/usr/bin/redis-server", "/usr/local/bin/redis-server"});
  if (!bin) return {nullptr, "redis-server is not installed"};
  auto s = std::make_shared<Service>("redis");
  s->spawn({*bin, "--port", std::to_string(s->port()), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", s->dir().string()});
  if (!s->wait_ready()) return {nullptr, "redis-server did not start: " + s->log()};
  return {s, ""};
}

/// Mosquitto with a password file (user `user`, password `password`) and
/// anonymous clients allowed, as the conformance tests' broker.
inline Started start_mosquitto() {
  auto bin = find_binary({"/usr/sbin/mosquitto", "/usr/bin/mosquitto"});
  auto passwd = find_binary({"/usr/bin/mosquitto_passwd"});
  if (!bin || !passwd) return {nullptr, "mosquitto is not installed"};
  auto s = std::make_shared<Service>("mosquitto");
  std::string pwfile = (s->dir() / "passwd").string();
  if (run_command({*passwd, "-b", "-c", pwfile, "user", "password"}, s->log_path()) != 0)
    return {nullptr, "mosquitto_passwd failed: " + s->log()};
  std::string conf = (s->dir() / "mosquitto.conf").string();
  std::ofstream(conf) << "listener " << s->port() << " 127.0.0.1\n"
                      << "allow_anonymous true\n"
                      << "password_file " << pwfile << "\n"
                      << "persistence false\n";
  s->chown_to("mosquitto");  // as root it drops to user `mosquitto`
  s->spawn({*bin, "-c", conf});
  if (!s->wait_ready()) return {nullptr, "mosquitto did not start: " + s->log()};
  return {s, ""};
}

/// The directory of PostgreSQL's server binaries (initdb, postgres).
inline std::optional<std::string> postgres_bindir() {
  for (const char* v : {"17", "16", "15", "14", "13"}) {
    std::string dir = std::string("/usr/lib/postgresql/") + v + "/bin";
    if (access((dir + "/initdb").c_str(), X_OK) == 0) return dir;
  }
  return std::nullopt;
}

/// PostgreSQL in a fresh cluster: superuser `postgres` with password
/// `postgres` (md5 over TCP), database `spin_dev` loaded with every
/// `*.sql` of `init_dir` (sorted), listening on 127.0.0.1 (and `localhost`).
/// Runs as the `postgres` user when the tests run as root (PostgreSQL
/// refuses root).
inline Started start_postgres(const std::string& init_dir = {}) {
  auto bindir = postgres_bindir();
  if (!bindir) return {nullptr, "PostgreSQL's server binaries are not installed"};
  auto s = std::make_shared<Service>("postgres");
  bool root = geteuid() == 0;
  std::vector<std::string> as_user;
  if (root) {
    auto runuser = find_binary({"/usr/sbin/runuser", "/sbin/runuser"});
    if (!runuser || !getpwnam("postgres"))
      return {nullptr, "no `postgres` user to run PostgreSQL as"};
    as_user = {*runuser, "-u", "postgres", "--"};
  }
  auto with_user = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), as_user.begin(), as_user.end());
    return argv;
  };
  std::string data = (s->dir() / "data").string();
  std::string pwfile = (s->dir() / "pw").string();
  std::ofstream(pwfile) << "postgres\n";
  if (root) s->chown_to("postgres");
  if (run_command(
          with_user({*bindir + "/initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile,
                     "--auth-host=md5", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"}),
          s->log_path()) != 0)
    return {nullptr, "initdb failed: " + s->log()};
  s->spawn(with_user({*bindir + "/postgres", "-D", data, "-p", std::to_string(s->port()), "-k",
                      s->dir().string(), "-c", "listen_addresses=localhost", "-c", "fsync=off"}));
  if (!s->wait_ready()) return {nullptr, "postgres did not start: " + s->log()};
  // Ready for connections shortly after the port opens.
  std::string psql = *bindir + "/psql";
  std::string port = std::to_string(s->port());
  std::vector<std::string> base = with_user(
      {psql, "-h", s->dir().string(), "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"});
  for (int i = 0; i < 50; ++i) {
    auto argv = base;
    argv.insert(argv.end(), {"-d", "postgres", "-c", "SELECT 1"});
    if (run_command(argv, s->log_path()) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto argv = base;
  argv.insert(argv.end(), {"-d", "postgres", "-c", "CREATE DATABASE spin_dev"});
  if (run_command(argv, s->log_path()) != 0) return {nullptr, "createdb failed: " + s->log()};
  if (!init_dir.empty()) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(init_dir, ec))
      if (e.path().extension() == ".sql") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      auto load = base;
      load.insert(load.end(), {"-d", "spin_dev", "-f", f.string()});
      if (run_command(load, s->log_path()) != 0)
        return {nullptr, "loading " + f.string() + " failed: " + s->log()};
    }
  }
  return {s, ""};
}

/// MariaDB in a fresh data directory: user `spin` with password `spin`
/// and database `spin_dev`, on 127.0.0.1.
inline Started start_mariadb() {
  auto server = find_binary({"/usr/sbin/mariadbd", "/usr/sbin/mysqld"});
  auto install = find_binary({"/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"});
  auto client = find_binary({"/usr/bin/mariadb", "/usr/bin/mysql"});
  if (!server || !install || !client) return {nullptr, "MariaDB is not installed"};
  auto s = std::make_shared<Service>("mariadb");
  std::string data = (s->dir() / "data").string();
  std::string socket = (s->dir() / "mysqld.sock").string();
  const char* user = geteuid() == 0 ? "mysql" : nullptr;
  if (user && !getpwnam(user)) user = "root";
  std::vector<std::string> init{*install, "--no-defaults", "--datadir=" + data,
                                "--auth-root-authentication-method=normal", "--skip-test-db"};
  if (user) init.push_back(std::string("--user=") + user);
  if (user) s->chown_to(user);
  if (run_command(init, s->log_path()) != 0)
    return {nullptr, "mariadb-install-db failed: " + s->log()};
  if (user) s->chown_to(user);
  std::vector<std::string> argv{*server,
                                "--no-defaults",
                                "--datadir=" + data,
                                "--socket=" + socket,
                                "--port=" + std::to_string(s->port()),
                                "--bind-address=127.0.0.1",
                                "--pid-file=" + (s->dir() / "pid").string()};
  if (user) argv.push_back(std::string("--user=") + user);
  s->spawn(argv);
  if (!s->wait_ready(60)) return {nullptr, "mariadbd did not start: " + s->log()};
  std::string sql =
      "CREATE DATABASE spin_dev; CREATE USER 'spin'@'%' IDENTIFIED BY 'spin'; "
      "CREATE USER 'spin'@'localhost' IDENTIFIED BY 'spin'; "
      "GRANT ALL ON spin_dev.* TO 'spin'@'%'; GRANT ALL ON spin_dev.* TO 'spin'@'localhost';";
  if (run_command({*client, "--no-defaults", "-S", socket, "-u", "root", "-e", sql},
                  s->log_path()) != 0)
    return {nullptr, "creating the MariaDB user failed: " + s->log()};
  return {s, ""};
}

}  // namespace flint::spinhost::testing
